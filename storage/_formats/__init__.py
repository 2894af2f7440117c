"""The one format registry: one module per storage format, each with ``NAME``, ``SUFFIXES``,
``TEXT`` (DL-JSON text inside), ``DESCRIPTION``, ``sniff(head)``, ``save(data, path, options)``
and ``load(path, options)``. Files are told apart by content, never by name.

Everything that asks "what is this file" asks here: the facade, the browser's node layer
(``_nodes._source``), the migration (``_migration._inspect``) and the lab's history reader.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

from .._errors import UnsupportedFormatError
from . import _compressed, _hdf5, _json, _pickle, _zstd_json
from ._options import LoadOptions, SaveOptions

# Detection order matters: "compressed" is also JSON, so it is asked first; the binary
# signatures (HDF5, pickle, zstd frame) cannot be JSON text.
FORMATS: dict[str, ModuleType] = {
    m.NAME: m for m in (_hdf5, _pickle, _zstd_json, _compressed, _json)}
# Formats holding DL-JSON text: the browser shows them as a JSON tree.
TEXT_FORMATS = frozenset(name for name, m in FORMATS.items() if m.TEXT)
HDF5_SUFFIXES = _hdf5.FAMILY_SUFFIXES
HDF5_SIGNATURE = _hdf5.SIGNATURE
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


def detect_path(path: Path) -> str | None:
    """The format of the file at ``path`` by its content, also HDF5 behind a large userblock.
    OS errors (missing file, a folder, no permission) pass through for the caller to word."""
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
        found = sniff(head)
        if found is None and len(head) == HEAD_BYTES and _hdf5.sniff_file(fh, HEAD_BYTES):
            return _hdf5.NAME
    return found


def read_json(path: Path, options: LoadOptions = LoadOptions()) -> Any:
    """The one reader of a JSON file (plain, ``compressed`` or zstd-framed DL-JSON), markers
    decoded. Unreadable or broken text is a :class:`CorruptFileError` naming the line and column;
    a missing file or folder is the OS error, for the caller to word."""
    fmt = detect_path(Path(path))
    return FORMATS[fmt if fmt in TEXT_FORMATS else "json"].load(Path(path), options)


def read_json_bytes(raw: bytes, where: object, options: LoadOptions = LoadOptions()) -> Any:
    """:func:`read_json` for a whole file already read (from a URL); ``where`` names it."""
    fmt = sniff(raw[:HEAD_BYTES])
    return FORMATS[fmt if fmt in TEXT_FORMATS else "json"].load_bytes(raw, options, where)


def unknown_content(where: object) -> UnsupportedFormatError:
    """The error for a file whose content matches no format of the registry."""
    return UnsupportedFormatError(
        f"{where} is not DL-JSON, JSON, HDF5, zstd-compressed DL-JSON or a pickle (by its "
        "content); open it with the tool that wrote it")


def open_dialog_filters() -> list[tuple[str, tuple[str, ...]]]:
    """(label, name patterns) for a file dialog, from the registry: every format Loupe shows
    (pickles load only when trusted, so they are not offered), then HDF5 and JSON alone."""
    hdf5 = tuple(f"*{s}" for s in HDF5_SUFFIXES)
    text = tuple(dict.fromkeys(f"*{s}" for name, module in FORMATS.items()
                               if name in TEXT_FORMATS for s in module.SUFFIXES))
    return [("Results", hdf5 + text), ("HDF5", hdf5), ("JSON", text)]


def describe(name: str) -> str:
    """A few words on the format ``name`` for messages ("an HDF5 file (already DL-friendly)")."""
    return FORMATS[name].DESCRIPTION


__all__ = ["FORMATS", "HDF5_SIGNATURE", "HDF5_SUFFIXES", "HEAD_BYTES", "TEXT_FORMATS",
           "open_dialog_filters",
           "LoadOptions", "SaveOptions", "describe", "detect_path", "read_head", "read_json",
           "read_json_bytes", "sniff", "unknown_content"]
