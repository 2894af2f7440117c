"""What an index's metadata holds (for filter builders), sorting, and friendly text matching."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

MAX_VALUES = 50


@dataclass
class FieldInfo:
    """One metadata field: ``kind`` is "number", "text" or "bool"; ``values`` lists up to 50
    distinct text values; ``count`` is how many entries have the field."""

    name: str
    kind: str
    minimum: float | None = None
    maximum: float | None = None
    values: list = field(default_factory=list)
    count: int = 0


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return "text"


def compute_fields(metadatas: Iterable[Mapping[str, Any]]) -> dict[str, FieldInfo]:
    """Summarise every field of ``metadatas``; a field with mixed kinds is reported as text."""
    infos: dict[str, FieldInfo] = {}
    distinct: dict[str, set] = {}
    for meta in metadatas:
        for name, value in meta.items():
            if name == "_":
                continue
            kind = _kind(value)
            info = infos.get(name)
            if info is None:
                info = infos[name] = FieldInfo(name, kind)
                distinct[name] = set()
            elif info.kind != kind:
                info.kind = "text"
            info.count += 1
            if kind == "number":
                info.minimum = value if info.minimum is None else min(info.minimum, value)
                info.maximum = value if info.maximum is None else max(info.maximum, value)
            if len(distinct[name]) <= MAX_VALUES:
                distinct[name].add(value)
    for name, info in infos.items():
        if info.kind == "text":
            info.minimum = info.maximum = None
            info.values = sorted(str(v) for v in distinct[name])[:MAX_VALUES]
        elif info.kind == "bool":
            info.values = sorted(distinct[name])
    return dict(sorted(infos.items()))


def sort_hits(hits: list, sort_by: str, descending: bool) -> list:
    """Sort hits by a metadata field; entries without it go last whatever the direction."""
    hits = sorted(hits, key=lambda h: h.id)  # equal values keep a stable order: by id
    have = [h for h in hits if h.metadata.get(sort_by) is not None]
    missing = [h for h in hits if h.metadata.get(sort_by) is None]

    def key(hit: Any) -> tuple[int, Any]:
        value = hit.metadata[sort_by]
        return (0, value) if isinstance(value, int | float) else (1, str(value).lower())

    return sorted(have, key=key, reverse=descending) + missing


def expand_text_values(where: dict[str, Any],
                       fields: Callable[[], Mapping[str, FieldInfo]]) -> dict[str, Any]:
    """Let ``architecture in (resnet, vit)`` match ``resnet18`` and ``vit-s``.

    A text value typed by a person that is not a stored value but the start of some
    (case-insensitive) becomes all of them. Only called for filters typed as text, and only
    reads the field summary when such a value is present.
    """
    cache: dict[str, Mapping[str, FieldInfo]] = {}

    def known() -> Mapping[str, FieldInfo]:
        if "f" not in cache:
            cache["f"] = fields()
        return cache["f"]

    def walk(node: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for key, cond in node.items():
            if key in ("$and", "$or"):
                out[key] = [walk(part) for part in cond]
                continue
            (op, value), = cond.items()
            if op in ("$eq", "$ne", "$in", "$nin"):
                out[key] = _expand(key, op, value, known)
            else:
                out[key] = cond
        return out

    return walk(where)


def _expand(name: str, op: str, value: Any,
            known: Callable[[], Mapping[str, FieldInfo]]) -> dict[str, Any]:
    values = value if isinstance(value, list) else [value]
    if not any(isinstance(v, str) for v in values):
        return {op: value}
    info = known().get(name)
    if info is None or info.kind != "text" or not info.values:
        return {op: value}
    stored = set(info.values)
    result: list[Any] = []
    for v in values:
        if not isinstance(v, str) or v in stored:
            result.append(v)
            continue
        matches = [s for s in info.values if s.lower().startswith(v.lower())]
        result.extend(matches or [v])
    result = list(dict.fromkeys(result))
    if op in ("$in", "$nin"):
        return {op: result}
    if len(result) == 1:
        return {op: result[0]}
    return {"$in" if op == "$eq" else "$nin": result}
