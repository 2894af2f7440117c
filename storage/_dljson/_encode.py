"""The DL-JSON encoder: Python objects to JSON-able values with ``__type__`` markers.

A value without a marker raises :class:`EncodeError` naming its place (``data["model"]["opt"]``);
the place is assembled while the error travels up, so the happy path pays nothing for it.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Mapping
from pathlib import PurePath
from typing import Any

import numpy as np

from .._errors import EncodeError
from ._arrays import encode_array, encode_tensor
from ._payload import b64_text
from ._scalars import (
    encode_bytes,
    encode_complex,
    encode_datetime,
    encode_float,
    encode_numpy_scalar,
    encode_path,
    encode_timedelta,
)


class _Failure(Exception):
    """Internal: carries the reason and the growing location of an unencodable value."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.parts: list[str] = []


def _same(marker: dict[str, Any]) -> Any:
    return marker


def _key_text(key: Any) -> str:
    return f"[{json.dumps(key)}]" if isinstance(key, str) else f"[{key!r}]"


class Encoder:
    """Encodes one document. ``payload`` turns raw payload bytes into the string put in the
    marker (base64); a file writer replaces it to keep large payloads out of ``json``.
    ``outline``, when given, sees every marker that carries a payload (arrays, tensors, bytes)
    and returns what goes in its place: the ``compressed`` writer moves large ones out of the
    text it compresses."""

    def __init__(self, *, inline_max: int, codec: str, level: int,
                 payload: Callable[[Any], str] | None = None,
                 outline: Callable[[dict[str, Any]], Any] | None = None) -> None:
        self.inline_max = inline_max
        self.codec = codec
        self.level = level
        self.payload = payload or b64_text
        self.outline = outline or _same

    def encode(self, obj: Any) -> Any:
        try:
            return self._enc(obj)
        except _Failure as failure:
            where = "data" + "".join(reversed(failure.parts))
            raise EncodeError(f"cannot save {where}: {failure.reason}", location=where) from None
        except RecursionError:
            raise EncodeError("cannot save data: it is nested too deeply (over ~900 levels); "
                              "flatten it or store the deep part as an array") from None

    def item(self, value: Any, part: str) -> Any:
        """Encode a nested value; ``part`` (``[3]``, ``["key"]``) names it if it fails."""
        try:
            return self._enc(value)
        except _Failure as failure:
            failure.parts.append(part)
            raise

    def _enc(self, obj: Any) -> Any:
        t = type(obj)
        if t is str or t is int or t is bool or obj is None:
            return obj
        if t is float:
            return encode_float(obj)
        if t is dict:
            return self._dict(obj)
        if t is list:
            return self._list(obj)
        return self._other(obj)

    def _list(self, items: Any) -> list[Any]:
        out = []
        for i, x in enumerate(items):
            try:
                out.append(self._enc(x))
            except _Failure as failure:
                failure.parts.append(f"[{i}]")
                raise
        return out

    def _dict(self, d: Mapping[Any, Any]) -> Any:
        if "__type__" in d or not all(type(k) is str for k in d):
            pairs = [[self.item(k, f"<key {k!r}>"), self.item(v, _key_text(k))]
                     for k, v in d.items()]
            return {"__type__": "dict", "items": pairs}
        out = {}
        for k, v in d.items():
            try:
                out[k] = self._enc(v)
            except _Failure as failure:
                failure.parts.append(_key_text(k))
                raise
        return out

    def _other(self, obj: Any) -> Any:
        try:
            return self._marker(obj)
        except (TypeError, ValueError) as exc:
            raise _Failure(str(exc)) from None

    def _marker(self, obj: Any) -> Any:
        if isinstance(obj, np.ndarray):
            return self.outline(encode_array(obj, self))
        if isinstance(obj, np.generic):
            return encode_numpy_scalar(obj, self)
        torch = sys.modules.get("torch")
        if torch is not None and isinstance(obj, torch.Tensor):
            return self.outline(encode_tensor(obj, self))
        if isinstance(obj, Mapping):
            return self._dict(obj)
        if isinstance(obj, (tuple, set, frozenset)):
            return self._collection(obj)
        if isinstance(obj, list):
            return self._list(obj)
        return self._scalar(obj)

    def _collection(self, obj: tuple | set | frozenset) -> dict[str, Any]:
        kind = "tuple" if isinstance(obj, tuple) else ("set" if isinstance(obj, set)
                                                       else "frozenset")
        items = list(obj)
        if kind != "tuple":
            try:  # a stable order makes the same set give the same file
                items = sorted(items)
            except TypeError:
                pass
        return {"__type__": kind, "items": self._list(items)}

    def _scalar(self, obj: Any) -> Any:
        if isinstance(obj, bool):
            return bool(obj)
        if isinstance(obj, (int, str)):  # IntEnum, StrEnum: saved as their plain value
            return int(obj) if isinstance(obj, int) else str(obj)
        if isinstance(obj, float):
            return encode_float(float(obj))
        if isinstance(obj, complex):
            return encode_complex(obj)
        if isinstance(obj, (dt.datetime, dt.date, dt.time)):
            return encode_datetime(obj)
        if isinstance(obj, dt.timedelta):
            return encode_timedelta(obj)
        if isinstance(obj, (bytes, bytearray)):
            return self.outline(encode_bytes(obj, self))
        if isinstance(obj, PurePath):
            return encode_path(obj)
        raise TypeError(f"{type(obj).__module__}.{type(obj).__qualname__} has no DL-JSON marker; "
                        "convert it to a dict, list, array or string first")
