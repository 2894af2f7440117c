"""The ``compressed`` envelope: a DL-JSON document inside one marker holding zstd or zlib bytes.

Layout (still plain JSON)::

    {"__type__": "compressed", "codec": "zstd", "encoding": "base64", "data": "<base64>",
     "payloads": [{"__type__": "numpy_array", "dtype": "float32", "shape": [16777216],
                   "encoding": "base64", "codec": "none", "data": "<base64>"}, ...]}

``data`` is the document's DL-JSON text, compressed, in base64. Large payloads (arrays, tensors
and bytes of at least :data:`OUTLINE_MIN` raw bytes) are not inside that text: each one's whole
marker sits in ``payloads``, already compressed on its raw bytes where that pays (zstd on the
raw bytes of a float array beats zstd on their base64, and random floats are not worth the
time), and the text holds ``{"__type__": "payload_ref", "index": i}`` in its place. So a 64 MB
array is base64-encoded once and never pushed through the compressor as text, and the reader
decodes it straight from the file, like the ``json`` format does.

Small documents have no ``payloads`` key and are byte for byte what earlier versions wrote; the
reader takes both layouts.
"""

from __future__ import annotations

import json
from typing import Any

from .._errors import CorruptFileError
from ._decode import MARKERS
from ._encode import Encoder
from ._payload import b64_text, pack, unpack
from ._text import dumps_value, loads, placeholder_prefix, split_pieces

OUTLINE_MIN = 64 * 2**10  # raw payload bytes from which a marker leaves the compressed text
REF = "payload_ref"


def compressed_pieces(data: Any, *, inline_max: int, codec: str, level: int) -> list[Any]:
    """The envelope of ``data`` as pieces for ``write_pieces`` (see the module docstring)."""
    envelope_codec = codec if codec != "none" else "zstd"
    prefix = placeholder_prefix()
    blobs: list[Any] = []
    outlined: list[dict[str, Any]] = []

    def payload(raw: Any) -> str:
        if memoryview(raw).nbytes < OUTLINE_MIN:
            return b64_text(raw)
        blobs.append(raw)
        return f"{prefix}{len(blobs) - 1}"

    def outline(marker: dict[str, Any]) -> Any:
        data = marker.get("data")
        if type(data) is not str or not data.startswith(prefix):
            return marker
        outlined.append(marker)
        return {"__type__": REF, "index": len(outlined) - 1}

    value = Encoder(inline_max=inline_max, codec=codec, level=level, payload=payload,
                    outline=outline).encode(data)
    inner = (dumps_value(value) + "\n").encode("ascii")
    _, packed = pack(memoryview(inner), envelope_codec, level, force=True)
    blobs.append(packed)
    envelope: dict[str, Any] = {"__type__": "compressed", "codec": envelope_codec,
                                "encoding": "base64", "data": f"{prefix}{len(blobs) - 1}"}
    if outlined:
        envelope["payloads"] = outlined
    return split_pieces(json.dumps(envelope), prefix, blobs)


def load_compressed_marker(d: dict[str, Any], ctx: Any) -> Any:
    """The document inside an envelope (its ``payloads`` are already decoded: JSON objects are
    decoded innermost first)."""
    refs = d.get("payloads", [])
    if not isinstance(refs, list):
        raise CorruptFileError("a compressed envelope's 'payloads' is not a list; the file is "
                               "damaged")
    raw = unpack(d.get("data"), d.get("codec"))
    return loads(bytes(raw) if not isinstance(raw, bytes) else raw, device=ctx.device, refs=refs,
                 keep=ctx.keep)


def decode_payload_ref(d: dict[str, Any], ctx: Any) -> Any:
    """The out-of-line payload a ``payload_ref`` marker points at."""
    refs = getattr(ctx, "refs", None)
    index = d.get("index")
    if refs is None:
        raise CorruptFileError("a payload_ref marker outside a compressed envelope; the file is "
                               "damaged or was cut out of a compressed file")
    if type(index) is not int or not 0 <= index < len(refs):
        raise CorruptFileError(f"payload_ref index {index!r} is not one of the envelope's "
                               f"{len(refs)} payloads; the file is damaged")
    return refs[index]


MARKERS["compressed"] = load_compressed_marker
MARKERS[REF] = decode_payload_ref
