"""One experiment's training history in one HDF5 file, appendable while another process reads it.

Layout (the GUI plots any file that has it): root attributes ``loupe_timeseries = 1`` and
``experiment_id``; one 1-D float64 dataset per metric at the root (chunked, resizable,
compressed); optional ``step`` (int64) and ``wall_time`` (float64, seconds since the epoch)
datasets of the same length. Files are written with ``libver="latest"`` so SWMR works: a
:class:`SeriesWriter` switches the file to SWMR mode once its datasets exist, and a
:class:`SeriesReader` in another process sees new rows after :meth:`SeriesReader.refresh`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from .._errors import CorruptFileError, StorageError, StorageFileNotFoundError
from .._remote._url import is_remote_url

AXIS_NAMES = ("step", "wall_time")
MARKER = "loupe_timeseries"


def dataset_options(compression: str | None, level: int | None, chunk: int) -> dict[str, Any]:
    """h5py ``create_dataset`` keywords for a resizable, chunked, compressed 1-D series."""
    opts: dict[str, Any] = {"maxshape": (None,), "chunks": (max(1, int(chunk)),)}
    if compression is None:
        return opts
    if compression == "gzip":
        opts.update(compression="gzip", compression_opts=4 if level is None else int(level))
    elif compression == "lzf":
        opts.update(compression="lzf")
    elif compression == "zstd":
        import hdf5plugin  # registers the filter with HDF5; cheap, but only needed here

        opts.update(hdf5plugin.Zstd(clevel=3 if level is None else int(level)))
    else:
        raise ValueError(f"unknown compression {compression!r}: use 'gzip', 'lzf', 'zstd' or None")
    return opts


def register_filters() -> None:
    """Make the compression filters of hdf5plugin (zstd, blosc...) known to HDF5, for reading."""
    import hdf5plugin  # noqa: F401 - importing registers the filters; cached after the first time


def metric_names(h5: h5py.Group) -> list[str]:
    """Names of the metric datasets (1-D numeric datasets other than step/wall_time)."""
    names = []
    for name, obj in h5.items():
        # by ndim, not isinstance: h5pyd's datasets (HSDS) are not h5py classes
        if name in AXIS_NAMES or getattr(obj, "ndim", None) != 1:
            continue
        if obj.dtype.kind in "fiub":
            names.append(name)
    return sorted(names)


def _is_nan_row(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


class SeriesWriter:
    """Append rows (one epoch or step each) to an experiment's HDF5 file; SWMR after the start.

    Rows are buffered and written in blocks (every ``chunk_size`` rows or ``flush_interval``
    seconds, and on :meth:`flush`/:meth:`close`), because one HDF5 resize per metric per row costs
    more than the training step it records. A metric missing from a row is stored as NaN.
    """

    def __init__(self, path: Path, experiment_id: str, metrics: Sequence[str] | None,
                 options: dict[str, Any], flush_interval: float = 1.0) -> None:
        self.path = Path(path)
        self._id = experiment_id
        self._opts = options
        self._flush_interval = flush_interval
        self._chunk = options["chunks"][0]
        self._file: h5py.File | None = None
        self._metrics: list[str] = list(metrics or [])
        self._rows: list[tuple[dict[str, float], int | None, float]] = []
        self._length = 0
        self._last_flush = time.monotonic()
        if self.path.exists():
            self._open_existing()
        elif self._metrics:
            self._create(self._metrics)

    # -- public API ---------------------------------------------------------------------------
    def append(self, values: Mapping[str, float], step: int | None = None,
               wall_time: float | None = None) -> None:
        """Add one row. ``step`` defaults to the row number, ``wall_time`` to now."""
        if self._file is None and not self._metrics:
            self._create(sorted(values))
        new = [name for name in values if name not in self._metrics]
        if new:
            self._add_metrics(new)
        self._rows.append(({k: float(v) for k, v in values.items() if not _is_nan_row(v)},
                           step, time.time() if wall_time is None else float(wall_time)))
        if (len(self._rows) >= self._chunk
                or time.monotonic() - self._last_flush >= self._flush_interval):
            self.flush()

    def flush(self) -> None:
        """Write buffered rows and make them visible to SWMR readers."""
        if self._file is None:
            if not self._metrics:
                return
            self._create(self._metrics)
        if self._rows:
            self._write_rows()
        self._file.flush()
        self._last_flush = time.monotonic()

    def close(self) -> None:
        """Flush and close the file (idempotent)."""
        if self._file is None and self._rows:
            self.flush()  # creates the file
        if self._file is not None:
            self.flush()
            self._file.close()
            self._file = None

    @property
    def length(self) -> int:
        """Rows written so far, buffered ones included."""
        return self._length + len(self._rows)

    @property
    def metrics(self) -> list[str]:
        return list(self._metrics)

    def __enter__(self) -> SeriesWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals ----------------------------------------------------------------------------
    def _create(self, metrics: Sequence[str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        f = h5py.File(self.path, "w", libver="latest")
        f.attrs[MARKER] = 1
        f.attrs["experiment_id"] = self._id
        for name in metrics:
            f.create_dataset(name, shape=(0,), dtype="f8", **self._opts)
        f.create_dataset("step", shape=(0,), dtype="i8", **self._opts)
        f.create_dataset("wall_time", shape=(0,), dtype="f8", **self._opts)
        self._metrics = list(metrics)
        f.swmr_mode = True
        self._file = f

    def _open_existing(self) -> None:
        try:
            f = h5py.File(self.path, "a", libver="latest")
        except OSError as exc:
            raise StorageError(
                f"cannot append to {self.path}: {exc}. Another writer may still be running, "
                "or a program that opened the file without SWMR holds it: close it and retry."
            ) from exc
        known = metric_names(f)
        lengths = {f[name].shape[0] for name in known}
        self._length = max(lengths) if lengths else 0
        for name in [*self._metrics, *AXIS_NAMES]:
            if name not in f:
                dtype = "i8" if name == "step" else "f8"
                fill = np.arange(self._length) if name == "step" else np.full(self._length, np.nan)
                f.create_dataset(name, data=fill.astype(dtype), **self._opts)
        self._metrics = sorted(set(known) | set(self._metrics))
        f.swmr_mode = True
        self._file = f

    def _add_metrics(self, names: list[str]) -> None:
        # New datasets cannot be created in SWMR mode: reopen the file briefly without it.
        if self._file is not None:
            self.flush()
            self._file.close()
            self._file = None
        self._metrics = sorted(set(self._metrics) | set(names))
        if self.path.exists():
            self._open_existing()
        else:
            self._create(self._metrics)

    def _write_rows(self) -> None:
        f, rows, start = self._file, self._rows, self._length
        end = start + len(rows)
        for name in self._metrics:
            col = np.array([r[0].get(name, np.nan) for r in rows], dtype="f8")
            _extend(f[name], start, end, col)
        steps = np.array([start + i if r[1] is None else r[1] for i, r in enumerate(rows)], "i8")
        _extend(f["step"], start, end, steps)
        _extend(f["wall_time"], start, end, np.array([r[2] for r in rows], dtype="f8"))
        self._length, self._rows = end, []


def _extend(ds: h5py.Dataset, start: int, end: int, values: np.ndarray) -> None:
    if ds.shape[0] < end:
        ds.resize((end,))
    ds[start:end] = values


class SeriesReader:
    """Read an experiment's HDF5 file, also while a writer is appending (SWMR)."""

    def __init__(self, path: Path) -> None:
        if is_remote_url(str(path)):  # s3://, hsds://...: read-only through the remote openers
            from .._remote._read import open_h5_url

            self._file = open_h5_url(str(path))
            self.path = Path(str(path))  # for messages (its .name); never opened as a path
            self._stamp = None  # never reopened
            return
        self.path = Path(path)
        if not self.path.exists():
            raise StorageFileNotFoundError(f"no time series at {self.path}")
        self._file = _open_local(self.path)
        self._stamp = _stamp(self.path)

    def metrics(self) -> list[str]:
        """Metric names (without step / wall_time)."""
        return metric_names(self._file)

    def has(self, name: str) -> bool:
        return name in self._file

    def length(self, metric: str) -> int:
        return int(self._dataset(metric).shape[0])

    def refresh(self) -> dict[str, int]:
        """Re-read the datasets' metadata; return the new length of every metric.

        A file opened without SWMR (no writer was active then) is opened again when it changed
        on disk since: a run resumed by a new writer shows its new rows too.
        """
        if self._stamp is not None and not self._file.swmr_mode:
            stamp = _stamp(self.path)
            if stamp != self._stamp:
                self._reopen(stamp)
        out = {}
        for name in self.metrics():
            ds = self._file[name]
            if self._file.swmr_mode:
                ds.refresh()
            out[name] = int(ds.shape[0])
        for name in AXIS_NAMES:
            if name in self._file and self._file.swmr_mode:
                self._file[name].refresh()
        return out

    def read(self, metric: str, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Values of one metric (or ``step`` / ``wall_time``) from ``start`` to ``stop``."""
        return self._dataset(metric)[start:stop]

    def attrs(self) -> dict[str, Any]:
        if self._stamp is not None:  # a local file: its id is a variable-length string
            from .._nodes._h5heap import looping_heaps

            if looping_heaps(self.path):  # HDF5 would spin forever on it
                raise CorruptFileError(f"{self.path.name}: a global heap collection is damaged: "
                                       "its attributes cannot be read; copy the file again",
                                       path=self.path)
        return {k: _plain(v) for k, v in self._file.attrs.items()}

    def close(self) -> None:
        self._file.close()

    def _reopen(self, stamp: tuple[int, int] | None) -> None:
        try:
            fresh = _open_local(self.path)
        except StorageError:  # being rewritten right now: keep the old view, retry next time
            return
        self._file.close()
        self._file, self._stamp = fresh, stamp

    def __enter__(self) -> SeriesReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _dataset(self, name: str) -> h5py.Dataset:
        try:
            ds = self._file[name]
        except KeyError:
            raise KeyError(f"{self.path.name} has no series {name!r}; it has "
                           f"{', '.join(self.metrics()) or 'none'}") from None
        if not hasattr(ds, "ndim"):  # a group (h5py or h5pyd)
            raise KeyError(f"{name!r} in {self.path.name} is not a dataset")
        return ds


def _open_local(path: Path) -> h5py.File:
    """The file as the node layer opens it (same HDF5 flags: one process may hold both)."""
    from .._formats._h5open import open_h5_file

    try:
        return open_h5_file(path)
    except CorruptFileError as exc:
        raise CorruptFileError(f"cannot read time series {path}: {exc}. If a run is creating "
                               "it right now, try again.", path=path) from None


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:  # gone or unreadable now: the next open says why
        return None
    return st.st_mtime_ns, st.st_size


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.generic):
        return value.item()
    return value


def write_whole(path: Path, experiment_id: str, history: Mapping[str, np.ndarray],
                options: dict[str, Any], attrs: Mapping[str, Any] | None) -> None:
    """Write a complete history in one go (atomically, via a temporary file)."""
    from .._atomic import atomic_path

    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp, h5py.File(tmp, "w", libver="latest") as f:
        f.attrs[MARKER] = 1
        f.attrs["experiment_id"] = experiment_id
        for key, value in (attrs or {}).items():
            if isinstance(value, str | int | float | bool | np.number):
                f.attrs[key] = value
        for name, values in history.items():
            dtype = "i8" if name == "step" else "f8"
            arr = np.asarray(values, dtype=dtype).reshape(-1)
            chunk = min(options["chunks"][0], max(1, arr.shape[0]))
            f.create_dataset(name, data=arr, **{**options, "chunks": (chunk,)})
