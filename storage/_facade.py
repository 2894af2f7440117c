"""``DLFriendlyStorage``: save and load DL-friendly files in every format, chosen by content."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from . import _dljson
from ._errors import (
    EncodeError,
    StorageError,
    StorageFileNotFoundError,
    StoragePermissionError,
    StorageWriteError,
    UnsupportedFormatError,
)
from ._formats import FORMATS, LoadOptions, SaveOptions, detect_path, unknown_content
from ._formats._scan import array_bytes
from ._remote._url import is_remote_url

FORMAT_NAMES = ("json", "compressed", "hdf5", "pickle", "zstd_json", "auto")
_MESH_ARRAYS = ("vertices", "faces", "normals", "colors", "uvs", "edges")


def detect_format(path: str | os.PathLike[str]) -> str | None:
    """The format of the file at ``path`` from its content (never its name): ``"json"``,
    ``"compressed"``, ``"hdf5"``, ``"pickle"``, ``"zstd_json"`` (a zstd frame of DL-JSON, as
    Loupe's ``.json.zst`` histories), or None when it is none of them."""
    path = Path(path)
    with _os_errors(path, "read"):
        return detect_path(path)


class DLFriendlyStorage:
    """Save and load nested results (dicts, lists, numpy arrays, torch tensors, dates...) exactly.

    Formats: ``"json"`` (DL-JSON, readable by any JSON parser), ``"compressed"`` (the same inside
    one zstd/zlib marker), ``"hdf5"`` (groups, chunked datasets, attributes), ``"pickle"`` (on
    request; loaded only with ``trusted=True``), ``"zstd_json"`` (DL-JSON text in a zstd frame,
    as Loupe's histories) and ``"auto"``: HDF5 when arrays total more than
    ``hdf5_threshold_bytes``, compressed when the data holds arrays or tensors, JSON otherwise.

    Torch tensors on a GPU are saved from their CPU copy and load on the CPU unless ``device=``
    is given to :meth:`load_from_file`. Without torch installed they load as numpy arrays.
    """

    def __init__(self, compression_level: int = 6, *, hdf5_threshold_bytes: int = 100 * 2**20,
                 array_inline_max: int = 256, codec: str = "zstd") -> None:
        self._options = SaveOptions(compression_level=compression_level, codec=codec,
                                    array_inline_max=array_inline_max)
        self.hdf5_threshold_bytes = hdf5_threshold_bytes

    @property
    def compression_level(self) -> int:
        return self._options.compression_level

    def save_to_file(self, data: Any, path: str | os.PathLike[str], format: str = "auto") -> Path:
        """Write ``data`` atomically and return where it went.

        With an explicit format the file is written exactly at ``path``. With ``"auto"`` the
        suffix changes when the chosen format's usual one differs (``run.json`` -> ``run.h5``).
        A failure leaves any old file at that place as it was.
        """
        fmt = _check_format(format)
        path = Path(path)
        if fmt == "auto":
            fmt = self.choose_format(data)
            path = _usual_path(path, fmt)
        with _os_errors(path, "write"):
            FORMATS[fmt].save(data, path, self._options)
        return path

    def load_from_file(self, path: str | os.PathLike[str], format: str = "auto", *,
                       trusted: bool = False, device: Any = None) -> Any:
        """Load a file written in any format; ``"auto"`` detects the format from the content.

        ``trusted=True`` is required for pickles (they can run code). Torch tensors load on the
        CPU, or on ``device`` (``"cuda:0"``...) when given.
        """
        fmt = _check_format(format)
        if is_remote_url(os.fspath(path)):  # s3://, https://, hsds://...: read, never to disk
            from ._remote._read import load_url

            return load_url(os.fspath(path), fmt, LoadOptions(trusted=trusted, device=device))
        path = Path(path)
        with _os_errors(path, "read"):
            if fmt == "auto":
                fmt = detect_path(path)
                if fmt is None:
                    raise unknown_content(path)
            return FORMATS[fmt].load(path, LoadOptions(trusted=trusted, device=device))

    def choose_format(self, data: Any) -> str:
        """The format ``"auto"`` picks for ``data``."""
        total, found = array_bytes(data)
        if total > self.hdf5_threshold_bytes:
            return "hdf5"
        return "compressed" if found else "json"

    def encode(self, obj: Any) -> Any:
        """A JSON-able value with ``__type__`` markers (payloads inline as base64 strings)."""
        o = self._options.text_args()
        return _dljson.encode(obj, inline_max=o["inline_max"], codec=o["codec"], level=o["level"])

    def decode(self, value: Any, *, device: Any = None) -> Any:
        """Python objects from a parsed DL-JSON value; unknown markers raise."""
        return _dljson.decode(value, device=device)

    def save_mesh_data(self, data: Mapping[str, Any], path: str | os.PathLike[str]) -> Path:
        """Save a mesh (``vertices``, ``faces``, ``normals``... plus anything else) with
        ``format="auto"``; lists of coordinates become arrays. Returns where it went."""
        if not isinstance(data, Mapping):
            raise EncodeError("mesh data must be a mapping such as {'vertices': ..., 'faces': ...}")
        mesh = {k: _as_array(v) if k in _MESH_ARRAYS else v for k, v in data.items()}
        return self.save_to_file(mesh, path, "auto")

    def load_mesh_data(self, path: str | os.PathLike[str]) -> dict[str, Any]:
        """Load a mesh saved by :meth:`save_mesh_data` (or any mapping file)."""
        data = self.load_from_file(path)
        if not isinstance(data, Mapping):
            raise UnsupportedFormatError(f"{path} holds a {type(data).__name__}, not a mesh")
        return dict(data)


def _as_array(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        with contextlib.suppress(ValueError):
            return np.asarray(value)
    return value


def _check_format(format: str) -> str:
    if format not in FORMAT_NAMES:
        raise UnsupportedFormatError(f"unknown format {format!r}; use one of {FORMAT_NAMES}")
    return format


def _usual_path(path: Path, fmt: str) -> Path:
    """``path`` with ``fmt``'s usual suffix, replacing another format's suffix if it has one."""
    name = path.name
    wanted = FORMATS[fmt].SUFFIXES
    if name.lower().endswith(wanted):
        return path
    known = sorted({s for m in FORMATS.values() for s in m.SUFFIXES}, key=len, reverse=True)
    for suffix in known:
        if name.lower().endswith(suffix):
            return path.with_name(name[: -len(suffix)] + wanted[0])
    return path.with_name(name + wanted[0])


@contextlib.contextmanager
def _os_errors(path: Path, action: str) -> Iterator[None]:
    """Turn OS errors into typed storage errors whose message says what to do."""
    try:
        yield
    except StorageError:
        raise
    except IsADirectoryError:
        raise UnsupportedFormatError(f"{path} is a folder, not a file; pick a file") from None
    except FileNotFoundError:
        what = "its folder does not exist" if action == "write" else "it does not exist"
        raise StorageFileNotFoundError(f"cannot {action} {path}: {what}; check the path") from None
    except PermissionError:
        raise StoragePermissionError(f"cannot {action} {path}: permission denied; check the "
                                     "file's and folder's permissions") from None
    except OSError as exc:
        if action != "write":
            raise
        raise StorageWriteError(f"cannot write {path}: {exc.strerror or exc}; free some space or "
                                "pick another folder (any old file there is unchanged)") from None
