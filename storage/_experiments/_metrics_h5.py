"""A metrics dictionary in one small HDF5 file: arrays become datasets, scalars attributes.

Nested mappings become groups, so ``{"val": {"acc": 0.9, "curve": [...]}}`` round-trips. Strings,
numbers and booleans are attributes; everything array-like is a dataset.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from .._atomic import atomic_path
from .._errors import CorruptFileError, EncodeError, StorageFileNotFoundError
from .._formats._h5open import open_h5_file

_SCALARS = (str, int, float, bool, np.number, np.bool_)


def save_metrics(metrics: Mapping[str, Any], path: str | Path) -> Path:
    """Write ``metrics`` to ``path`` (HDF5) atomically and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp, h5py.File(tmp, "w") as f:
        f.attrs["loupe_metrics"] = 1
        _write_group(f, metrics, "metrics")
    return path


def load_metrics(path: str | Path) -> dict[str, Any]:
    """Read what :func:`save_metrics` wrote: attributes as Python scalars, datasets as arrays."""
    path = Path(path)
    if not path.exists():
        raise StorageFileNotFoundError(f"no metrics file at {path}")
    try:
        with open_h5_file(path) as f:  # the flags every Loupe reader uses (see _h5open)
            return _read_group(f)
    except OSError as exc:
        raise CorruptFileError(f"{path} is not a readable HDF5 file: {exc}", path=path) from exc


def _write_group(group: h5py.Group, data: Mapping[str, Any], where: str) -> None:
    for key, value in data.items():
        name = str(key)
        if isinstance(value, Mapping):
            _write_group(group.create_group(name), value, f"{where}[{name!r}]")
        elif value is None:
            group.attrs[name] = h5py.Empty("f8")
        elif isinstance(value, _SCALARS):
            group.attrs[name] = value
        else:
            try:
                arr = np.asarray(value)
            except Exception as exc:
                raise EncodeError(f"cannot store {where}[{name!r}] ({type(value).__name__})",
                                  location=f"{where}[{name!r}]") from exc
            if arr.dtype.kind not in "biufc":
                raise EncodeError(f"{where}[{name!r}] is not numeric ({arr.dtype}); store it as a "
                                  "string or a number", location=f"{where}[{name!r}]")
            group.create_dataset(name, data=arr, compression="gzip" if arr.size > 64 else None)


def _read_group(group: h5py.Group) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in group.attrs.items():
        if key == "loupe_metrics":
            continue
        out[key] = _scalar(value)
    for key, obj in group.items():
        out[key] = _read_group(obj) if isinstance(obj, h5py.Group) else obj[()]
    return out


def _scalar(value: Any) -> Any:
    if isinstance(value, h5py.Empty):
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.generic):
        return value.item()
    return value
