"""DL-JSON: the DL-friendly JSON format (markers, codec, text layer). Private to :mod:`storage`."""

from __future__ import annotations

from typing import Any

from ._decode import ARRAY_MARKERS, MARKERS, Context, TorchUnavailableWarning, decode_value
from ._encode import Encoder
from ._envelope import compressed_pieces
from ._payload import CODECS
from ._text import dumps_pieces, join_pieces, loads, write_pieces


def encode(data: Any, *, inline_max: int, codec: str, level: int) -> Any:
    """A JSON-able value with markers; payloads stay inline as base64 strings."""
    return Encoder(inline_max=inline_max, codec=codec, level=level).encode(data)


def decode(value: Any, *, device: Any = None, keep: frozenset[str] = frozenset()) -> Any:
    """Python objects from a parsed DL-JSON value; markers named in ``keep`` stay dicts."""
    return decode_value(value, Context(device, keep=keep))


__all__ = [
    "ARRAY_MARKERS",
    "CODECS",
    "MARKERS",
    "TorchUnavailableWarning",
    "compressed_pieces",
    "decode",
    "dumps_pieces",
    "encode",
    "join_pieces",
    "loads",
    "write_pieces",
]
