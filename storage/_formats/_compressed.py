"""The ``compressed`` format: the DL-JSON document inside one marker holding zstd or zlib bytes
in base64. Still valid JSON: ``{"__type__": "compressed", "codec": "zstd", ..., "data": "..."}``.
Large arrays, tensors and bytes sit beside the compressed text in the marker's ``payloads``,
each compressed on its raw bytes where that pays (layout and reasons: ``_dljson/_envelope``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .._atomic import atomic_write
from .._dljson import compressed_pieces, write_pieces
from ._json import load_bytes, load_text, text_head
from ._options import LoadOptions, SaveOptions

NAME = "compressed"
SUFFIXES = (".json", ".dlz")
TEXT = True
DESCRIPTION = "DL-JSON in a compressed envelope (already DL-friendly)"
_SIGNATURE = re.compile(rb'\{\s*"__type__"\s*:\s*"compressed"')


def sniff(head: bytes) -> bool:
    return _SIGNATURE.match(text_head(head)) is not None


def save(data: Any, path: Path, options: SaveOptions) -> None:
    pieces = compressed_pieces(data, **options.text_args())
    with atomic_write(path) as fh:
        write_pieces(fh, pieces)


__all__ = ["NAME", "SUFFIXES", "load", "load_bytes", "save", "sniff"]


def load(path: Path, options: LoadOptions) -> Any:
    # The envelope is an ordinary marker: the JSON reader decodes it like any other.
    return load_text(path, options)
