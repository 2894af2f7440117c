"""Lists to arrays and the comparison behind verify."""

from __future__ import annotations

import math

import numpy as np

from storage._migration._inspect import inspect_bytes
from storage._migration._values import Stats, differences, numeric_array, to_arrays


def test_numeric_array_rules() -> None:
    assert numeric_array([1, 2, 3]).dtype == np.int64
    assert numeric_array([1, 2.5]).dtype == np.float64
    assert numeric_array([True, False]) is None
    assert numeric_array([1, "a"]) is None
    assert numeric_array([10**30, 1]) is None
    assert numeric_array([2**60, 0.5]) is None  # 2**60 is not exact as a float
    assert numeric_array([[1, 2], [3, 4]]).shape == (2, 2)
    assert numeric_array([[1, 2], [3]]) is None


def test_to_arrays_respects_min_len_and_counts() -> None:
    stats = Stats()
    out = to_arrays({"a": list(range(8)), "b": list(range(7)), "c": [[0.5] * 4] * 2}, 8, stats)
    assert isinstance(out["a"], np.ndarray) and isinstance(out["b"], list)
    assert out["c"].shape == (2, 4)
    assert (stats.arrays, stats.elements, stats.largest) == (2, 16, 8)


def test_differences() -> None:
    assert differences([math.nan, 1.0], np.array([math.nan, 1.0])) is None
    assert differences({"a": [1, 2]}, {"a": np.array([1.0, 2.0])}) is not None
    assert differences({"a": 1}, {"a": 1.0}) == "data['a']: 1 became 1.0"
    assert differences(-0.0, 0.0) is not None
    assert differences({"a": None}, {"b": None}).startswith("data: keys differ")
    assert "[2]" in differences([1.0, 2.0, 3.0], np.array([1.0, 2.0, 4.0]))


def test_inspect_accepts_nan_and_bom() -> None:
    assert inspect_bytes(b"[NaN, 1.0]").action == "convert"
    bom = inspect_bytes(b'\xef\xbb\xbf{"a": [1, 2, 3, 4, 5, 6, 7, 8]}')
    assert bom.action == "convert" and bom.stats.arrays == 1
    assert inspect_bytes(b'{"x": Infinity}').action == "convert"
