"""Raw byte payloads: base64 (pybase64), compressed with zstd or zlib only where that pays.

Large payloads are encoded and decoded in chunks of a few MiB: the working buffers stay in the
CPU cache and are reused, instead of faulting in 90 MB of fresh memory; that alone halves the
time of a 64 MB array (see ``bench/bench_storage.py``). Decoded bytes land in a numpy buffer, so
arrays built on them are writable without another copy.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any

import numpy as np
import pybase64

from .._errors import CorruptFileError

CODECS = ("zstd", "zlib", "none")
ENCODE_CHUNK = 3 * 2**20  # raw bytes per base64 chunk: a multiple of 3, so chunks join exactly
DECODE_CHUNK = 4 * 2**20  # base64 characters per chunk: a multiple of 4
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


def decompress(raw: Any, codec: object) -> Any:
    if codec in (None, "none"):
        return raw
    try:
        if codec == "zstd":
            import zstandard

            return zstandard.ZstdDecompressor().decompress(raw)
        if codec == "zlib":
            return zlib.decompress(raw)
    except Exception as exc:  # zlib.error, zstandard.ZstdError (no stable import path)
        raise CorruptFileError(f"a {codec} payload does not decompress ({exc}); the file is "
                               "damaged or truncated") from None
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


def pack(raw: memoryview, codec: str, level: int, *, force: bool = False) -> tuple[str, Any]:
    """Return ``(codec_used, payload_bytes)``: compressed when that pays (or ``force``)."""
    if force or worth_compressing(raw, codec, level):
        return codec, compress(raw, codec, level)
    return "none", raw


def b64_text(raw: Any) -> str:
    return pybase64.b64encode(raw).decode("ascii")


def iter_b64(raw: Any) -> Iterator[bytes]:
    """The base64 text of ``raw`` in chunks (equal to one ``b64encode`` joined)."""
    view = memoryview(raw).cast("B")
    for start in range(0, max(len(view), 1), ENCODE_CHUNK):
        yield pybase64.b64encode(view[start:start + ENCODE_CHUNK])


def unpack(data: object, codec: object) -> Any:
    """Raw bytes (a writable uint8 array, or bytes) from a marker's base64 ``data``."""
    source = data.view if isinstance(data, Blob) else data
    if isinstance(source, str):
        source = source.encode("ascii", errors="replace")
    if not isinstance(source, (bytes, bytearray, memoryview)):
        raise CorruptFileError("a base64 payload is not a string; the file is damaged")
    return decompress(_b64decode(source), codec)


def _b64decode(source: Any) -> Any:
    try:
        if len(source) <= DECODE_CHUNK:
            return pybase64.b64decode(source, validate=True)
        view = memoryview(source)
        if len(view) % 4:
            raise ValueError("length is not a multiple of 4")
        pad = (view[-1] == 0x3D) + (view[-2] == 0x3D)
        out = np.empty(len(view) // 4 * 3 - pad, dtype=np.uint8)
        pos = 0
        for start in range(0, len(view), DECODE_CHUNK):
            chunk = pybase64.b64decode(view[start:start + DECODE_CHUNK], validate=True)
            out[pos:pos + len(chunk)] = np.frombuffer(chunk, dtype=np.uint8)
            pos += len(chunk)
        if pos != len(out):
            raise ValueError("padding inside the text")
        return out
    except (ValueError, TypeError) as exc:
        raise CorruptFileError(f"a base64 payload is invalid ({exc}); the file is "
                               "damaged") from None
