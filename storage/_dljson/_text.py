"""DL-JSON text: writing and reading files, with large payloads kept away from the JSON parser.

The file is plain JSON: a large array is ``{"__type__": "numpy_array", ..., "data": "<base64>"}``
in place. Pushing 90 MB of base64 through ``json`` costs more than everything else together, so

* the writer lets the encoder put a placeholder where a large payload goes, serialises the small
  rest with ``json`` and writes the payload's base64, chunk by chunk, between its pieces;
* the reader (on an ``mmap`` of the file) finds every long string that follows ``"data": "``
  with ``find`` (memchr speed), cuts it out, parses the small rest with ``json`` and hands the
  slices to the markers, which decode them chunk by chunk.

Cutting is exact: the cut text holds no quote or backslash, so the file parses iff the rest parses;
a cut string that is not a marker payload is put back exactly as ``json`` would read it. On any
parse error the whole original text is parsed again to report the true line and column.
"""

from __future__ import annotations

import json
import re
import secrets
from typing import IO, Any

from .._errors import CorruptFileError, EncodeError
from ._decode import Context, make_hook
from ._encode import Encoder
from ._payload import b64_text, iter_b64

BLOB_MIN = 1024  # base64 strings at least this long travel outside the JSON serializer/parser
_RAW_MIN = BLOB_MIN // 4 * 3
_KEY = b'"data": "'
_BOMS_OTHER = (b"\xff\xfe", b"\xfe\xff")  # UTF-16/32: decoded and parsed the plain way


class RawPayload:
    """A piece of the text that is written as the base64 of ``raw``."""

    __slots__ = ("raw",)

    def __init__(self, raw: Any) -> None:
        self.raw = raw


def placeholder_prefix() -> str:
    # A fresh nonce per document: no user string can collide with it.
    return f"\x00dlblob:{secrets.token_hex(8)}:"


def dumps_pieces(data: Any, *, inline_max: int, codec: str, level: int) -> list[Any]:
    """The DL-JSON text of ``data`` as pieces (bytes, or :class:`RawPayload`), ending in a newline.

    The whole document is encoded before this returns; only base64 conversion is left for
    :func:`write_pieces`, so an unencodable value fails before any file is touched.
    """
    prefix = placeholder_prefix()
    blobs: list[Any] = []

    def payload(raw: Any) -> str:
        if memoryview(raw).nbytes < _RAW_MIN:
            return b64_text(raw)
        blobs.append(raw)
        return f"{prefix}{len(blobs) - 1}"

    value = Encoder(inline_max=inline_max, codec=codec, level=level, payload=payload).encode(data)
    return split_pieces(dumps_value(value), prefix, blobs)


def dumps_value(value: Any) -> str:
    """``json.dumps`` of an encoded value, in the layout every DL-JSON file uses."""
    try:
        return json.dumps(value, ensure_ascii=True, allow_nan=False)
    except ValueError as exc:  # an int over Python's 4300-digit conversion limit
        raise EncodeError(f"cannot save data: {exc}", location="data") from None


def split_pieces(text: str, prefix: str, blobs: list[Any]) -> list[Any]:
    """``text`` with each placeholder ``prefix + index`` string replaced by ``blobs[index]``."""
    if not blobs:
        return [text.encode("ascii"), b"\n"]
    pattern = '"' + re.escape(json.dumps(prefix)[1:-1]) + r'(\d+)"'
    pieces: list[Any] = []
    for i, part in enumerate(re.split(pattern, text)):
        if i % 2:
            pieces += [b'"', RawPayload(blobs[int(part)]), b'"']
        else:
            pieces.append(part.encode("ascii"))
    pieces.append(b"\n")
    return pieces


def write_pieces(fh: IO[bytes], pieces: list[Any]) -> None:
    for piece in pieces:
        if isinstance(piece, RawPayload):
            for chunk in iter_b64(piece.raw):
                fh.write(chunk)
        else:
            fh.write(piece)


def join_pieces(pieces: list[Any]) -> bytes:
    return b"".join(c for p in pieces for c in (iter_b64(p.raw) if isinstance(p, RawPayload)
                                                 else (p,)))


def loads(raw: Any, *, device: Any = None, path: object = None,
          refs: list[Any] | None = None, keep: frozenset[str] = frozenset()) -> Any:
    """Parse DL-JSON (or any JSON) from ``bytes`` or an ``mmap`` and decode its markers.

    ``refs`` are the decoded out-of-line payloads of a ``compressed`` envelope whose inner
    text this is (see ``_envelope``); ``payload_ref`` markers pick from them. Markers named in
    ``keep`` stay dicts (their payload as base64 text), e.g. arrays for the browser.
    """
    try:
        return _loads(raw, Context(device, refs=refs, keep=keep), path)
    except CorruptFileError as exc:
        if exc.path is not None or path is None:
            raise
        raise CorruptFileError(f"{path}: {exc}", path=path, line=exc.line,
                               column=exc.column) from None


def _loads(raw: Any, ctx: Context, path: object) -> Any:
    first = bytes(raw[:4])
    if first.startswith(_BOMS_OTHER) or (len(first) >= 2 and 0 in first):
        return _loads_text(_decode_text(bytes(raw), path), ctx, path)
    start = 3 if first.startswith(b"\xef\xbb\xbf") else 0
    prefix = placeholder_prefix()
    views: list[memoryview] = []
    try:
        skeleton, blobs = _cut(raw, start, prefix, views)
        if not blobs:
            return _loads_text(_decode_text(bytes(raw[start:]), path), ctx, path)
        cut = ctx.with_blobs(blobs, prefix)
        try:
            return json.loads(_decode_text(skeleton, path), object_hook=make_hook(cut))
        except (json.JSONDecodeError, RecursionError):
            # Report the error where it is in the real file (and be safe if cutting misjudged).
            return _loads_text(_decode_text(bytes(raw[start:]), path), ctx, path)
    finally:
        for view in reversed(views):  # an mmap cannot close while views of it are alive
            view.release()


def _cut(raw: Any, start: int, prefix: str,
         views: list[memoryview]) -> tuple[bytes, list[memoryview]]:
    """Cut long ``"data": "..."`` strings out of ``raw``; return the rest and the cut slices."""
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
        if not views:
            views.append(memoryview(raw))
        pieces += [views[0][pos:begin], marker, str(len(blobs)).encode("ascii")]
        blobs.append(views[0][begin:end])
        pos = end
    if not blobs:
        return b"", []
    pieces.append(views[0][pos:])
    views.extend(p for p in pieces if isinstance(p, memoryview))
    views.extend(blobs)
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
