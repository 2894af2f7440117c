"""The ``numpy_array`` and ``torch_tensor`` markers.

Small finite numeric arrays keep the original readable form (``"data": [[1.0, 2.0], ...]``); large,
non-finite, complex and text arrays store raw little-endian bytes in base64, compressed where it
pays. ``"order": "F"`` marks Fortran-ordered arrays so they come back Fortran-ordered.
"""

from __future__ import annotations

import math
import sys
from typing import Any

import numpy as np

from .._errors import CorruptFileError
from ._dtypes import dtype_name, is_float_like, is_ml_dtype, little_endian, parse_dtype
from ._payload import pack, unpack

# torch types that numpy has no own name for travel as same-sized ints plus an ml_dtypes view.
_TORCH_VIEWS = {"bfloat16": "int16", "float8_e4m3fn": "uint8", "float8_e5m2": "uint8"}


def _fortran(arr: np.ndarray) -> bool:
    return arr.ndim > 1 and arr.flags.f_contiguous and not arr.flags.c_contiguous


def _readable(arr: np.ndarray, inline_max: int) -> bool:
    dt = arr.dtype
    if arr.size > inline_max or dt.byteorder == ">" or not (dt.kind in "biu" or is_float_like(dt)):
        return False
    return dt.kind in "biu" or bool(np.isfinite(arr.astype(np.float64)).all())


def _raw_view(arr: np.ndarray, order: str) -> memoryview:
    """The array's bytes, little-endian, in ``order``, without a copy when already laid out so."""
    le = arr.astype(little_endian(arr.dtype), copy=False)
    flat = le.T if order == "F" else le
    flat = np.ascontiguousarray(flat).reshape(-1)
    return memoryview(flat.view(np.uint8))


def array_fields(arr: np.ndarray, enc: Any) -> dict[str, Any]:
    """The marker fields after ``__type__`` for a non-object array."""
    order = "F" if _fortran(arr) else "C"
    fields: dict[str, Any] = {"dtype": dtype_name(arr.dtype), "shape": list(arr.shape)}
    if order == "F":
        fields["order"] = "F"
    if _readable(arr, enc.inline_max):
        values = arr.astype(np.float64) if is_ml_dtype(arr.dtype) else arr
        fields["data"] = values.tolist()
        return fields
    codec, payload = pack(_raw_view(arr, order), enc.codec, enc.level)
    fields.update(encoding="base64", codec=codec, data=enc.payload(payload))
    return fields


def encode_array(arr: np.ndarray, enc: Any) -> dict[str, Any]:
    if arr.dtype.hasobject:
        return _encode_object_array(arr, enc)
    return {"__type__": "numpy_array", **array_fields(arr, enc)}


def _encode_object_array(arr: np.ndarray, enc: Any) -> dict[str, Any]:
    if arr.dtype != np.dtype(object):
        raise TypeError(f"structured dtype {arr.dtype} with objects has no DL-JSON marker")
    # Flat, C order: nested lists would be ambiguous for elements that are lists themselves.
    items = [enc.item(x, f"[{i}]") for i, x in enumerate(arr.ravel(order="C").tolist())]
    return {"__type__": "numpy_array", "dtype": "object", "shape": list(arr.shape),
            "layout": "flat", "data": items}


def encode_tensor(tensor: Any, enc: Any) -> dict[str, Any]:
    """Encode a torch tensor. A GPU tensor is saved from its CPU copy; the device is recorded."""
    torch = sys.modules["torch"]
    t = tensor.detach()
    device = str(t.device)
    if t.layout is not torch.strided:
        raise TypeError("sparse torch tensors have no DL-JSON marker; call .to_dense() first")
    t = t.cpu().resolve_conj().resolve_neg()
    name = str(t.dtype).removeprefix("torch.")
    if name in _TORCH_VIEWS:
        import ml_dtypes

        view = getattr(torch, _TORCH_VIEWS[name])
        arr = t.contiguous().view(view).numpy().view(getattr(ml_dtypes, name))
    else:
        arr = t.numpy()
    fields = array_fields(arr, enc)
    fields["dtype"] = str(t.dtype)
    marker: dict[str, Any] = {"__type__": "torch_tensor", **fields}
    if device != "cpu":
        marker["device"] = device
    if tensor.requires_grad:
        marker["requires_grad"] = True
    return marker


def decode_array(d: dict[str, Any], ctx: Any = None) -> np.ndarray:
    """A numpy array from a ``numpy_array`` marker, readable list or base64 bytes."""
    dtype = parse_dtype(d.get("dtype", "float64"))
    shape = _shape(d)
    data = d.get("data")
    if dtype.hasobject:
        return _decode_object_array(data, shape)
    encoding = d.get("encoding", "list")
    if encoding == "base64":
        raw = unpack(data, d.get("codec", "none"))
        arr = _from_bytes(raw, dtype, shape, d.get("order", "C"))
    elif encoding == "list":
        arr = _from_list(data, dtype, shape)
        if d.get("order") == "F":
            arr = np.asfortranarray(arr)
    else:
        raise CorruptFileError(f"unknown array encoding {encoding!r}; expected 'base64' or a list")
    return arr


def _shape(d: dict[str, Any]) -> tuple[int, ...] | None:
    shape = d.get("shape")
    if shape is None:
        return None
    if not isinstance(shape, list) or not all(type(n) is int and n >= 0 for n in shape):
        raise CorruptFileError(f"invalid array shape {shape!r}; the file is damaged")
    return tuple(shape)


def _from_bytes(raw: Any, dtype: np.dtype, shape: Any, order: object) -> np.ndarray:
    le = little_endian(dtype)
    count = math.prod(shape) if shape is not None else -1
    if shape is not None and count * le.itemsize != len(raw):
        raise CorruptFileError(f"array payload holds {len(raw)} bytes, shape {list(shape)} of "
                               f"{dtype} needs {count * le.itemsize}; the file is damaged")
    # A uint8 array is already a fresh, writable buffer; bytes need a copy, or the array would be
    # read-only (unlike np.load's).
    arr = raw.view(le) if isinstance(raw, np.ndarray) else np.frombuffer(raw, dtype=le).copy()
    arr = arr.reshape(shape if shape is not None else -1, order="F" if order == "F" else "C")
    return arr.astype(dtype, copy=False) if le != dtype else arr


def _from_list(data: Any, dtype: np.dtype, shape: Any) -> np.ndarray:
    try:
        values = np.array(data, dtype=np.float64 if is_ml_dtype(dtype) else dtype)
        values = values.astype(dtype, copy=False)
        return values.reshape(shape) if shape is not None else values
    except (ValueError, TypeError, OverflowError) as exc:
        raise CorruptFileError(f"array data does not match its dtype {dtype} and shape "
                               f"{shape}: {exc}") from None


def _decode_object_array(data: Any, shape: Any) -> np.ndarray:
    if not isinstance(data, list):
        raise CorruptFileError("an object array's data must be a list; the file is damaged")
    out = np.empty(len(data), dtype=object)
    for i, value in enumerate(data):
        out[i] = value
    try:
        return out.reshape(shape if shape is not None else -1)
    except ValueError:
        raise CorruptFileError(f"object array of {len(data)} items cannot have shape "
                               f"{list(shape)}; the file is damaged") from None


def decode_tensor(d: dict[str, Any], ctx: Any) -> Any:
    """A torch tensor on the CPU (or ``ctx.device``); a numpy array with a warning without torch."""
    arr = decode_array(d, ctx)
    return tensor_from_array(arr, str(d.get("dtype", "")), bool(d.get("requires_grad")), ctx)


def tensor_from_array(arr: np.ndarray, dtype: str, requires_grad: bool, ctx: Any) -> Any:
    """Wrap a decoded array as a torch tensor of ``dtype`` (``"torch.bfloat16"``...)."""
    torch = ctx.torch()
    if torch is None:
        return arr
    name = dtype.removeprefix("torch.")
    if name in _TORCH_VIEWS:
        tensor = torch.from_numpy(arr.view(np.dtype(_TORCH_VIEWS[name]))).view(getattr(torch, name))
    else:
        tensor = torch.from_numpy(arr)
    if requires_grad:
        tensor.requires_grad_(True)
    return tensor.to(ctx.device) if ctx.device is not None else tensor
