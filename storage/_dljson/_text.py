"""DL-JSON text: writing and reading files, with large payloads kept away from the JSON parser.

The file is plain JSON: a large array is ``{"__type__": "numpy_array", ..., "data": "<base64>"}``
in place. Pushing 90 MB of base64 through ``json`` costs more than everything else together, so

* the writer lets the encoder put a placeholder where a large payload goes, serialises the small
  rest with ``json`` and writes the payload bytes between its pieces;
* the reader finds every long string that follows ``"data": "`` with ``bytes.find`` (memchr
  speed), cuts it out, parses the small rest with ``json`` and hands the slices to the markers.

Cutting is exact: the cut text holds no quote or backslash, so the file parses iff the rest parses;
a cut string that is not a marker payload is put back exactly as ``json`` would read it. On any
parse error the whole original text is parsed again to report the true line and column.
"""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

from .._errors import CorruptFileError
from ._decode import Context, make_hook
from ._encode import Encoder
from ._payload import pack, unpack

BLOB_MIN = 1024  # base64 strings at least this long travel outside the JSON serializer/parser
_KEY = b'"data": "'
_BOMS_OTHER = (b"\xff\xfe", b"\xfe\xff")  # UTF-16/32: decoded and parsed the plain way


def _placeholder_prefix() -> str:
    # A fresh nonce per document: no user string can collide with it.
    return f"\x00dlblob:{secrets.token_hex(8)}:"


def dumps_pieces(data: Any, *, inline_max: int, codec: str, level: int) -> list[Any]:
    """The DL-JSON text of ``data`` as a list of bytes-like pieces, ending in a newline."""
    prefix = _placeholder_prefix()
    blobs: list[bytes] = []

    def payload(b64: bytes) -> str:
        if len(b64) < BLOB_MIN:
            return b64.decode("ascii")
        blobs.append(b64)
        return f"{prefix}{len(blobs) - 1}"

    value = Encoder(inline_max=inline_max, codec=codec, level=level, payload=payload).encode(data)
    text = json.dumps(value, ensure_ascii=True, allow_nan=False)
    if not blobs:
        return [text.encode("ascii"), b"\n"]
    pattern = '"' + re.escape(json.dumps(prefix)[1:-1]) + r'(\d+)"'
    pieces: list[Any] = []
    for i, part in enumerate(re.split(pattern, text)):
        if i % 2:
            pieces += [b'"', blobs[int(part)], b'"']
        else:
            pieces.append(part.encode("ascii"))
    pieces.append(b"\n")
    return pieces


def compressed_pieces(data: Any, *, inline_max: int, codec: str, level: int) -> list[Any]:
    """The ``compressed`` envelope: the DL-JSON text of ``data`` zstd/zlib-compressed, base64."""
    envelope_codec = codec if codec != "none" else "zstd"
    inner = b"".join(dumps_pieces(data, inline_max=inline_max, codec=codec, level=level))
    _, b64 = pack(memoryview(inner), envelope_codec, level, force=True)
    head = json.dumps({"__type__": "compressed", "codec": envelope_codec, "encoding": "base64"})
    return [head[:-1].encode("ascii"), b', "data": "', b64, b'"}\n']


def load_compressed_marker(d: dict[str, Any], ctx: Context) -> Any:
    raw = unpack(d.get("data"), d.get("codec"))
    return loads(raw, device=ctx.device)


def loads(raw: bytes, *, device: Any = None, path: object = None) -> Any:
    """Parse DL-JSON (or any JSON) bytes and decode its markers."""
    if raw.startswith(_BOMS_OTHER) or (len(raw) >= 2 and 0 in raw[:4]):
        return _loads_text(_decode_text(raw, path), Context(device), path)
    start = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
    prefix = _placeholder_prefix()
    skeleton, blobs = _cut(raw, start, prefix)
    if not blobs:
        return _loads_text(_decode_text(raw[start:] if start else raw, path), Context(device), path)
    ctx = Context(device, blobs, prefix)
    try:
        return json.loads(_decode_text(skeleton, path), object_hook=make_hook(ctx))
    except (json.JSONDecodeError, RecursionError):
        # Report the error where it is in the real file (and be safe if cutting misjudged).
        return _loads_text(_decode_text(raw[start:], path), Context(device), path)


def _cut(raw: bytes, start: int, prefix: str) -> tuple[bytes, list[memoryview]]:
    view = memoryview(raw)
    marker = json.dumps(prefix)[1:-1].encode("ascii")
    pieces: list[Any] = []
    blobs: list[memoryview] = []
    pos = search = start
    while (k := raw.find(_KEY, search)) >= 0:
        begin = k + len(_KEY)
        end = raw.find(b'"', begin)
        if end < 0:
            break
        search = end + 1
        if end - begin < BLOB_MIN or _escaped(raw, k) or raw.find(b"\\", begin, end) >= 0:
            continue
        pieces += [view[pos:begin], marker, str(len(blobs)).encode("ascii")]
        blobs.append(view[begin:end])
        pos = end
    if not blobs:
        return raw, []
    pieces.append(view[pos:])
    return b"".join(pieces), blobs


def _escaped(raw: bytes, quote: int) -> bool:
    """Whether the quote at ``quote`` is escaped (preceded by an odd number of backslashes)."""
    n = 0
    while quote - n - 1 >= 0 and raw[quote - n - 1] == 0x5C:
        n += 1
    return n % 2 == 1


def _decode_text(raw: bytes, path: object) -> str:
    encoding = json.detect_encoding(raw)
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - raw.rfind(b"\n", 0, exc.start)
        raise CorruptFileError(f"{_where(path)}is not valid {encoding} text at line {line} column "
                               f"{column} (byte {exc.start}); re-save it as UTF-8",
                               path=path, line=line, column=column) from None


def _loads_text(text: str, ctx: Context, path: object) -> Any:
    try:
        return json.loads(text, object_hook=make_hook(ctx))
    except json.JSONDecodeError as exc:
        raise CorruptFileError(f"{_where(path)}is not valid JSON: {exc.msg} at line {exc.lineno} "
                               f"column {exc.colno}; fix the file there or restore a backup",
                               path=path, line=exc.lineno, column=exc.colno) from None
    except RecursionError:
        raise CorruptFileError(f"{_where(path)}is nested too deeply (over ~1000 levels) to read "
                               "safely; it is probably damaged or not a results file",
                               path=path) from None


def _where(path: object) -> str:
    return f"{path} " if path is not None else "the text "
