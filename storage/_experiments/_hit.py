"""One search result (its own module: the index and the hybrid retrieval both make them, and the
retrieval must not import the index back)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Hit:
    """One search result. ``distance`` is None for plain listings (no text query).

    Text queries also say why the run is there: its rank in the dense (embedding) and the lexical
    (BM25) ranking (None: not among the candidates), the fused score, and ``matched``, the query
    words found in its text (``"status: diverged"`` for a state, ``"id ..."`` for a named id).
    """

    id: str
    distance: float | None
    document: str
    metadata: dict[str, Any] = field(default_factory=dict)
    dense_rank: int | None = None
    lexical_rank: int | None = None
    score: float | None = None
    matched: list[str] = field(default_factory=list)
