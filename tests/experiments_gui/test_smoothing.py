"""Smoothing values, checked against hand-computed numbers and a plain-Python reference."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gui.plots.smoothing import (
    ema,
    marker_heights,
    moving_average,
    nonfinite_points,
    nonfinite_segments,
)


def _reference_ema(values, weight):
    out, last, n = [], 0.0, 0
    for v in values:
        if not math.isfinite(v):
            out.append(math.nan)
            continue
        last = weight * last + (1 - weight) * v
        n += 1
        out.append(last / (1 - weight**n))
    return np.array(out)


def test_ema_hand_values() -> None:
    # weight 0.5 on [1, 2, 3]: raw EMA 0.5, 1.25, 2.125; debiased by 0.5, 0.75, 0.875.
    assert np.allclose(ema([1.0, 2.0, 3.0], 0.5), [1.0, 5 / 3, 17 / 7])


def test_ema_bias_correction_keeps_a_constant_constant() -> None:
    assert np.allclose(ema(np.full(50, 7.0), 0.9), 7.0)


def test_ema_weight_zero_is_identity() -> None:
    y = np.array([3.0, -1.0, np.nan, 2.0])
    assert np.array_equal(ema(y, 0.0), y, equal_nan=True)


@pytest.mark.parametrize("weight", [0.1, 0.6, 0.9, 0.99, 0.999])
def test_ema_matches_reference_over_many_blocks(weight) -> None:
    rng = np.random.default_rng(3)
    y = rng.normal(100.0, 5.0, 3000)
    y[[10, 500, 2000]] = [np.nan, np.inf, -np.inf]
    got, want = ema(y, weight), _reference_ema(y, weight)
    assert np.array_equal(np.isnan(got), np.isnan(want))
    assert np.allclose(got, want, rtol=1e-10, equal_nan=True)


@pytest.mark.parametrize("weight", [0.3, 0.999])
def test_ema_all_finite_fast_path_matches_reference(weight) -> None:
    # No NaN: the series is smoothed in place of a copy, and only its head is debiased.
    y = np.random.default_rng(4).normal(1.0, 0.3, 5000)
    assert np.allclose(ema(y, weight), _reference_ema(y, weight), rtol=1e-10)


def test_ema_does_not_spread_nan_or_inf() -> None:
    out = ema([1.0, np.nan, np.inf, 3.0], 0.5)
    assert np.isnan(out[1]) and np.isnan(out[2])
    # The non-finite points are skipped: 3.0 is the second finite value.
    assert out[3] == pytest.approx((0.25 + 1.5) / 0.75)


def test_ema_rejects_bad_weight() -> None:
    with pytest.raises(ValueError):
        ema([1.0], 1.0)


def test_moving_average_in_points() -> None:
    assert np.allclose(moving_average([1, 2, 3, 4, 5], 2), [1, 1.5, 2.5, 3.5, 4.5])
    out = moving_average([1, 2, np.nan, 4, 5], 2)
    assert np.allclose(out, [1, 1.5, np.nan, 4, 4.5], equal_nan=True)


def test_moving_average_in_x_units() -> None:
    # steps 0, 10, 20, 30: a window of 15 steps covers the point and the one before.
    out = moving_average([1.0, 3.0, 5.0, 7.0], 15, x=[0, 10, 20, 30])
    assert np.allclose(out, [1, 2, 4, 6])


def test_nonfinite_points_and_marker_heights() -> None:
    y = np.array([1.0, np.nan, 2.0, np.inf, -np.inf])
    idx, kinds = nonfinite_points(y)
    assert idx.tolist() == [1, 3, 4]
    assert kinds.tolist() == ["nan", "+inf", "-inf"]
    assert marker_heights(np.array([1.0, np.nan, 2.0, np.nan, np.nan]), idx).tolist() == [1, 2, 2]


def test_nonfinite_segments_collapse_runs_of_one_kind() -> None:
    y = np.array([1.0, np.nan, np.nan, np.nan, 2.0, np.inf, np.inf, np.nan, 3.0])
    starts, kinds, counts = nonfinite_segments(y)
    assert starts.tolist() == [1, 5, 7]
    assert kinds.tolist() == ["nan", "+inf", "nan"]
    assert counts.tolist() == [3, 2, 1]
