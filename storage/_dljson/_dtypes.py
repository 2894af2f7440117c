"""Dtype names as DL-JSON writes them, and the safe reverse lookup.

Names follow the original format (``"float32"``, ``"torch.float32"``). Non-native byte order keeps
numpy's explicit spelling (``">f4"``) so big-endian arrays come back big-endian. bfloat16 and the
float8 types come from ``ml_dtypes``; it is imported only when such a name is met.
"""

from __future__ import annotations

import numpy as np

from .._errors import CorruptFileError

# ml_dtypes types that numpy knows by name once ml_dtypes is imported.
ML_DTYPES = ("bfloat16", "float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz")

# torch spells a few types differently from numpy.
_TORCH_ALIASES = {
    "float": "float32", "double": "float64", "half": "float16", "long": "int64", "int": "int32",
    "short": "int16", "cfloat": "complex64", "cdouble": "complex128", "bool": "bool",
}

# Kinds that raw bytes can carry: bool, ints, floats, complex, bytes, str, datetime64, timedelta64.
_RAW_KINDS = frozenset("biufcSUMm")


class DtypeError(ValueError):
    """Raised by :func:`dtype_name` for a dtype that has no DL-JSON name (structured, void)."""


def is_ml_dtype(dt: np.dtype) -> bool:
    return dt.kind == "V" and dt.names is None and dt.name in ML_DTYPES


def dtype_name(dt: np.dtype) -> str:
    """The DL-JSON name of ``dt``: ``"float32"``, ``">f4"``, ``"bfloat16"``, ``"<U5"``..."""
    if is_ml_dtype(dt):
        return dt.name
    if dt.kind not in _RAW_KINDS:
        raise DtypeError(f"dtype {dt} (structured or void) has no DL-JSON marker")
    if dt.byteorder == ">":
        return dt.str
    if dt.kind in "biufc":
        return dt.name
    return dt.str


def parse_dtype(name: object) -> np.dtype:
    """The numpy dtype for a DL-JSON dtype name. Nothing named in a file is imported or called."""
    if not isinstance(name, str):
        raise CorruptFileError(f"dtype must be a string, found {name!r}; the file is damaged")
    base = name[6:] if name.startswith("torch.") else name
    base = _TORCH_ALIASES.get(base, base)
    if base in ML_DTYPES:
        import ml_dtypes

        return np.dtype(getattr(ml_dtypes, base))
    if base == "object":
        return np.dtype(object)
    try:
        dt = np.dtype(base)
    except (TypeError, ValueError, SyntaxError):
        raise CorruptFileError(f"unknown dtype {name!r} in a numpy_array or torch_tensor marker; "
                               "the file was written by an unknown tool or is damaged") from None
    if dt.kind not in _RAW_KINDS:
        raise CorruptFileError(f"dtype {name!r} is not allowed in DL-JSON (structured or object)")
    return dt


def little_endian(dt: np.dtype) -> np.dtype:
    """``dt`` with little-endian byte order (the order of raw payloads)."""
    return dt.newbyteorder("<") if dt.byteorder == ">" else dt


def is_float_like(dt: np.dtype) -> bool:
    return dt.kind == "f" or is_ml_dtype(dt)
