"""Open a source: :func:`open_source` picks the backend: a local HDF5 file through h5py, a
DL-friendly JSON file (plain, compressed or a zstd frame: the format registry of ``_formats``
decides by content), or a URL through an opener registered for its scheme
(``register_opener("hsds", fn)``; ``storage._remote`` registers its schemes when it is imported,
and ``import storage`` imports it, so this layer never imports the remote one).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from .._errors import (
    CorruptFileError,
    MissingDependencyError,
    StorageFileNotFoundError,
    StoragePermissionError,
    UnsupportedFormatError,
)
from .._formats import HDF5_SUFFIXES, TEXT_FORMATS, detect_path
from ._source import Source

Opener = Callable[[str], Source]
_OPENERS: dict[str, Opener] = {}


def register_opener(scheme: str, opener: Opener) -> None:
    """Let :func:`open_source` open ``scheme://...`` locations with ``opener(location)``."""
    _OPENERS[scheme.lower()] = opener


def open_source(location: str | os.PathLike[str]) -> Source:
    """Open a local HDF5 or DL-friendly JSON file, or a URL with a registered opener."""
    text = os.fspath(location)
    scheme = text.partition("://")[0].lower() if "://" in text else ""
    if scheme and scheme != "file":
        opener = _OPENERS.get(scheme)
        if opener is None:
            raise MissingDependencyError(
                f"cannot open {scheme}:// locations: install the remote extra "
                "(pip install 'loupe-lab[remote]')")
        return opener(text)
    return open_local(Path(text.removeprefix("file://")))


def open_local(path: Path) -> Source:
    """A local file, by its content: HDF5 (also with a user block) or DL-JSON text."""
    fmt = _detect(path)
    if fmt == "hdf5":
        from ._h5source import H5Source

        return H5Source.open_path(path)
    if fmt in TEXT_FORMATS:
        from ._dljson_nodes import JsonSource

        return JsonSource.open_path(path)
    if path.suffix.lower() in HDF5_SUFFIXES:
        raise CorruptFileError(f"{path.name}: not an HDF5 file (no HDF5 signature): it may be "
                               "truncated or another format", path=path)
    head = _head(path)
    raise UnsupportedFormatError(
        f"{path.name} is neither HDF5 nor JSON (first bytes {head[:8]!r}): open an .h5/.nc/.nxs "
        "or a JSON results file")


def _detect(path: Path) -> str | None:
    try:
        return detect_path(path)
    except FileNotFoundError:
        raise StorageFileNotFoundError(f"{path} does not exist: check the path") from None
    except IsADirectoryError:
        raise UnsupportedFormatError(f"{path} is a folder: open a file inside it") from None
    except PermissionError:
        raise StoragePermissionError(f"{path} cannot be read: check its permissions") from None


def _head(path: Path) -> bytes:
    with open(path, "rb") as f:
        return f.read(8)
