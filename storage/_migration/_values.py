"""Values of a parsed JSON document: lists of numbers to numpy arrays, and comparison for verify.

Only lists whose every item is an int or a float (never a bool) become arrays, and only when no
value changes: ints must fit int64, and a list mixing ints and floats becomes float64 only when
every int is exactly representable (|i| <= 2**53). Rectangular lists of such lists become 2-D.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

_EXACT_FLOAT_INT = 2**53


@dataclass
class Stats:
    """What :func:`to_arrays` found: arrays made, their elements, markers and foreign formats."""

    arrays: int = 0
    elements: int = 0
    largest: int = 0
    has_inf: bool = False


def to_arrays(value: Any, min_len: int, stats: Stats) -> Any:
    """Return a copy of ``value`` with qualifying lists replaced by numpy arrays."""
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            result[key] = to_arrays(item, min_len, stats)
        return result
    if isinstance(value, list):
        nested = bool(value) and type(value[0]) is list  # rows: judge by total size
        arr = numeric_array(value) if len(value) >= min_len or nested else None
        if arr is not None and arr.size >= min_len:
            stats.arrays += 1
            stats.elements += arr.size
            stats.largest = max(stats.largest, arr.size)
            if arr.dtype.kind == "f" and not stats.has_inf and np.isinf(arr).any():
                stats.has_inf = True
            return arr
        out = []  # a loop, not a comprehension: one frame per nesting level, not two
        for item in value:
            out.append(to_arrays(item, min_len, stats))
        return out
    if isinstance(value, float) and math.isinf(value):
        stats.has_inf = True
    return value


def numeric_array(items: list) -> np.ndarray | None:
    """``items`` as an int64 / float64 array (1-D, or 2-D for rectangular rows), else None."""
    if not items:
        return None
    kinds = set(map(type, items))
    if kinds <= {int, float}:
        return _flat_array(items, float in kinds, int in kinds)
    if kinds == {list}:
        rows = [numeric_array(row) if row else None for row in items]
        if any(r is None or r.ndim != 1 for r in rows) or len({r.shape for r in rows}) != 1:
            return None
        if any(r.dtype.kind == "f" for r in rows):
            if any(r.dtype.kind == "i" and np.abs(r).max() > _EXACT_FLOAT_INT for r in rows):
                return None
            return np.stack(rows).astype(np.float64)
        return np.stack(rows)
    return None


def _flat_array(items: list, has_float: bool, has_int: bool) -> np.ndarray | None:
    if has_float:
        if has_int and any(type(x) is int and abs(x) > _EXACT_FLOAT_INT for x in items):
            return None
        return np.array(items, dtype=np.float64)
    try:
        return np.array(items, dtype=np.int64)
    except OverflowError:  # an int beyond int64 stays a Python int, exactly
        return None


def differences(original: Any, loaded: Any, where: str = "data") -> str | None:
    """Describe the first place where ``loaded`` differs from ``original``; None when equal.

    Arrays are compared element by element with NaN equal to NaN; scalars keep their type
    (an int read back as a float is a difference).
    """
    if isinstance(original, dict):
        return _dict_differences(original, loaded, where)
    if isinstance(original, list):
        if isinstance(loaded, np.ndarray):
            return _array_differences(original, loaded, where)
        if not isinstance(loaded, list | tuple) or len(loaded) != len(original):
            return f"{where}: a list of {len(original)} items became {_describe(loaded)}"
        for i, (a, b) in enumerate(zip(original, loaded, strict=True)):
            diff = differences(a, b, f"{where}[{i}]")
            if diff:
                return diff
        return None
    return _scalar_differences(original, loaded, where)


def _dict_differences(original: dict, loaded: Any, where: str) -> str | None:
    if not isinstance(loaded, dict):
        return f"{where}: an object became {_describe(loaded)}"
    if set(original) != set(loaded):
        missing = sorted(map(str, set(original) - set(loaded)))[:3]
        extra = sorted(map(str, set(loaded) - set(original)))[:3]
        return f"{where}: keys differ (missing {missing}, unexpected {extra})"
    for key, value in original.items():
        diff = differences(value, loaded[key], f"{where}[{key!r}]")
        if diff:
            return diff
    return None


def _array_differences(original: list, loaded: np.ndarray, where: str) -> str | None:
    expected = numeric_array(original)
    if expected is None:
        return f"{where}: a list that is not uniformly numeric became an array"
    if expected.shape != loaded.shape:
        return f"{where}: shape {expected.shape} became {loaded.shape}"
    if (expected.dtype.kind == "i") != (loaded.dtype.kind in "iu"):
        return f"{where}: dtype {expected.dtype} became {loaded.dtype}"
    same = np.array_equal(expected, loaded, equal_nan=expected.dtype.kind == "f")
    if not same:
        bad = np.argwhere(~_eq(expected, loaded))[0]
        idx = tuple(int(i) for i in bad)
        return f"{where}{list(idx)}: {expected[idx]!r} became {loaded[idx]!r}"
    return None


def _eq(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    same = a == b
    if a.dtype.kind == "f" and b.dtype.kind == "f":
        same |= np.isnan(a) & np.isnan(b)
    return same


def _scalar_differences(original: Any, loaded: Any, where: str) -> str | None:
    if isinstance(loaded, np.generic):
        loaded = loaded.item()
    if original is None or isinstance(original, bool):
        ok = loaded is original or (isinstance(loaded, bool) and loaded == original)
    elif isinstance(original, int):
        ok = isinstance(loaded, int) and not isinstance(loaded, bool) and loaded == original
    elif isinstance(original, float):
        ok = isinstance(loaded, float) and (
            (loaded == original and math.copysign(1, loaded) == math.copysign(1, original))
            or (math.isnan(original) and math.isnan(loaded)))
    else:
        ok = type(loaded) is type(original) and loaded == original
    return None if ok else f"{where}: {original!r} became {loaded!r}"


def _describe(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return f"a {type(value).__name__}"
