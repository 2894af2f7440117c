"""What every experiment source gives the indexer: units to read, runs from a unit, series.

A *unit* is what a source reads as a whole and re-reads when it changes (a results file, a
TensorBoard run folder, an MLflow run): the indexer keeps one manifest entry per unit and skips
units whose signature has not changed. A run's series are found later from its *locator*, a
string kept in the manifest (a history file path, or ``kind:path`` for a source's own files).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .._nal import RunRecord


@dataclass(frozen=True)
class Unit:
    """One thing a source reads whole. ``key`` is unique in the folder (a relative path)."""

    key: str
    path: Path
    sig: str


class Source(Protocol):
    """A reader of one kind of experiment store inside a folder."""

    kind: str  # short name: "nal", "tensorboard", ... (also the locator prefix)
    title: str  # for people: "NAL results", "TensorBoard logs", ...
    looks_for: str  # the files that make a folder this kind of store, for "found nothing"

    def units(self) -> list[Unit]: ...

    def context_sig(self) -> str:
        """Changes when every unit must be read again (e.g. a lab report joined to all runs)."""
        ...

    def context_failures(self) -> list[tuple[Path, str]]: ...

    def records(self, unit: Unit) -> list[RunRecord]:
        """The unit's runs; each record's ``metadata["series"]`` is its locator ("" if none)."""
        ...


class SeriesSource(Protocol):
    """A source whose runs' series live in its own files (not Loupe's history files)."""

    def metrics(self, target: str) -> list[str]: ...

    def read(self, target: str, metrics: Sequence[str] | None) -> dict[str, np.ndarray]: ...


def file_signature(path: Path) -> str:
    """Changes when the file is rewritten (size and modification time in nanoseconds)."""
    st = path.stat()
    return f"{st.st_size}:{st.st_mtime_ns}"


def files_signature(paths: Sequence[Path]) -> str:
    """One signature for several files (a folder's run: event files, csv and yaml)."""
    parts = []
    for path in sorted(paths):
        try:
            parts.append(f"{path.name}={file_signature(path)}")
        except OSError:
            continue
    return "|".join(parts)


def relative_key(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix() or "."
    except ValueError:
        return path.as_posix()


SKIP_DIRS = {".loupe", ".git", "__pycache__", "node_modules", ".venv"}


def walk(root: Path, match: Callable[[str], bool], first_only: bool = False,
         max_depth: int = 64, skip: Callable[[str], bool] | None = None) -> list[Path]:
    """Files below ``root`` whose name matches (``os.scandir``; Loupe's and tools' folders and
    symlinked folders are skipped). ``first_only`` stops at the first: detection stays cheap."""
    found: list[Path] = []
    stack = [(str(root), 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name in SKIP_DIRS:
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if depth < max_depth and not (skip and skip(name)):
                    stack.append((entry.path, depth + 1))
            elif match(name):
                found.append(Path(entry.path))
                if first_only:
                    return found
    return sorted(found)


class NoContext:
    """For sources whose runs depend on nothing outside their own unit: no lab-wide context
    that would make every unit be read again, so no context failures either."""

    def context_sig(self) -> str:
        return ""

    def context_failures(self) -> list[tuple[Path, str]]:
        return []


class FolderSource(NoContext):
    """A source that reads the files below one root folder."""

    def __init__(self, root: Path) -> None:
        self.root = root


class StepSeriesSource(FolderSource):
    """A folder source whose runs' series are parsed from its own files as name -> (steps,
    values): ``parsed_series(folder)`` (cached by the subclass) gives them."""

    @staticmethod
    def parsed_series(folder: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        raise NotImplementedError

    @classmethod
    def read_series(cls, target: str, metrics: Sequence[str] | None) -> dict[str, np.ndarray]:
        return pick_series(cls.parsed_series(Path(target)), metrics)

    @classmethod
    def series_metrics(cls, target: str) -> list[str]:
        return sorted(cls.parsed_series(Path(target)))


def pick_series(series: Mapping[str, tuple[np.ndarray, np.ndarray]],
                metrics: Sequence[str] | None) -> dict[str, np.ndarray]:
    """The asked ``metrics`` (all when None) of ``series`` (name -> (steps, values)) that
    exist, and the ``step`` array of the first one found."""
    names = [m for m in (metrics if metrics is not None else sorted(series)) if m in series]
    out = {m: series[m][1] for m in names}
    if names:
        out["step"] = series[names[0]][0]
    return out


class ParsedCache:
    """The last few parsed files of a source, by path and signature (plots read a run once)."""

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self._items: dict[str, tuple[str, Any]] = {}

    def get(self, key: str, sig: str, load: Callable[[], Any]) -> Any:
        hit = self._items.get(key)
        if hit is not None and hit[0] == sig:
            return hit[1]
        value = load()
        self._items.pop(key, None)
        self._items[key] = (sig, value)
        while len(self._items) > self.size:
            self._items.pop(next(iter(self._items)))
        return value


def scalar_items(values: Mapping[str, Any]) -> dict[str, Any]:
    """The entries that fit in the index's metadata as they are (str, bool, int, float)."""
    return {str(k): v for k, v in values.items() if isinstance(v, str | bool | int | float)}
