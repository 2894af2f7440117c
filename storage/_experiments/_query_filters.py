"""Filters a query names in words ("on svhn", "with sgd", "lr 1e-3", "accuracy above 0.9").

They are only *suggested*: the panel shows them as chips to accept, the CLI prints them. An
embedding does not know that 0.93 is above 0.9, but a guess applied silently would hide runs the
researcher wanted, so nothing here changes a search by itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ._query_words import states_named

# Field names people write in place of the stored ones.
ALIASES = {"learning rate": "lr", "learning-rate": "lr", "acc": "accuracy",
           "validation accuracy": "val_accuracy", "val acc": "val_accuracy",
           "batch size": "batch_size", "batch": "batch_size", "epoch": "epochs",
           "validation loss": "val_loss", "val loss": "val_loss", "seeds": "seed"}
COMPARATORS = {
    ">=": ("at least", ">=", "no less than"),
    ">": ("above", "over", "more than", "greater than", "higher than", "better than",
          "exceeding", ">"),
    "<=": ("at most", "<=", "no more than"),
    "<": ("below", "under", "less than", "lower than", "fewer than", "<"),
    "==": ("==", "=", "of", "is", "equal to", "at", ""),
}
_NUMBER = r"(?P<num>\d+(?:\.\d+)?(?:e-?\d+)?|\.\d+)(?P<pct>\s?%)?"
# Text fields whose values are names worth offering; ids, paths, dates and prose are not.
_SKIP_TEXT = {"experiment_id", "hypothesis_id", "lab_id", "result_path", "timeseries_path",
              "started", "finished", "created", "lab_date", "kind", "status", "notes",
              "lab_report", "error", "error_message", "hypothesis", "conclusion"}
_MAX_NAME = 40


@dataclass(frozen=True)
class FilterSuggestion:
    """A filter in the filter language, and the words of the query it was read from."""

    expression: str
    words: str


def suggest_filters(text: str, fields: Mapping[str, Any]) -> list[FilterSuggestion]:
    """Filters the query names unambiguously, for fields the index holds (``FieldInfo``s)."""
    low = " ".join(text.lower().split())
    out: list[FilterSuggestion] = []
    status = fields.get("status")
    known_states = {str(v) for v in getattr(status, "values", [])}
    for state, words in states_named(low).items():
        if state in known_states:
            out.append(FilterSuggestion(f'status == "{state}"', words))
    out += _value_filters(low, fields)
    out += _number_filters(low, fields)
    return list({s.expression: s for s in out}.values())


def _value_filters(low: str, fields: Mapping[str, Any]) -> list[FilterSuggestion]:
    owners: dict[str, list[str]] = {}
    for name, info in fields.items():
        values = getattr(info, "values", [])
        if getattr(info, "kind", "") != "text" or name in _SKIP_TEXT or len(values) >= 50:
            continue
        for value in values:
            value = str(value)
            if 2 <= len(value) <= _MAX_NAME and not _is_number(value) and _names(low, value):
                owners.setdefault(value, []).append(name)
    return [FilterSuggestion(f"{names[0]} == {json.dumps(value)}", value.lower())
            for value, names in owners.items() if len(names) == 1]  # in two fields: ambiguous


def _number_filters(low: str, fields: Mapping[str, Any]) -> list[FilterSuggestion]:
    numeric = {n for n, info in fields.items() if getattr(info, "kind", "") == "number"}
    names = {n.replace("_", " "): n for n in numeric} | {n: n for n in numeric}
    names |= {alias: real for alias, real in ALIASES.items() if real in numeric}
    out = []
    field_re = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    op_re = "|".join(re.escape(w) for ws in COMPARATORS.values() for w in ws if w)
    if not field_re:
        return []
    forward = (rf"(?<![\w-])(?P<field>{field_re})\s*(?:(?:of|is|was)\s+)?(?P<op>{op_re})?\s*"
               rf"{_NUMBER}(?![\w.])")
    backward = rf"(?<![\w-])(?P<op>{op_re})\s*{_NUMBER}\s*(?P<field>{field_re})(?![\w-])"
    for pattern in (forward, backward):
        for m in re.finditer(pattern, low):
            name = names[m.group("field")]
            op = next(o for o, ws in COMPARATORS.items() if (m.group("op") or "") in ws)
            value = _value(m.group("num"), bool(m.group("pct")), fields.get(name))
            out.append(FilterSuggestion(f"{name} {op} {value}", m.group(0).strip()))
    return out


def _value(number: str, percent: bool, info: Any) -> str:
    value = float(number)
    top = getattr(info, "maximum", None)
    if percent or (top is not None and top <= 1.0 and 1 < value <= 100):  # "accuracy above 90"
        return f"{value / 100:g}"
    return number


def _names(low: str, value: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(value.lower())}(?![\w-])", low) is not None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
