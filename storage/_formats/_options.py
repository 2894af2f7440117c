"""Settings shared by the format modules (one frozen dataclass each way)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .._dljson import CODECS


@dataclass(frozen=True)
class SaveOptions:
    """How to write: compression, and which arrays stay readable lists."""

    compression_level: int = 6
    codec: str = "zstd"
    array_inline_max: int = 256

    def __post_init__(self) -> None:
        if self.codec not in CODECS:
            raise ValueError(f"codec must be one of {CODECS}, not {self.codec!r}")
        if not 0 <= self.compression_level <= 22:
            raise ValueError(f"compression_level must be 0..22, not {self.compression_level}")
        if self.array_inline_max < 0:
            raise ValueError("array_inline_max must be >= 0")

    def text_args(self) -> dict[str, Any]:
        level = min(self.compression_level, 9) if self.codec == "zlib" else self.compression_level
        return {"inline_max": self.array_inline_max, "codec": self.codec, "level": level}


@dataclass(frozen=True)
class LoadOptions:
    """How to read: whether pickles may run, where torch tensors go, and which DL-JSON markers
    stay unexpanded (``keep``: the browser decodes arrays only when a view shows them)."""

    trusted: bool = False
    device: Any = None
    keep: frozenset[str] = frozenset()
