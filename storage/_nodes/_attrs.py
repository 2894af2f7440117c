"""Decode HDF5 attributes into display text: strings, arrays, references, JSON, compound, enum.

One broken attribute (a type h5py cannot convert) becomes an :class:`AttrInfo` with ``error``
set; it never hides the others.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import h5py
import numpy as np

from ._dtypes import dtype_text
from ._node import AttrInfo

MAX_TEXT = 20_000  # characters of one value shown; the rest is elided
MAX_ITEMS = 200  # array elements shown


def read_attributes(obj, vlen_refusal: Callable[[], str] | None = None) -> list[AttrInfo]:
    """All attributes of an h5py object (group, dataset, named type), in storage order.

    ``vlen_refusal()``, asked at the first variable-length value, says why such values are not
    read ('' when they are); each such attribute then gets it as its error.
    """
    out = []
    try:
        names = list(obj.attrs.keys())
    except Exception as exc:  # an attribute table that cannot be listed: one error row
        return [AttrInfo("(attributes)", "", None, "", error=f"cannot list attributes: {exc}")]
    for name in names:
        out.append(_read_one(obj, name, vlen_refusal))
    return out


def _read_one(obj, name: str, vlen_refusal: Callable[[], str] | None = None) -> AttrInfo:
    try:
        aid = obj.attrs.get_id(name)
        dtype, shape = aid.dtype, aid.shape
    except Exception as exc:
        return AttrInfo(name, "", None, "", error=f"unreadable: {exc}")
    refusal = vlen_refusal() if vlen_refusal is not None and dtype.hasobject else ""
    if refusal:
        return AttrInfo(name, dtype_text(dtype), shape, "", error=refusal)
    try:
        value = obj.attrs[name]
    except Exception as exc:
        return AttrInfo(name, dtype_text(dtype), shape, "", error=f"unreadable: {exc}")
    return AttrInfo(name, dtype_text(dtype), shape, value_text(value, obj, dtype), value=value)


def value_text(value, obj=None, dtype: np.dtype | None = None) -> str:
    """Display text of a value read from HDF5 (attribute or small dataset)."""
    text = _text(value, obj, dtype)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + " ..."


def _text(value, obj, dtype) -> str:
    if isinstance(value, h5py.Empty):
        return "(empty: null dataspace)"
    if isinstance(value, bytes | np.bytes_):
        return _string(bytes(value).decode("utf-8", errors="replace"))
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, h5py.Reference | h5py.RegionReference):
        return _reference(value, obj)
    if isinstance(value, np.ndarray):
        return _array(value, obj, dtype)
    if isinstance(value, np.void) and value.dtype.names:
        return _record(value, obj)
    if isinstance(value, np.void):
        return f"opaque: {bytes(value).hex(' ')}"
    enum = h5py.check_enum_dtype(dtype) if dtype is not None else None
    if enum is not None:
        names = {v: k for k, v in enum.items()}
        return f"{names.get(int(value), '?')} ({int(value)})"
    if isinstance(value, np.floating | np.complexfloating):
        # numpy's shortest text for the value's own precision: a float32 123.45 reads 123.45,
        # where Python's float of it reads 123.44999694824219.
        return str(value)
    return repr(value.item()) if isinstance(value, np.generic) else repr(value)


def _string(text: str) -> str:
    """A string; JSON objects and arrays are pretty-printed."""
    stripped = text.strip()
    if stripped[:1] in ("{", "[") and len(stripped) > 1:
        try:
            return json.dumps(json.loads(stripped), indent=2, ensure_ascii=False)
        except ValueError:
            pass
    return text


def _reference(ref, obj) -> str:
    if not ref:
        return "null reference"
    kind = "region reference" if isinstance(ref, h5py.RegionReference) else "reference"
    try:
        target = h5py.h5r.get_name(ref, obj.id) if obj is not None else None
        return f"{kind} -> {target.decode() if target else '?'}"
    except Exception:
        return f"{kind} (target not found)"


def _array(arr: np.ndarray, obj, dtype) -> str:
    flat = arr.reshape(-1)[:MAX_ITEMS]
    if arr.dtype.kind in "OSUV" or arr.dtype.names:
        items = [_text(v, obj, dtype.base if dtype is not None else None) for v in flat]
        if arr.ndim <= 1 and arr.size <= MAX_ITEMS:
            return "[" + ", ".join(items) + "]"
        tail = ", ...]" if arr.size > MAX_ITEMS else "]"
        return f"shape {arr.shape}: [" + ", ".join(items) + tail
    with np.printoptions(threshold=MAX_ITEMS, linewidth=100, edgeitems=5):
        return np.array2string(arr, separator=", ")


def _record(rec: np.void, obj) -> str:
    parts = [f"{n}: {_text(rec[n], obj, rec.dtype.fields[n][0])}" for n in rec.dtype.names]
    return "{" + ", ".join(parts) + "}"
