"""The DL-JSON decoder: a fixed registry from marker name to a decoding function.

Nothing named in a file is imported or called: a marker outside :data:`MARKERS` raises
:class:`UnknownTypeMarkerError`. jsonpickle (``py/object``) and json_tricks (``__instance_type__``)
documents carry no ``__type__`` key and therefore load as the plain data they are.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from .._errors import CorruptFileError, UnknownTypeMarkerError
from ._arrays import decode_array, decode_tensor
from ._payload import Blob
from ._scalars import (
    decode_bytes,
    decode_complex,
    decode_dict,
    decode_float,
    decode_iso,
    decode_items,
    decode_numpy_scalar,
    decode_path,
    decode_timedelta,
)


class TorchUnavailableWarning(UserWarning):
    """A ``torch_tensor`` was loaded as a numpy array because torch is not installed."""


# The ``compressed`` and ``payload_ref`` markers are registered by ``_envelope`` (it sits above
# the text layer, which sits above this module: registering keeps the imports one-way).
MARKERS: dict[str, Callable[[dict[str, Any], Any], Any]] = {
    "numpy_array": decode_array,
    "torch_tensor": decode_tensor,
    "numpy_scalar": decode_numpy_scalar,
    "float": decode_float,
    "complex": decode_complex,
    "datetime": decode_iso,
    "date": decode_iso,
    "time": decode_iso,
    "timedelta": decode_timedelta,
    "bytes": decode_bytes,
    "path": decode_path,
    "tuple": decode_items,
    "set": decode_items,
    "frozenset": decode_items,
    "dict": decode_dict,
}
# Markers that a browser keeps as they are (decoded only when a view reads them).
ARRAY_MARKERS = frozenset({"numpy_array", "torch_tensor", "ndarray", "tensor"})


class Context:
    """What decoding one document needs: the target device, blobs cut out of the file text, and
    the markers to keep unexpanded (``keep``: a browser decodes arrays only when shown)."""

    def __init__(self, device: Any = None, blobs: list[memoryview] | None = None,
                 prefix: str = "", refs: list[Any] | None = None,
                 keep: frozenset[str] = frozenset()) -> None:
        self.device = device
        self.blobs = blobs or []
        self.prefix = prefix  # placeholder prefix of this load's blobs
        self.refs = refs  # decoded out-of-line payloads of the enclosing compressed envelope
        self.keep = keep
        self._torch: Any = False

    def with_blobs(self, blobs: list[memoryview], prefix: str) -> Context:
        """The same context for a text whose long payloads were cut out as ``blobs``."""
        return Context(self.device, blobs, prefix, self.refs, self.keep)

    def torch(self) -> Any:
        """The torch module, or None (with a warning) when it is not installed."""
        if self._torch is False:
            try:
                import torch
            except ImportError:
                torch = None
                warnings.warn("torch is not installed: torch_tensor values load as numpy arrays "
                              "(bfloat16 as ml_dtypes.bfloat16); install torch to get tensors",
                              TorchUnavailableWarning, stacklevel=2)
            self._torch = torch
        return self._torch

    def resolve(self, d: dict[str, Any]) -> None:
        """Put back a payload that the reader cut out of the text (see ``_text``)."""
        data = d["data"]
        index = int(data[len(self.prefix):])
        view = self.blobs[index]
        if d.get("__type__") in self.keep:  # a kept marker outlives the file's buffer
            try:
                d["data"] = str(view, "utf-8")  # base64 when intact; checked when decoded
            except UnicodeDecodeError as exc:
                raise CorruptFileError(f"a {d['__type__']} payload is not text (byte "
                                       f"0x{view[exc.start]:02X}); the file is damaged") from None
        elif d.get("encoding") == "base64" and "__type__" in d:
            d["data"] = Blob(view)
        else:  # a long string that is no payload: give the exact string JSON would
            import json

            d["data"] = json.loads(b'"' + bytes(view) + b'"')


def make_hook(ctx: Context) -> Callable[[dict[str, Any]], Any]:
    """The ``object_hook`` for ``json.loads``: called for every object, innermost first."""
    markers = MARKERS
    prefix = ctx.prefix
    keep = ctx.keep

    def hook(d: dict[str, Any]) -> Any:
        if prefix and type(d.get("data")) is str and d["data"].startswith(prefix):
            ctx.resolve(d)
        kind = d.get("__type__")
        if kind is None or kind in keep:
            return d
        decoder = markers.get(kind) if type(kind) is str else None
        if decoder is None:
            raise UnknownTypeMarkerError(
                f"unknown type marker {kind!r}; Loupe reads only {sorted(markers)} and never "
                "imports what a file names. Load the file with the tool that wrote it")
        return decoder(d, ctx)

    return hook


def decode_value(value: Any, ctx: Context) -> Any:
    """Decode an already parsed JSON value (without changing it)."""
    hook = make_hook(ctx)

    def walk(v: Any) -> Any:
        t = type(v)
        if t is dict:
            return hook({k: walk(x) for k, x in v.items()})
        if t is list:
            return [walk(x) for x in v]
        return v

    return walk(value)
