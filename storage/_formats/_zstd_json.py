"""The ``zstd_json`` format: DL-JSON text in one zstd frame, as Loupe writes training histories
(``timeseries/<id>.json.zst``, see ``_experiments/_series_json``). Not valid JSON on disk, so it
is told apart by the zstd frame magic, and read back through the one DL-JSON decoder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .._atomic import atomic_write_bytes
from .._dljson import join_pieces, loads
from .._errors import CorruptFileError
from ._options import LoadOptions, SaveOptions

NAME = "zstd_json"
SUFFIXES = (".json.zst", ".zst")
TEXT = True  # DL-JSON text inside: the browser shows it as a JSON tree
DESCRIPTION = "a zstd-compressed DL-JSON file such as a Loupe history (already DL-friendly)"
MAGIC = b"\x28\xb5\x2f\xfd"
MAX_TEXT = 1 << 31  # a history is small; a frame that claims more is refused, not allocated


def sniff(head: bytes) -> bool:
    return head.startswith(MAGIC)


def save(data: Any, path: Path, options: SaveOptions) -> None:
    import zstandard

    from .._dljson import dumps_pieces

    text = join_pieces(dumps_pieces(data, **options.text_args()))
    level = min(options.compression_level, 22)
    atomic_write_bytes(path, zstandard.ZstdCompressor(level=level).compress(text))


def load(path: Path, options: LoadOptions) -> Any:
    return load_bytes(Path(path).read_bytes(), options, path)


def load_bytes(raw: bytes, options: LoadOptions, where: object) -> Any:
    """The document in ``raw`` (a whole file read elsewhere, e.g. from a URL)."""
    return loads(decompress(raw, where), device=options.device, path=where, keep=options.keep)


def decompress(raw: bytes, path: object) -> bytes:
    """The text inside the frame; a damaged frame is a :class:`CorruptFileError`."""
    import zstandard

    try:
        return zstandard.ZstdDecompressor().decompress(raw, max_output_size=MAX_TEXT)
    except zstandard.ZstdError as exc:
        raise CorruptFileError(f"{path}: damaged zstd data ({exc}); restore it from a backup",
                               path=path) from None

