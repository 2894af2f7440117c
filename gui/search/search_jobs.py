"""The search panel's work, run in workers: open and index a lab, query it, explain failures.

Qt-free: every function here takes plain values and returns plain values, so it can run in a
worker thread and be tested on its own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class Opened:
    """A lab ready to search, and what indexing it did (None when it was up to date)."""

    lab: Any
    status_before: str
    summary: Any
    fields: dict[str, Any]

    def describe(self) -> str:
        if self.summary is None:
            return f"Index up to date ({len(self.fields)} fields)."
        s = self.summary
        text = f"Indexed {s.indexed} run(s); {s.unchanged} file(s) unchanged"
        if s.removed:
            text += f", {s.removed} removed"
        if getattr(s, "cancelled", False):
            text += "; cancelled, the rest stays to index"
        if s.failed:
            names = ", ".join(Path(p).name for p, _ in s.failed[:3])
            text += f"; {len(s.failed)} file(s) could not be read ({names})"
        collisions = getattr(s, "collisions", [])
        if collisions:  # never resolved by overwriting: both runs are kept, under two ids
            ids = ", ".join(run for _, run, _ in collisions[:3])
            text += f"; {len(collisions)} run id(s) used twice, kept as id@file ({ids})"
        return text + "."


def open_lab(path: str, chroma: Any, progress: Callable[[Any], None] | None = None,
             cancel: threading.Event | None = None) -> Opened:
    """Open the lab and bring its index up to date (only new or changed files are indexed)."""
    from storage import Lab, StorageFileNotFoundError

    folder = Path(path)
    if not folder.is_dir():
        raise StorageFileNotFoundError(f"the lab folder {folder} does not exist; pick another "
                                       "one in File > Open Lab Folder")
    lab = Lab(folder, chroma=chroma)
    status = lab.index_status()
    summary = None
    if status != "ok":
        summary = lab.reindex(progress=_progress(progress), cancel=cancel)
    return Opened(lab, status, summary, lab.fields())


def reindex(lab: Any, progress: Callable[[Any], None] | None = None,
            cancel: threading.Event | None = None) -> Opened:
    summary = lab.reindex(progress=_progress(progress), cancel=cancel)
    return Opened(lab, "stale", summary, lab.fields())


def _progress(emit: Callable[[Any], None] | None) -> Callable[[int, int, str], None] | None:
    if emit is None:
        return None
    return lambda done, total, name: emit((int(done), int(total), str(name)))


def search(lab: Any, text: str, where: str, limit: int, sort_by: str | None = None,
           cancel: threading.Event | None = None) -> list | None:
    """One query. Returns None when a newer query replaced it before it started."""
    if cancel is not None and cancel.is_set():
        return None
    return lab.search(text=text or None, where=where or None, limit=limit,
                      sort_by=None if text else sort_by, descending=True)


def check_where(text: str, fields: Any = ()) -> str:
    """"" if the filter parses (or is empty) and names only known ``fields``, else why not."""
    if not text.strip():
        return ""
    from storage import check_where as check

    try:
        check(text, list(fields))
    except ValueError as exc:
        return f"Filter: {exc}"
    return ""


def is_index_error(exc: BaseException) -> bool:
    from storage import IndexUnavailableError

    return isinstance(exc, IndexUnavailableError)


def explain(exc: BaseException) -> tuple[str, str]:
    """A title and a message for a failure, saying what to do."""
    from storage import IndexUnavailableError, MissingDependencyError

    message = str(exc) or type(exc).__name__
    if isinstance(exc, IndexUnavailableError):
        if "server" in message.lower():
            return "Cannot reach the Chroma server.", message + \
                "\nChange the server in Settings (empty host: use the lab's own index)."
        return "The index is locked or broken.", message
    if isinstance(exc, FileNotFoundError):
        return "Lab folder not found.", message
    if isinstance(exc, MissingDependencyError):
        return "A package is missing.", message
    return "Could not open the lab.", f"{type(exc).__name__}: {message}"


def files_of(lab: Any, hit: Any) -> list[str]:
    """The run's time-series file and results file (those that exist), for the Files tab."""
    meta = hit.metadata
    candidates = [meta.get("timeseries_path") or "", meta.get("result_path") or ""]
    if lab is not None:
        candidates[0] = candidates[0] or str(lab.series_path(hit.id) or "")
        candidates[1] = candidates[1] or str(lab.result_path(hit.id) or "")
    out = []
    for text in candidates:
        path = Path(text) if text else None
        if path is not None and not path.is_absolute() and lab is not None:
            path = Path(lab.path) / path
        if path is not None and path.exists() and str(path) not in out:
            out.append(str(path))
    return out
