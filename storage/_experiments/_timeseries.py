"""Training histories per experiment: HDF5 (appendable, SWMR) or compressed DL-JSON.

>>> ts = TimeSeriesStorage(TimeSeriesConfig(Path("runs")))
>>> with ts.open_writer("h001_resnet18_lr1e-3_s0") as w:     # in the training script
...     w.append({"loss": 0.7, "accuracy": 0.61})
>>> ts.read("h001_resnet18_lr1e-3_s0", "loss")                # anywhere, also while it trains
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .._errors import StorageFileNotFoundError
from .._formats import FORMATS
from .._remote._url import is_remote_url
from ._series_h5 import AXIS_NAMES, SeriesReader, SeriesWriter, dataset_options, write_whole
from ._series_json import SUFFIX as JSON_SUFFIX
from ._series_json import read_json_history, write_json_history

H5_SUFFIX = FORMATS["hdf5"].SUFFIXES[0]  # ".h5"
_UNSAFE = re.compile(r"[^A-Za-z0-9._+=-]")


@dataclass
class TimeSeriesConfig:
    """Where and how histories are stored.

    ``compression`` is ``"gzip"``, ``"lzf"``, ``"zstd"`` (through hdf5plugin) or None; it applies
    to HDF5 files. With ``use_hdf5=False`` histories are written as compressed DL-JSON.
    """

    storage_dir: Path
    use_hdf5: bool = True
    compression: str | None = "gzip"
    compression_level: int | None = None
    chunk_size: int = 1024

    def __post_init__(self) -> None:
        self.storage_dir = Path(self.storage_dir)
        dataset_options(self.compression, self.compression_level, self.chunk_size)  # validates


def safe_name(exp_id: str) -> str:
    """A file name for an experiment id; ids with unsafe characters get a short hash suffix."""
    cleaned = _UNSAFE.sub("_", exp_id).lstrip(".") or "_"
    if cleaned == exp_id:
        return exp_id
    return f"{cleaned[:80]}~{hashlib.sha1(exp_id.encode()).hexdigest()[:8]}"


class _JsonWriter:
    """Writer for ``use_hdf5=False``: keeps the rows and rewrites the JSON file on flush."""

    def __init__(self, path: Path, exp_id: str, metrics: Sequence[str] | None) -> None:
        self.path, self._id = path, exp_id
        self._cols: dict[str, list[float]] = {m: [] for m in metrics or []}
        self._n = 0
        if path.exists():
            series = read_json_history(path)["series"]
            self._cols = {k: list(v) for k, v in series.items()}
            self._n = max((len(v) for v in self._cols.values()), default=0)

    def append(self, values: Mapping[str, float], step: int | None = None,
               wall_time: float | None = None) -> None:
        import time

        row = {**values, "step": self._n if step is None else step,
               "wall_time": time.time() if wall_time is None else wall_time}
        for name, value in row.items():
            self._cols.setdefault(name, [np.nan] * self._n).append(value)
        self._n += 1
        for col in self._cols.values():
            col.extend([np.nan] * (self._n - len(col)))

    def flush(self) -> None:
        hist = {k: np.asarray(v, dtype="i8" if k == "step" else "f8")
                for k, v in self._cols.items()}
        write_json_history(self.path, self._id, hist)

    close = flush

    @property
    def length(self) -> int:
        return self._n

    def __enter__(self) -> _JsonWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class TimeSeriesStorage:
    """Store, append and read training histories, one file per experiment."""

    def __init__(self, config: TimeSeriesConfig) -> None:
        self.config = config
        self._options = dataset_options(config.compression, config.compression_level,
                                        config.chunk_size)

    # -- paths ---------------------------------------------------------------------------------
    def path_for(self, exp_id: str) -> Path:
        """Where this experiment's history is written (``.h5`` or ``.json.zst``)."""
        suffix = H5_SUFFIX if self.config.use_hdf5 else JSON_SUFFIX
        return self.config.storage_dir / f"{safe_name(exp_id)}{suffix}"

    def existing_path(self, exp_id: str) -> Path | None:
        """The file that holds this experiment's history, HDF5 or JSON, or None."""
        base = self.config.storage_dir / safe_name(exp_id)
        for suffix in (H5_SUFFIX, JSON_SUFFIX):
            path = base.with_name(base.name + suffix)
            if path.exists():
                return path
        return None

    # -- writing -------------------------------------------------------------------------------
    def write_history(self, exp_id: str, history: Mapping[str, Any], *, steps: Any = None,
                      wall_time: Any = None, attrs: Mapping | None = None) -> Path:
        """Write a whole history at once (replacing any earlier one) and return its path."""
        hist = {name: np.asarray(values, dtype="f8").reshape(-1)
                for name, values in history.items() if name not in AXIS_NAMES}
        if steps is not None or "step" in history:
            hist["step"] = np.asarray(history.get("step", steps), dtype="i8").reshape(-1)
        if wall_time is not None or "wall_time" in history:
            hist["wall_time"] = np.asarray(history.get("wall_time", wall_time), "f8").reshape(-1)
        path = self.path_for(exp_id)
        if self.config.use_hdf5:
            write_whole(path, exp_id, hist, self._options, attrs)
        else:
            write_json_history(path, exp_id, hist, attrs)
        return path

    def open_writer(self, exp_id: str,
                    metrics: Sequence[str] | None = None) -> SeriesWriter | _JsonWriter:
        """A writer that appends rows; with HDF5, readers see them live (SWMR)."""
        path = self.path_for(exp_id)
        if self.config.use_hdf5:
            return SeriesWriter(path, exp_id, metrics, self._options)
        return _JsonWriter(path, exp_id, metrics)

    # -- reading -------------------------------------------------------------------------------
    def open_reader(self, exp_id: str) -> SeriesReader:
        """A SWMR reader of the experiment's HDF5 file, for live refresh."""
        path = self.existing_path(exp_id)
        if path is None or not path.name.endswith(H5_SUFFIX):
            raise StorageFileNotFoundError(
                f"no HDF5 time series for {exp_id!r} in {self.config.storage_dir}")
        return SeriesReader(path)

    def read(self, exp_id: str, metric: str, start: int = 0, stop: int | None = None) -> np.ndarray:
        """One metric's values from ``start`` to ``stop``."""
        path = self._require(exp_id)
        if path.name.endswith(H5_SUFFIX):
            with SeriesReader(path) as reader:
                return reader.read(metric, start, stop)
        series = read_json_history(path)["series"]
        if metric not in series:
            raise KeyError(f"{exp_id!r} has no series {metric!r}; it has {', '.join(series)}")
        return series[metric][start:stop]

    def read_history(self, exp_id: str,
                     metrics: Sequence[str] | None = None) -> dict[str, np.ndarray]:
        """Metric name -> values; includes ``step``/``wall_time`` when stored."""
        return read_history_file(self._require(exp_id), metrics)

    def list_experiments(self) -> list[str]:
        """Ids of the experiments that have a history here."""
        folder = self.config.storage_dir
        if not folder.is_dir():
            return []
        ids = set()
        for path in folder.iterdir():
            for suffix in (H5_SUFFIX, JSON_SUFFIX):
                if path.name.endswith(suffix) and not path.name.startswith("."):
                    ids.add(_id_of(path, path.name[: -len(suffix)]))
        return sorted(ids)

    def list_metrics(self, exp_id: str) -> list[str]:
        """Metric names of one experiment (without step / wall_time)."""
        path = self._require(exp_id)
        if path.name.endswith(H5_SUFFIX):
            with SeriesReader(path) as reader:
                return reader.metrics()
        return sorted(k for k in read_json_history(path)["series"] if k not in AXIS_NAMES)

    def _require(self, exp_id: str) -> Path:
        path = self.existing_path(exp_id)
        if path is None:
            raise StorageFileNotFoundError(
                f"no history for experiment {exp_id!r} in {self.config.storage_dir}")
        return path


def read_history_file(path: Path, metrics: Sequence[str] | None = None) -> dict[str, np.ndarray]:
    """Read a history file of either kind (HDF5 layout or ``.json.zst``); HDF5 also by URL."""
    location = str(path) if is_remote_url(str(path)) else Path(path)
    path = Path(path)
    if path.name.lower().endswith(FORMATS["hdf5"].SUFFIXES):  # by name: it may be a URL
        with SeriesReader(location) as reader:
            # metrics the file does not hold are left out, like in the JSON branch below
            names = [m for m in metrics if reader.has(m)] if metrics is not None \
                else reader.metrics()
            names += [a for a in AXIS_NAMES if reader.has(a) and a not in names]
            return {name: reader.read(name) for name in names}
    series = read_json_history(path)["series"]
    if metrics is None:
        return series
    return {k: v for k, v in series.items() if k in metrics or k in AXIS_NAMES}


def _id_of(path: Path, stem: str) -> str:
    if "~" not in stem:
        return stem
    try:  # a hashed name: the real id is stored inside the file
        if path.name.endswith(H5_SUFFIX):
            with SeriesReader(path) as reader:
                return str(reader.attrs().get("experiment_id", stem))
        return str(read_json_history(path).get("experiment_id", stem))
    except Exception:
        return stem
