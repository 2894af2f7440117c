"""Read a DL-JSON file for browsing: every marker is decoded except arrays and tensors, which
stay as their marker until a view reads them.

Why not simply the storage facade's ``load_from_file``: it turns a ``torch_tensor`` into a
torch tensor (importing torch, seconds) or, where torch is not installed (the packaged app),
into a numpy array that cannot be told from a ``numpy_array``, so the tree showed
``__type__ = numpy_array`` for a tensor. A kept marker still says what it is (its type, torch
dtype, shape, ``requires_grad``), and a file of large arrays opens without decoding them.
The ``compressed`` envelope is opened the same way (its text through a ``bytes`` marker, the
facade's own decoder). Whatever this reader does not recognise (a raw zstd file, broken JSON,
an envelope of another layout) goes to the facade, which decodes it or raises its typed error.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .._errors import CorruptFileError, StorageError

ARRAY_MARKERS = ("numpy_array", "torch_tensor", "ndarray", "tensor")
ENVELOPE, PAYLOAD_REF = "compressed", "payload_ref"
MAX_KEEP_BYTES = 256 * 2**20  # larger files go to the facade (it reads through an mmap)
_TORCH_PREFIX = "torch."


class _Unknown(Exception):
    """A layout this reader does not know: the facade reads the file instead."""


def load_document(path: Path):
    """The decoded document of a JSON file, with array and tensor markers kept (see above)."""
    try:
        from .. import DLFriendlyStorage  # lands with the storage facade
    except ImportError:
        return load_plain_json(path)
    facade = DLFriendlyStorage()
    try:
        return _load_keeping_arrays(path, facade)
    except StorageError:
        raise
    except (_Unknown, ValueError, RecursionError):
        return facade.load_from_file(path)


def _load_keeping_arrays(path: Path, facade):
    if path.stat().st_size > MAX_KEEP_BYTES:
        raise _Unknown
    raw = path.read_bytes()
    if raw.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] not in (b"{", b"["):
        raise _Unknown  # a zstd frame, UTF-16, a bare scalar: the facade knows
    refs: list[list] = []  # payloads of the envelope being read (innermost last)

    def hook(d: dict):
        kind = d.get("__type__")
        if kind is None:
            return d
        if kind in ARRAY_MARKERS:
            return d
        if kind == PAYLOAD_REF:
            return _payload(d, refs)
        if kind == ENVELOPE:
            return _unwrap(d, facade, hook, refs)
        return facade.decode(d)  # a fixed registry; unknown markers raise a typed error

    return json.loads(raw.decode("utf-8-sig"), object_hook=hook)


def _unwrap(envelope: dict, facade, hook, refs: list[list]):
    """The document inside a ``compressed`` envelope, its out-of-line payloads kept as markers."""
    payloads = envelope.get("payloads", [])
    if not isinstance(payloads, list) or not isinstance(envelope.get("data"), str):
        raise _Unknown
    text = facade.decode({"__type__": "bytes", "data": envelope["data"],
                          "codec": envelope.get("codec", "none")})
    refs.append(payloads)
    try:
        return json.loads(text.decode("utf-8-sig"), object_hook=hook)
    finally:
        refs.pop()


def _payload(ref: dict, refs: list[list]):
    index = ref.get("index")
    if not refs or type(index) is not int or not 0 <= index < len(refs[-1]):
        raise _Unknown
    return refs[-1][index]


def decode_array_marker(value: dict) -> np.ndarray:
    """The array of a kept marker, as numpy. A tensor is decoded as the array it holds (no
    torch needed); bfloat16 and float8 values are widened to float32 for the views."""
    marker = dict(value)
    dtype = str(marker.get("dtype", "float64"))
    if dtype.startswith(_TORCH_PREFIX):
        marker["dtype"] = dtype.removeprefix(_TORCH_PREFIX)
    marker["__type__"] = "numpy_array"
    try:
        from .. import DLFriendlyStorage

        arr = np.asarray(DLFriendlyStorage().decode(marker))
    except ImportError:
        arr = _array_from_list(marker)
    if arr.dtype.kind == "V" and not arr.dtype.names:  # ml_dtypes (bfloat16, float8...)
        arr = arr.astype(np.float32)
    return arr


def _array_from_list(marker: dict) -> np.ndarray:
    if "data" not in marker or marker.get("encoding") == "base64":
        raise CorruptFileError("this array is stored as encoded bytes; its decoder (the storage "
                               "facade) is not available in this version")
    try:
        return np.asarray(marker["data"], dtype=np.dtype(marker["dtype"])).reshape(
            marker.get("shape", -1))
    except TypeError:
        return np.asarray(marker["data"]).reshape(marker.get("shape", -1))


def load_plain_json(path: Path):
    """The file parsed by the ``json`` module (markers stay dicts); typed errors."""
    try:
        with open(path, encoding="utf-8-sig") as f:
            return json.load(f)
    except json.JSONDecodeError as exc:
        raise CorruptFileError(f"{path.name}: broken JSON at line {exc.lineno}, column "
                               f"{exc.colno}: {exc.msg}", path=path, line=exc.lineno,
                               column=exc.colno) from None
    except UnicodeDecodeError as exc:
        raise CorruptFileError(f"{path.name}: not UTF-8 text ({exc.reason})", path=path) from None
