"""The ``json`` format: plain DL-JSON text, readable by any JSON parser."""

from __future__ import annotations

import mmap
import os
import traceback
from pathlib import Path
from typing import Any

from .._atomic import atomic_write
from .._dljson import dumps_pieces, loads, write_pieces
from ._options import LoadOptions, SaveOptions

NAME = "json"
SUFFIXES = (".json",)
TEXT = True
DESCRIPTION = "JSON text"
_STARTS = frozenset(b'{["-0123456789')
_LITERALS = (b"true", b"false", b"null", b"NaN", b"Infinity")  # a bare literal is JSON too
_WHITESPACE = b" \t\r\n"
_MMAP_MIN = 2**20


def text_head(head: bytes) -> bytes:
    """The head without a UTF-8 BOM and leading whitespace; UTF-16/32 re-encoded as UTF-8."""
    import json

    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")) or 0 in head[:4]:
        try:
            enc = json.detect_encoding(head)
            head = head[: len(head) // 4 * 4].decode(enc, errors="ignore").encode("utf-8")
        except (LookupError, UnicodeError):
            return b""
        head = head.removeprefix(b"\xef\xbb\xbf")
    return head.lstrip(_WHITESPACE)


def sniff(head: bytes) -> bool:
    body = text_head(head)
    if not body:  # a BOM and nothing else is still meant to be JSON (and is broken)
        return head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"))
    if body[0] in _STARTS:
        return True
    # "nothing here" is not JSON, "null" is (also cut short by a small head).
    return any(body.startswith(w) or w.startswith(body.rstrip(_WHITESPACE)) for w in _LITERALS)


def save(data: Any, path: Path, options: SaveOptions) -> None:
    pieces = dumps_pieces(data, **options.text_args())  # encode fully before touching the disk
    with atomic_write(path) as fh:
        write_pieces(fh, pieces)


def load(path: Path, options: LoadOptions) -> Any:
    return load_text(path, options)


def load_bytes(raw: bytes, options: LoadOptions, where: object) -> Any:
    """The document in ``raw`` (a whole file read elsewhere, e.g. from a URL)."""
    return loads(raw, device=options.device, path=where, keep=options.keep)


def load_text(path: Path, options: LoadOptions) -> Any:
    """Parse the file; large files through an ``mmap`` (no 90 MB copy into a bytes object)."""
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size < _MMAP_MIN:
            return loads(fh.read(), device=options.device, path=path, keep=options.keep)
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as view:
            try:
                return loads(view, device=options.device, path=path, keep=options.keep)
            except BaseException as exc:
                _drop_frames(exc)  # their slices of the mmap would keep it from closing
                raise


def _drop_frames(exc: BaseException | None) -> None:
    """Clear the locals of the finished frames of ``exc`` and of the exceptions it chains to."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        traceback.clear_frames(exc.__traceback__)
        exc = exc.__cause__ or exc.__context__
