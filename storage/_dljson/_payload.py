"""Raw byte payloads: base64 (pybase64), compressed with zstd or zlib only where that pays."""

from __future__ import annotations

import zlib
from typing import Any

import pybase64

from .._errors import CorruptFileError

CODECS = ("zstd", "zlib", "none")
_MIN_COMPRESS = 1024  # below this the marker's overhead beats any saving
_SAMPLE = 16384
_PAYS = 0.85  # compress only when a sample shrinks to 85 % or less


class Blob:
    """A base64 payload sliced out of a file's bytes without going through the JSON parser."""

    __slots__ = ("view",)

    def __init__(self, view: memoryview) -> None:
        self.view = view


def compress(raw: Any, codec: str, level: int) -> bytes:
    if codec == "zstd":
        import zstandard

        return zstandard.ZstdCompressor(level=level).compress(raw)
    if codec == "zlib":
        return zlib.compress(raw, level)
    raise ValueError(f"unknown codec {codec!r}")


def decompress(raw: bytes, codec: object) -> bytes:
    try:
        if codec == "zstd":
            import zstandard

            return zstandard.ZstdDecompressor().decompress(raw)
        if codec == "zlib":
            return zlib.decompress(raw)
    except Exception as exc:  # zlib.error, zstandard.ZstdError (no stable import path)
        raise CorruptFileError(f"a {codec} payload does not decompress ({exc}); the file is "
                               "damaged or truncated") from None
    if codec in (None, "none"):
        return raw
    raise CorruptFileError(f"unknown codec {codec!r} in a payload; expected one of {CODECS}")


def worth_compressing(raw: memoryview, codec: str, level: int) -> bool:
    """Compress a few spread samples; random float data rarely pays and costs a lot to try."""
    n = raw.nbytes
    if codec == "none" or n < _MIN_COMPRESS:
        return False
    if n <= 4 * _SAMPLE:
        sample = bytes(raw)
    else:
        step = n // 4
        sample = b"".join(bytes(raw[i * step:i * step + _SAMPLE]) for i in range(4))
    return len(compress(sample, codec, level)) <= _PAYS * len(sample)


def pack(raw: memoryview, codec: str, level: int, *, force: bool = False) -> tuple[str, bytes]:
    """Return ``(codec_used, base64_bytes)`` for the raw bytes."""
    if force or worth_compressing(raw, codec, level):
        return codec, pybase64.b64encode(compress(raw, codec, level))
    return "none", pybase64.b64encode(raw)


def unpack(data: object, codec: object) -> bytes:
    """Raw bytes from a marker's base64 ``data`` (a string, or a :class:`Blob`)."""
    source = data.view if isinstance(data, Blob) else data
    if not isinstance(source, (str, bytes, memoryview)):
        raise CorruptFileError("a base64 payload is not a string; the file is damaged")
    try:
        raw = pybase64.b64decode(source, validate=True)
    except (ValueError, TypeError) as exc:
        raise CorruptFileError(f"a base64 payload is invalid ({exc}); the file is "
                               "damaged") from None
    return decompress(raw, codec)
