"""What differs between two nested values: configs, metadata, final metrics.

A :class:`Difference` names the path of a key (``config.optimizer.betas[1]``), its kind
(``added``: only in B, ``removed``: only in A, ``changed``, or ``same`` when asked for all) and
both values. Dicts are matched by key, lists and tuples by position, numpy arrays as a whole
(dtype, shape, then values; NaN equals NaN, since a NaN loss in both runs is no difference). A
change of type (``1`` to ``1.0``, a list to a dict) is a change even when the values compare
equal, and says so in ``note``: a learning rate written as an int by one script and a float by
another is exactly what a diff is for.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

ADDED, REMOVED, CHANGED, SAME = "added", "removed", "changed", "same"


class _Missing:
    """The value of the side that has no such key (JSON: null)."""

    def __repr__(self) -> str:
        return "(missing)"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Difference:
    """One path where A and B differ (or agree, for a full listing)."""

    path: str
    kind: str
    a: Any = MISSING
    b: Any = MISSING
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "kind": self.kind, "a": _plain(self.a), "b": _plain(self.b),
                **({"note": self.note} if self.note else {})}


def diff_values(a: Any, b: Any, path: str = "", *, include_same: bool = False
                ) -> list[Difference]:
    """Every difference between ``a`` and ``b``, depth first, keys in sorted order."""
    out: list[Difference] = []
    _diff(a, b, path, out, include_same)
    return out


def _diff(a: Any, b: Any, path: str, out: list[Difference], same: bool) -> None:
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        _diff_mappings(a, b, path, out, same)
    elif _is_sequence(a) and _is_sequence(b) and type(a) is type(b):
        _diff_sequences(a, b, path, out, same)
    elif isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        _diff_arrays(a, b, path, out, same)
    elif _kind_of(a) != _kind_of(b):
        out.append(Difference(path, CHANGED, a, b, f"type {_kind_of(a)} -> {_kind_of(b)}"))
    elif not _scalars_equal(a, b):
        out.append(Difference(path, CHANGED, a, b))
    elif same:
        out.append(Difference(path, SAME, a, b))


def _diff_mappings(a: Mapping, b: Mapping, path: str, out: list[Difference], same: bool) -> None:
    for key in sorted(set(a) | set(b), key=str):
        sub = f"{path}.{key}" if path else str(key)
        if key not in b:
            out.append(Difference(sub, REMOVED, a[key], MISSING))
        elif key not in a:
            out.append(Difference(sub, ADDED, MISSING, b[key]))
        else:
            _diff(a[key], b[key], sub, out, same)


def _diff_sequences(a: Any, b: Any, path: str, out: list[Difference], same: bool) -> None:
    for i in range(max(len(a), len(b))):
        sub = f"{path}[{i}]"
        if i >= len(b):
            out.append(Difference(sub, REMOVED, a[i], MISSING))
        elif i >= len(a):
            out.append(Difference(sub, ADDED, MISSING, b[i]))
        else:
            _diff(a[i], b[i], sub, out, same)


def _diff_arrays(a: Any, b: Any, path: str, out: list[Difference], same: bool) -> None:
    if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)):
        out.append(Difference(path, CHANGED, a, b, f"type {_kind_of(a)} -> {_kind_of(b)}"))
    elif a.dtype != b.dtype:
        out.append(Difference(path, CHANGED, a, b, f"dtype {a.dtype} -> {b.dtype}"))
    elif a.shape != b.shape:
        out.append(Difference(path, CHANGED, a, b, f"shape {a.shape} -> {b.shape}"))
    elif not _arrays_equal(a, b):
        differing = int(np.count_nonzero(~_elementwise_equal(a, b)))
        out.append(Difference(path, CHANGED, a, b, f"{differing} of {a.size} values differ"))
    elif same:
        out.append(Difference(path, SAME, a, b))


def _arrays_equal(a: np.ndarray, b: np.ndarray) -> bool:
    try:
        return bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    except TypeError:  # object or structured arrays
        return bool(np.array_equal(a, b))


def _elementwise_equal(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    equal = np.asarray(a == b)
    if a.dtype.kind in "fc":
        equal |= np.isnan(a) & np.isnan(b)
    return equal


def _is_sequence(value: Any) -> bool:
    return isinstance(value, list | tuple)


def _kind_of(value: Any) -> str:
    """The type name a user recognises (numpy scalars count as their Python kind)."""
    if isinstance(value, bool | np.bool_):
        return "bool"
    if isinstance(value, np.integer):
        return "int"
    if isinstance(value, np.floating):
        return "float"
    if isinstance(value, Mapping):
        return "dict"
    if value is None:
        return "null"
    return type(value).__name__


def _scalars_equal(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    try:
        return bool(a == b)
    except Exception:  # exotic objects: compare what a user would read
        return repr(a) == repr(b)


def _plain(value: Any) -> Any:
    """A JSON-able form for ``--json`` (arrays summarised past a few values, NaN as text)."""
    if value is MISSING:
        return None
    if isinstance(value, np.ndarray):
        if value.size <= 16:
            return _plain(value.tolist())
        return f"array {value.dtype} shape {list(value.shape)}"
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def value_text(value: Any, limit: int = 80) -> str:
    """Short display text of one side of a difference."""
    if value is MISSING:
        return "(missing)"
    if isinstance(value, np.ndarray) and value.size > 8:
        return f"array {value.dtype} {tuple(value.shape)}"
    if isinstance(value, str):  # unquoted: a type change is named in the note anyway
        text = value if value.strip() else repr(value)
    else:
        text = str(_plain(value))
    return text if len(text) <= limit else text[: limit - 3] + "..."
