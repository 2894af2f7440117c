"""One module per storage format, each with ``NAME``, ``SUFFIXES``, ``sniff(head)``,
``save(data, path, options)`` and ``load(path, options)``. The facade picks one by content."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from . import _compressed, _hdf5, _json, _pickle
from ._options import LoadOptions, SaveOptions

# Detection order matters: "compressed" is also JSON, so it is asked first.
FORMATS: dict[str, ModuleType] = {m.NAME: m for m in (_hdf5, _pickle, _compressed, _json)}
HEAD_BYTES = 8192  # enough for an HDF5 signature behind a userblock of up to 4 KiB


def sniff(head: bytes) -> str | None:
    """The format name whose signature ``head`` carries, or None."""
    for name, module in FORMATS.items():
        if module.sniff(head):
            return name
    return None


def read_head(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(HEAD_BYTES)


__all__ = ["FORMATS", "LoadOptions", "SaveOptions", "read_head", "sniff"]
