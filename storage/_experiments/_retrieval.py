"""Hybrid retrieval: exact ids first, then dense (MiniLM) and lexical (BM25) ranks fused by RRF.

Reciprocal rank fusion (Cormack et al. 2009) adds ``1 / (RRF_K + rank)`` over the two rankings:
it needs no score calibration between cosine distances and BM25, and a run near the top of either
list stays near the top. The figures behind the constants are in docs/search.md.
"""

from __future__ import annotations

from typing import Any

from ._hit import Hit
from ._query_words import fts_expression, id_tokens, query_terms, states_named

RRF_K = 60
# The dense list counts a little more: with equal weights, topic questions that only the
# embedding answers ("reinforcement learning from pixels") lost their answer to word matches;
# 1.25 keeps them and every state and id question (docs/search.md has the sweep).
DENSE_WEIGHT = 1.25
CANDIDATES = 60  # taken from each ranking before fusion (more than any page the panel shows)
MODES = ("hybrid", "dense", "lexical")
STATE_WEIGHT = 1.0


def hybrid_search(index: Any, text: str, where: dict | None, limit: int,
                  mode: str = "hybrid") -> list:
    """The ``limit`` best runs for ``text`` under ``where``; each hit says why it matched."""
    if mode not in MODES:
        raise ValueError(f"unknown search mode {mode!r}; use one of {', '.join(MODES)}")
    lexical = index.lexical()
    match = fts_expression(query_terms(text))
    n = max(limit, CANDIDATES)
    # Under a filter, the runs that pass it (one id-only read, 5 ms on 2,000 runs; fetching the
    # candidates with the filter took 40 ms for 60 of them); BM25 looks deeper to find enough.
    allowed = index.ids_where(where) if where else None
    dense = index.dense_hits(text, where, n, allowed, bare=True) if mode != "lexical" else []
    found = {h.id: h for h in dense if h.metadata}  # bare hits are fetched below, with the rest
    lex_ids: list[str] = []
    if mode != "dense":
        ranked = lexical.search(match, n if allowed is None else n * 10)
        lex_ids = [r for r, _ in ranked if allowed is None or r in allowed][:n]
    first = [i for i in _id_matches(lexical, text, limit) if allowed is None or i in allowed] \
        if mode == "hybrid" else []
    wanted = [i for i in dict.fromkeys([*(h.id for h in dense), *first, *lex_ids])
              if i not in found]
    found.update({h.id: h for h in index.fetch(wanted)})  # one read for all that are missing
    dense = [h for h in dense if h.id in found]
    lex_ids = [r for r in lex_ids if r in found]
    scores = _fuse([h.id for h in dense], lex_ids)
    if mode == "hybrid":
        _boost_states(scores, found, set(states_named(text)))
        for pos, rid in enumerate(i for i in first if i in found):
            scores[rid] = 2.0 - pos / 1000  # an id named in the query: above any fused score
    order = sorted(scores, key=lambda r: (-scores[r], r))[:limit]
    ranks = ({h.id: k for k, h in enumerate(dense, 1)}, {r: k for k, r in enumerate(lex_ids, 1)})
    distances = {h.id: h.distance for h in dense}
    return _explained(order, found, scores, ranks, distances, first,
                      lexical.matched_words(match, order))


def _boost_states(scores: dict[str, float], found: dict[str, Any], states: set[str]) -> None:
    """A state named in the query is a third ranking: the runs in it, in fused order."""
    if not states:
        return
    in_state = [r for r in sorted(scores, key=lambda r: -scores[r])
                if found[r].metadata.get("status") in states]
    for rank, rid in enumerate(in_state, 1):
        scores[rid] += STATE_WEIGHT / (RRF_K + rank)


def _explained(order: list[str], found: dict[str, Any], scores: dict[str, float],
               ranks: tuple[dict[str, int], dict[str, int]], distances: dict[str, float | None],
               first: list[str], words: dict[str, list[str]]) -> list:
    """The hits in ``order``, each with its two ranks, fused score and matched words."""
    hits = []
    for rid in order:
        base = found[rid]
        why = ([f"id {rid}"] if rid in first else []) + words.get(rid, [])
        hits.append(Hit(rid, distances.get(rid), base.document, base.metadata,
                        dense_rank=ranks[0].get(rid), lexical_rank=ranks[1].get(rid),
                        score=round(scores[rid], 6), matched=why))
    return hits


def _fuse(dense: list[str], lexical: list[str]) -> dict[str, float]:
    scores: dict[str, float] = {}
    for weight, ranking in ((DENSE_WEIGHT, dense), (1.0, lexical)):
        for rank, rid in enumerate(ranking, 1):
            scores[rid] = scores.get(rid, 0.0) + weight / (RRF_K + rank)
    return scores


def _id_matches(lexical: Any, text: str, limit: int) -> list[str]:
    out: list[str] = []
    for token in id_tokens(text):
        out.extend(r for r in lexical.with_prefix(token, limit) if r not in out)
    return out[:limit]

