"""Writing the ``hdf5`` format.

Nested dicts become groups; arrays and tensors datasets (chunked, gzip + shuffle where that pays,
which any HDF5 tool reads; contiguous otherwise); plain scalars and strings attributes; lists of
plain floats or ints 1-D datasets; lists holding big arrays groups named 0, 1, ...; whatever HDF5
cannot hold natively (lists of records, None, dates...) a DL-JSON attribute. Every group carries
a ``__dl__`` attribute, the index that maps each key (in order, ``/`` and all) to where it went.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import Any

import numpy as np

from .._dljson import dumps_pieces, join_pieces
from .._dljson._dtypes import is_ml_dtype
from .._dljson._payload import worth_compressing
from .._errors import EncodeError
from ._options import SaveOptions
from ._scan import array_sizes, contains_arrays

INDEX = "__dl__"
_NATIVE_KINDS = frozenset("biufcS")
_INT64 = (-(2**63), 2**63 - 1)
_CHUNK_MIN = 4096  # smaller arrays stay contiguous: chunk overhead would dominate
CHUNK_BYTES = 2**20  # larger than h5py's guess (<= 1 MiB, often 64 KiB): fewer chunks, faster
# A list becomes a group only when it holds a big array: a list of 10,000 small records as
# 50,000 groups takes a minute to write; as one DL-JSON attribute, as long as the JSON format.
LIST_GROUP_MIN = 64 * 1024


def hdf5_name(key: str) -> str:
    """A link/attribute name for ``key``; the index keeps the true key when they differ."""
    name = key.replace("%", "%25").replace("/", "%2F").replace("\x00", "%00")
    if name in ("", ".") or name.startswith("__dl"):
        name = "%" + format(ord(name[0]) if name else 0, "02X") + name[1:]
    return name


class Writer:
    """Writes one document into an open ``h5py.File``."""

    def __init__(self, options: SaveOptions) -> None:
        self.options = options

    def root(self, f: Any, data: Any) -> None:
        if _as_group(data) or isinstance(data, Mapping):
            self.container(f, data)
        else:
            how = self.item(f, "data", data)
            f.attrs[INDEX] = json.dumps({"kind": "value", "items": [["data", how]]})

    def container(self, group: Any, value: Any) -> None:
        """Fill ``group`` from a mapping, list or tuple and write its index."""
        items: list[list[Any]] = []
        if isinstance(value, Mapping) and all(type(k) is str for k in value):
            kind = "dict"
            for key, v in value.items():
                name = hdf5_name(key)
                entry = [name, self._child(group, name, v, key)]
                items.append(entry + ([key] if name != key else []))
        elif isinstance(value, Mapping):
            kind = "pairs"
            for i, (key, v) in enumerate(value.items()):
                key_text = self._json(key)
                items.append([str(i), self._child(group, str(i), v, key), key_text])
        else:
            kind = "tuple" if isinstance(value, tuple) else "list"
            items = [[str(i), self._child(group, str(i), v, i)] for i, v in enumerate(value)]
        group.attrs[INDEX] = json.dumps({"kind": kind, "items": items})

    def _child(self, group: Any, name: str, value: Any, key: Any) -> str:
        try:
            return self.item(group, name, value)
        except EncodeError as exc:
            inner = exc.location.removeprefix("data")
            where = f"data[{json.dumps(key) if isinstance(key, str) else repr(key)}]{inner}"
            raise EncodeError(f"cannot save {where}: {str(exc).split(': ', 1)[-1]}",
                              location=where) from None

    def item(self, group: Any, name: str, value: Any) -> str:
        """Write ``value`` as ``name``; how: g(roup), d(ataset), l(ist), a(ttr), j(son)."""
        if _as_group(value):
            self.container(group.create_group(name, track_order=True), value)
            return "g"
        array = self._as_array(value)
        if array is not None:
            self._dataset(group, name, *array)
            return "d"
        if _plain_number_list(value):
            group.create_dataset(name, data=np.asarray(value, dtype=type(value[0])))
            return "l"
        if _native_scalar(value):
            try:
                group.attrs[name] = value
                return "a"
            except (ValueError, UnicodeEncodeError, TypeError):
                pass  # embedded NUL, lone surrogate: fall through to DL-JSON
        group.attrs[name] = self._json(value)
        return "j"

    def _json(self, value: Any) -> str:
        pieces = dumps_pieces(value, **self.options.text_args())
        return join_pieces(pieces).decode("ascii").rstrip("\n")

    def _as_array(self, value: Any) -> tuple[np.ndarray, dict[str, Any]] | None:
        """The array to store and the dataset attributes that restore its exact type."""
        torch = sys.modules.get("torch")
        if torch is not None and isinstance(value, torch.Tensor):
            return _tensor_array(value)
        if not isinstance(value, np.ndarray):
            return None
        attrs: dict[str, Any] = {}
        if value.ndim > 1 and value.flags.f_contiguous and not value.flags.c_contiguous:
            attrs["__dl_order__"] = "F"
        if is_ml_dtype(value.dtype):
            attrs["__dl_dtype__"] = value.dtype.name
            return value.view(f"u{value.dtype.itemsize}"), attrs
        return (value, attrs) if value.dtype.kind in _NATIVE_KINDS else None

    def _dataset(self, group: Any, name: str, arr: np.ndarray, attrs: dict[str, Any]) -> None:
        kwargs: dict[str, Any] = {}
        if arr.ndim and arr.size and arr.nbytes >= _CHUNK_MIN:
            raw = memoryview(np.ascontiguousarray(arr).reshape(-1).view(np.uint8))
            # Chunks only with compression: for data that does not compress (trained weights,
            # noise) contiguous storage writes and reads 2x faster than 64 KiB chunks.
            if worth_compressing(raw, "zlib", 1):
                level = min(self.options.compression_level, 9)
                kwargs.update(chunks=chunk_shape(arr.shape, arr.itemsize), compression="gzip",
                              compression_opts=level, shuffle=True)
        ds = group.create_dataset(name, data=arr, **kwargs)
        for key, value in attrs.items():
            ds.attrs[key] = value


def _tensor_array(tensor: Any) -> tuple[np.ndarray, dict[str, Any]]:
    """A tensor's CPU copy as numpy; bfloat16/float8 as same-sized unsigned ints."""
    t = tensor.detach().cpu().resolve_conj().resolve_neg()
    attrs: dict[str, Any] = {"__dl_torch__": str(t.dtype)}
    if tensor.requires_grad:
        attrs["__dl_requires_grad__"] = True
    if str(t.dtype).removeprefix("torch.") in ("bfloat16", "float8_e4m3fn", "float8_e5m2"):
        torch = sys.modules["torch"]
        size = t.element_size()
        view = torch.int16 if size == 2 else torch.uint8
        return t.contiguous().view(view).numpy().view(f"u{size}"), attrs
    return t.numpy(), attrs


def chunk_shape(shape: tuple[int, ...], itemsize: int) -> tuple[int, ...]:
    """Chunks of about :data:`CHUNK_BYTES`: halve the largest axis until they fit."""
    chunk = list(shape)
    while int(np.prod(chunk)) * itemsize > CHUNK_BYTES and max(chunk) > 1:
        axis = chunk.index(max(chunk))
        chunk[axis] = (chunk[axis] + 1) // 2
    return tuple(chunk)


def _as_group(value: Any) -> bool:
    """Dicts with string keys always; other dicts when they hold arrays; lists and tuples when
    they hold an array of at least :data:`LIST_GROUP_MIN` bytes."""
    if isinstance(value, Mapping):
        return all(type(k) is str for k in value) or contains_arrays(value)
    return type(value) in (list, tuple) and max(array_sizes(value), default=0) >= LIST_GROUP_MIN


def _plain_number_list(value: Any) -> bool:
    if type(value) is not list or not value:
        return False
    first = type(value[0])
    if first is float:
        return all(type(x) is float for x in value)
    return first is int and all(type(x) is int and _INT64[0] <= x <= _INT64[1] for x in value)


def _native_scalar(value: Any) -> bool:
    t = type(value)
    if t is int:
        return _INT64[0] <= value <= _INT64[1]
    return t in (bool, float, str)
