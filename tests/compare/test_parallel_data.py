"""Parallel-coordinates geometry (no widgets): log and categorical axes, NaN and missing, brushes
back to the filter language."""

from __future__ import annotations

import math

import numpy as np

from gui.compare.parallel_data import MISSING_Y, NAN_Y, Axis, brush_mask, color_groups
from storage._experiments._compare import PARAM, make_column


def test_log_axis_round_trips_values() -> None:
    axis = Axis.of(make_column("lr", [1e-4, 1e-3, 1e-2, None, math.nan], PARAM))
    assert axis.log and np.allclose(axis.y[:3], [0.0, 0.5, 1.0])
    assert axis.y[3] == MISSING_Y and axis.y[4] == NAN_Y
    assert math.isclose(axis.value_at(0.5), 1e-3)
    assert axis.filter_text(0.5, 1.05) == "lr >= 0.001"
    assert axis.filter_text(-0.3, 0.5) == "lr <= 0.001"
    assert axis.filter_text(-0.3, 1.05) == ""
    linear = Axis.of(make_column("lr", [1e-4, 1e-3, 1e-2], PARAM), log=False)
    assert not linear.log and math.isclose(linear.value_at(1.0), 1e-2)


def test_categorical_axis_and_filter() -> None:
    axis = Axis.of(make_column("opt", ["sgd", "adam", None, "lamb"], PARAM))
    assert axis.categories == ["adam", "lamb", "sgd"]
    assert list(axis.y) == [1.0, 0.0, MISSING_Y, 0.5]
    assert axis.filter_text(0.4, 1.05) == 'opt in ("lamb", "sgd")'
    assert axis.filter_text(-0.3, 1.05) == ""


def test_brush_mask_and_colour_bands() -> None:
    a = Axis.of(make_column("a", [0.0, 1.0, 2.0, 3.0], PARAM))
    b = Axis.of(make_column("b", ["x", "y", "x", "y"], PARAM))
    assert list(brush_mask([a, b], {0: (0.3, 1.0)})) == [False, True, True, True]
    assert list(brush_mask([a, b], {0: (0.3, 1.0), 1: (0.9, 1.0)})) == [False, True, False, True]
    assert list(color_groups(np.array([0.0, 0.5, 1.0, np.nan]), 4)) == [0, 2, 3, 4]
