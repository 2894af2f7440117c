"""Decide what to do with one file from its bytes: convert, skip (with why) or fail (with where).

Everything here is read-only. The checks guard against silent changes of value: duplicate keys
(the JSON parser would keep only the last), numbers too large for a float (they would become
inf), text that is not UTF-8, nesting too deep to parse safely, and files of tools whose markers
name Python classes (jsonpickle, json_tricks), which Loupe treats as data and never as code.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass, field
from typing import Any

from .._formats import HEAD_BYTES, describe, sniff
from ._values import Stats, to_arrays

# Binary formats of the registry that are never converted (DL-friendly already, or a pickle).
_NOT_JSON = ("hdf5", "pickle", "zstd_json")
_UTF_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32 LE"), (codecs.BOM_UTF32_BE, "UTF-32 BE"),
    (codecs.BOM_UTF16_LE, "UTF-16 LE"), (codecs.BOM_UTF16_BE, "UTF-16 BE"),
)
_JSONPICKLE_KEYS = ("py/object", "py/reduce", "py/type", "py/function", "py/id", "py/state")
_JSON_TRICKS_KEYS = ("__ndarray__", "__instance_type__", "__complex__", "__set__")
_HUGE_NUMBER = re.compile(rb"-?\d+(?:\.\d+)?[eE]\+?\d{3,}|\d{309,}(?:\.\d*)?")


@dataclass
class Inspection:
    """The decision for one file and, when it converts, the parsed and array-converted value."""

    action: str
    reason: str = ""
    line: int | None = None
    column: int | None = None
    value: Any = None
    converted: Any = None
    stats: Stats = field(default_factory=Stats)


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def inspect_bytes(raw: bytes, arrays: bool = True, min_array_len: int = 8) -> Inspection:
    """Classify ``raw`` (a whole file). Never raises for bad content: it becomes a reason."""
    if not raw:
        return Inspection("skip", "empty file")
    early = _sniff(raw)
    if early is not None:
        return early
    text, problem = _decode(raw)
    if problem is not None:
        return problem
    if not text.strip():
        return Inspection("skip", "empty file (only a byte-order mark or white space)")
    value, problem = _parse(text, raw)
    if problem is not None:
        return problem
    foreign = _foreign_format(text, value)
    if foreign is not None:
        return foreign
    stats = Stats()
    try:
        # With arrays off the walk still runs (it finds infinities) but never makes an array.
        converted = to_arrays(value, min_array_len if arrays else 1 << 62, stats)
    except RecursionError:
        return Inspection("fail", "nested too deeply to convert safely")
    if stats.has_inf:
        huge = _huge_number(raw)
        if huge is not None:
            return huge
    return Inspection("convert", value=value, converted=converted, stats=stats)


def _sniff(raw: bytes) -> Inspection | None:
    fmt = sniff(raw[:HEAD_BYTES])  # the one format registry decides what the bytes are
    if fmt in _NOT_JSON:
        return Inspection("skip", f"not JSON: {describe(fmt)}")
    for bom, name in _UTF_BOMS:
        if raw.startswith(bom):
            return Inspection("fail", f"not UTF-8: the file starts with a {name} byte-order mark;"
                              " save it as UTF-8 to convert it", 1, 1)
    if b"\x00" in raw[:4096]:
        return Inspection("fail", "not UTF-8 text: it contains NUL bytes (binary or UTF-16)")
    return None


def _decode(raw: bytes) -> tuple[str, Inspection | None]:
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line, column = _line_col(raw, exc.start)
        bad = raw[exc.start:exc.start + 1].hex().upper()
        return "", Inspection("fail", f"not UTF-8 text: byte 0x{bad} cannot be decoded; save the"
                              " file as UTF-8 to convert it", line, column)


def _parse(text: str, raw: bytes) -> tuple[Any, Inspection | None]:
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates), None
    except json.JSONDecodeError as exc:
        return None, Inspection("fail", f"broken JSON: {exc.msg}", exc.lineno, exc.colno)
    except _DuplicateKeyError as exc:
        line, column = _find_duplicate(raw, exc.key)
        return None, Inspection("fail", f"duplicate key {exc.key!r}: a JSON reader keeps only one"
                                " of its values, so converting would lose data", line, column)
    except RecursionError:
        return None, Inspection("fail", "nested too deeply to convert safely (lists or objects"
                                " inside each other beyond Python's parser limit)")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKeyError(key)
            seen.add(key)
    return result


def _foreign_format(text: str, value: Any) -> Inspection | None:
    if '"py/' not in text and '"__' not in text:
        return None
    keys = _all_keys(value)
    if "__type__" in keys:
        return Inspection("skip", "already DL-friendly JSON (it has __type__ markers)")
    for marker in _JSONPICKLE_KEYS:
        if marker in keys:
            return Inspection("skip", f"jsonpickle file ('{marker}' names Python classes): read as"
                              " data only, never converted, so nothing in it is imported or run")
    for marker in _JSON_TRICKS_KEYS:
        if marker in keys:
            return Inspection("skip", f"json_tricks file ('{marker}' markers): read as data only"
                              " and left as it is; its markers are not Loupe's")
    return None


def _all_keys(value: Any) -> set[str]:
    keys: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            keys.update(item)
            stack.extend(v for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, dict | list))
    return keys


def _huge_number(raw: bytes) -> Inspection | None:
    for match in _HUGE_NUMBER.finditer(raw):
        literal = match.group().decode("ascii")
        if abs(float(literal)) == float("inf"):
            line, column = _line_col(raw, match.start())
            shown = literal if len(literal) < 40 else literal[:37] + "..."
            return Inspection("fail", f"number {shown} is too large for a 64-bit float (it would"
                              " silently become infinity)", line, column)
    return None


def _find_duplicate(raw: bytes, key: str) -> tuple[int | None, int | None]:
    pattern = re.compile(re.escape(json.dumps(key).encode()) + rb"\s*:")
    hits = [m.start() for m in pattern.finditer(raw)]
    return _line_col(raw, hits[1]) if len(hits) > 1 else (None, None)


def _line_col(raw: bytes, offset: int) -> tuple[int, int]:
    line = raw.count(b"\n", 0, offset) + 1
    return line, offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
