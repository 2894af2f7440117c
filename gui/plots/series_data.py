"""Where a run's curves come from: a lab experiment or any HDF5 file in the time-series layout.

Qt-free: these functions run in workers. The layout (see the experiments API): one 1-D dataset
per metric at the root, optional ``step`` and ``wall_time`` datasets of the same length, files
written with ``libver="latest"`` so they can be read while a writer appends (SWMR).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from storage import hdf5_open_for_writing

X_KEYS = ("step", "wall_time")


class SeriesReader(Protocol):
    """What live refresh needs: the shape of :class:`storage.SeriesReader`."""

    def metrics(self) -> list[str]: ...
    def length(self, metric: str) -> int: ...
    def refresh(self) -> dict[str, int]: ...
    def read(self, metric: str, start: int = 0, stop: int | None = None) -> np.ndarray: ...
    def close(self) -> None: ...


class RunSource(Protocol):
    def being_written(self) -> bool: ...
    def metrics(self) -> list[str]: ...
    def load(self, metric: str) -> tuple[list[str], dict[str, np.ndarray]]: ...
    def read(self, names: Iterable[str]) -> dict[str, np.ndarray]: ...
    def open_reader(self) -> SeriesReader | None: ...


@dataclass
class RunRef:
    """One run to plot: an id, a label for legends, metadata for grouping, and its source."""

    run_id: str
    source: RunSource
    label: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.label = self.label or self.run_id


@dataclass
class RunData:
    """The arrays read for one run (metric and x keys), or the reason they could not be read."""

    ref: RunRef
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    error: str | None = None

    @property
    def run_id(self) -> str:
        return self.ref.run_id


class FileSource:
    """A time-series HDF5 file, read through storage's SWMR-capable :class:`SeriesReader`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def metrics(self) -> list[str]:
        with self.open_reader() as reader:
            return reader.metrics()

    def read(self, names: Iterable[str]) -> dict[str, np.ndarray]:
        out = {}
        with self.open_reader() as reader:
            for name in names:
                try:
                    out[name] = np.asarray(reader.read(name), dtype=_dtype(name))
                except KeyError:  # step / wall_time are optional; a missing metric is no data
                    continue
        return out

    def load(self, metric: str) -> tuple[list[str], dict[str, np.ndarray]]:
        """The metric names and ``metric`` with its x keys, in one open of the file."""
        out = {}
        with self.open_reader() as reader:
            names = reader.metrics()
            for name in (metric, *X_KEYS):
                try:
                    out[name] = np.asarray(reader.read(name), dtype=_dtype(name))
                except KeyError:
                    continue
        return names, out

    def being_written(self) -> bool:
        return hdf5_open_for_writing(self.path)

    def open_reader(self) -> Any:
        from storage import SeriesReader

        return SeriesReader(self.path)


class LabSource:
    """An experiment of a :class:`storage.Lab`: HDF5 or compressed JSON, whichever holds it."""

    def __init__(self, lab: Any, exp_id: str) -> None:
        self.lab = lab
        self.exp_id = exp_id

    def _file(self) -> FileSource | None:
        path = self.lab.series_path(self.exp_id)
        return FileSource(path) if path else None

    def being_written(self) -> bool:
        file = self._file()
        return file is not None and file.being_written()

    def metrics(self) -> list[str]:
        file = self._file()
        if file is not None:
            return file.metrics()
        return [k for k in self.lab.history(self.exp_id) if k not in X_KEYS]

    def load(self, metric: str) -> tuple[list[str], dict[str, np.ndarray]]:
        file = self._file()
        if file is not None:
            return file.load(metric)
        history = self.lab.history(self.exp_id)  # short histories: JSON, read whole
        names = [k for k in history if k not in X_KEYS]
        wanted = (metric, *X_KEYS)
        return names, {k: np.asarray(v, dtype=_dtype(k)) for k, v in history.items()
                       if k in wanted}

    def read(self, names: Iterable[str]) -> dict[str, np.ndarray]:
        wanted = list(names)
        history = self.lab.history(self.exp_id, metrics=[n for n in wanted if n not in X_KEYS])
        return {k: np.asarray(v, dtype=_dtype(k)) for k, v in history.items() if k in wanted}

    def open_reader(self) -> SeriesReader | None:
        return self.lab.open_reader(self.exp_id)


def is_live(ref: RunRef) -> bool:
    """A run that may still grow: its record says "running" or a writer holds its file."""
    if str(ref.metadata.get("status", "")).lower() == "running":
        return True
    try:
        return ref.source.being_written()
    except Exception:  # noqa: BLE001 - an unreadable run is not live; its error shows elsewhere
        return False


def load_runs(refs: Iterable[RunRef], metric: str) -> list[RunData]:
    """Read ``metric`` with ``step``/``wall_time`` for every run; one bad run is one marked row."""
    out = []
    for ref in refs:
        try:
            out.append(RunData(ref, ref.source.read([metric, *X_KEYS])))
        except Exception as exc:  # noqa: BLE001 - any failure becomes this run's error
            out.append(RunData(ref, error=f"{type(exc).__name__}: {exc}"))
    return out


def load_with_metrics(refs: Iterable[RunRef], metric: str) -> tuple[list[str], list[RunData]]:
    """Every run's metric names (union, first-seen order) and ``metric``: one open per run."""
    seen: dict[str, None] = {}
    runs = []
    for ref in refs:
        try:
            names, arrays = ref.source.load(metric)
        except Exception as exc:  # noqa: BLE001 - any failure becomes this run's error
            runs.append(RunData(ref, error=f"{type(exc).__name__}: {exc}"))
            continue
        seen.update(dict.fromkeys(names))
        runs.append(RunData(ref, arrays))
    return list(seen), runs


def list_metrics(refs: Iterable[RunRef]) -> list[str]:
    """Union of the metric names of all runs, in first-seen order; unreadable runs are skipped."""
    seen: dict[str, None] = {}
    for ref in refs:
        try:
            for name in ref.source.metrics():
                seen.setdefault(name, None)
        except Exception:  # noqa: BLE001 - the run shows its error when its data is loaded
            continue
    return list(seen)


def _dtype(name: str) -> type:
    return np.int64 if name == "step" else np.float64

