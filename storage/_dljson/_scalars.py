"""Markers for the small types JSON cannot hold: non-finite floats, complex, dates, bytes, paths,
tuples, sets, numpy scalars and dicts whose keys are not plain strings.

Each encoder takes the value and the encoder (for nested items); each decoder takes the marker
dict, whose fields are already decoded (the JSON parser calls the decoders bottom-up).
"""

from __future__ import annotations

import cmath
import datetime as dt
import math
from pathlib import Path, PurePath, PureWindowsPath
from typing import Any

import numpy as np

from .._errors import CorruptFileError
from ._dtypes import dtype_name, is_ml_dtype, parse_dtype
from ._payload import pack, unpack


def encode_float(x: float) -> Any:
    if math.isfinite(x):
        return float(x)
    return {"__type__": "float", "value": "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")}


def decode_float(d: dict[str, Any], ctx: Any = None) -> float:
    value = d.get("value")
    if value not in ("nan", "inf", "-inf"):
        raise CorruptFileError(f"float marker with value {value!r}; expected nan, inf or -inf")
    return float(value)


def encode_complex(z: complex) -> dict[str, Any]:
    return {"__type__": "complex", "real": encode_float(z.real), "imag": encode_float(z.imag)}


def decode_complex(d: dict[str, Any], ctx: Any = None) -> complex:
    return complex(_number(d, "real"), _number(d, "imag"))


def _number(d: dict[str, Any], key: str) -> float:
    value = d.get(key)
    if type(value) not in (int, float):
        raise CorruptFileError(f"{d.get('__type__')} marker: {key!r} must be a number")
    return float(value)


def encode_datetime(x: dt.datetime | dt.date | dt.time) -> dict[str, Any]:
    kind = "datetime" if isinstance(x, dt.datetime) else ("date" if isinstance(x, dt.date)
                                                          else "time")
    return {"__type__": kind, "iso": x.isoformat()}


_ISO_PARSERS = {"datetime": dt.datetime.fromisoformat, "date": dt.date.fromisoformat,
                "time": dt.time.fromisoformat}


def decode_iso(d: dict[str, Any], ctx: Any = None) -> Any:
    kind, iso = d["__type__"], d.get("iso")
    try:
        return _ISO_PARSERS[kind](iso)
    except (TypeError, ValueError):
        raise CorruptFileError(f"{kind} marker with invalid iso text {iso!r}") from None


def encode_timedelta(x: dt.timedelta) -> dict[str, Any]:
    return {"__type__": "timedelta", "days": x.days, "seconds": x.seconds,
            "microseconds": x.microseconds}


def decode_timedelta(d: dict[str, Any], ctx: Any = None) -> dt.timedelta:
    try:
        return dt.timedelta(days=d.get("days", 0), seconds=d.get("seconds", 0),
                            microseconds=d.get("microseconds", 0))
    except (TypeError, OverflowError):
        raise CorruptFileError(f"invalid timedelta marker {d!r}") from None


def encode_bytes(x: bytes | bytearray, enc: Any) -> dict[str, Any]:
    codec, payload = pack(memoryview(x).cast("B"), enc.codec, enc.level)
    return {"__type__": "bytes", "encoding": "base64", "codec": codec, "data": enc.payload(payload)}


def decode_bytes(d: dict[str, Any], ctx: Any = None) -> bytes:
    return bytes(unpack(d.get("data"), d.get("codec", "none")))


def encode_path(x: PurePath) -> dict[str, Any]:
    marker = {"__type__": "path", "path": str(x)}
    if isinstance(x, PureWindowsPath):
        marker["flavour"] = "windows"
    return marker


def decode_path(d: dict[str, Any], ctx: Any = None) -> PurePath:
    text = d.get("path")
    if not isinstance(text, str):
        raise CorruptFileError("path marker without a 'path' string")
    return PureWindowsPath(text) if d.get("flavour") == "windows" else Path(text)


def decode_items(d: dict[str, Any], ctx: Any = None) -> Any:
    items = d.get("items")
    if not isinstance(items, list):
        raise CorruptFileError(f"{d['__type__']} marker without an 'items' list")
    kind = d["__type__"]
    try:
        return tuple(items) if kind == "tuple" else (set(items) if kind == "set" else
                                                      frozenset(items))
    except TypeError:
        raise CorruptFileError(f"{kind} marker holds unhashable items") from None


def decode_dict(d: dict[str, Any], ctx: Any = None) -> dict[Any, Any]:
    items = d.get("items")
    if not isinstance(items, list) or not all(isinstance(p, list) and len(p) == 2 for p in items):
        raise CorruptFileError("dict marker without an 'items' list of [key, value] pairs")
    try:
        return {k: v for k, v in items}
    except TypeError:
        raise CorruptFileError("dict marker holds an unhashable key") from None


def encode_numpy_scalar(x: np.generic, enc: Any) -> dict[str, Any]:
    name = dtype_name(x.dtype)
    kind = x.dtype.kind
    if kind in "biu":
        return {"__type__": "numpy_scalar", "dtype": name, "value": x.item()}
    # Non-finite values keep their exact bits (NaN payload and sign) as raw bytes, like arrays.
    if (kind == "f" or is_ml_dtype(x.dtype)) and math.isfinite(float(x)):
        return {"__type__": "numpy_scalar", "dtype": name, "value": float(x)}
    if kind == "c" and cmath.isfinite(complex(x)):
        return {"__type__": "numpy_scalar", "dtype": name, "value": encode_complex(complex(x))}
    raw = memoryview(np.atleast_1d(x).view(np.uint8))
    return {"__type__": "numpy_scalar", "dtype": name, "encoding": "base64",
            "data": enc.payload(raw)}


def decode_numpy_scalar(d: dict[str, Any], ctx: Any = None) -> np.generic:
    dtype = parse_dtype(d.get("dtype"))
    if d.get("encoding") == "base64":
        raw = bytes(unpack(d.get("data"), "none"))
        if len(raw) != dtype.itemsize:
            raise CorruptFileError("numpy_scalar payload has the wrong size; the file is damaged")
        return np.frombuffer(raw, dtype=dtype)[0]
    try:
        return np.array(d.get("value"), dtype=dtype)[()]
    except (TypeError, ValueError, OverflowError):
        raise CorruptFileError(f"numpy_scalar marker: {d.get('value')!r} is not a "
                               f"{dtype}") from None
