"""The write-ahead journal of a migration run: one JSON object per line in the folder.

Every process of the pool appends whole lines with a single ``write`` on an ``O_APPEND``
descriptor, so records of different workers never interleave. A record is written (and fsynced)
*before* the step it makes irreversible: ``backup`` (the backup exists, with its hash) before the
original is replaced, ``done`` once a file is finished. A line torn by a crash is ignored.

Records: ``{"t": "start", "options": ..., "started": ...}``,
``{"t": "backup", "path", "backup", "sha256", "size", "formats"}``,
``{"t": "done", "item": ReportItem}``, ``{"t": "part", "seconds"}`` (a stopped part's wall time).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ._model import JOURNAL_NAME

_FDS: dict[str, int] = {}  # one append descriptor per journal per process


def journal_path(root: Path) -> Path:
    return Path(root) / JOURNAL_NAME


def append(path: Path, record: dict, sync: bool = False) -> None:
    """Append one record; ``sync`` makes it durable before the caller goes on."""
    key = str(path)
    fd = _FDS.get(key)
    if fd is None:
        fd = os.open(key, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        _FDS[key] = fd
    os.write(fd, (json.dumps(record, ensure_ascii=True) + "\n").encode("ascii"))
    if sync:
        (getattr(os, "fdatasync", None) or os.fsync)(fd)


def close(path: Path) -> None:
    fd = _FDS.pop(str(path), None)
    if fd is not None:
        os.close(fd)


@dataclass
class JournalState:
    """What a journal says: the run's options and, per file, its backup and its outcome."""

    path: Path
    options: dict = field(default_factory=dict)
    started: str = ""
    backups: dict[str, dict] = field(default_factory=dict)
    done: dict[str, dict] = field(default_factory=dict)
    parts_s: float = 0.0  # wall time of the parts that were stopped cleanly
    unclosed_s: float = 0.0  # file times journaled after the last stopped part (a killed one)

    @property
    def elapsed_s(self) -> float:
        """Wall time already spent on this run by earlier parts.

        A stopped part recorded its time. A killed one could not: its files' own times, spread
        over the workers it used, stand in for it (a lower bound).
        """
        workers = max(1, int(self.options.get("workers") or 1))
        return self.parts_s + self.unclosed_s / workers

    @property
    def unfinished(self) -> list[str]:
        """Files with a backup but no outcome: the ones a crash interrupted."""
        return [p for p in self.backups if p not in self.done]


def read(path: Path) -> JournalState:
    state = JournalState(path)
    with open(path, "rb") as fh:
        for raw in fh:
            try:
                record = json.loads(raw)
            except ValueError:  # the last line of a killed run may be torn
                continue
            _apply(state, record)
    return state


def _apply(state: JournalState, record: dict) -> None:
    kind = record.get("t")
    if kind == "start":
        state.options = state.options or record.get("options", {})
        state.started = state.started or record.get("started", "")
    elif kind == "backup":
        state.backups[record["path"]] = record
    elif kind == "done":
        state.done[record["item"]["path"]] = record["item"]
        state.unclosed_s += float(record["item"].get("seconds") or 0.0)
    elif kind == "part":
        state.parts_s += float(record.get("seconds") or 0.0)
        state.unclosed_s = 0.0


def find_unfinished_journal(folder: str | os.PathLike[str]) -> Path | None:
    """The journal of a run in ``folder`` that did not finish (crash, kill, cancel), or None."""
    path = journal_path(Path(folder))
    return path if path.is_file() else None
