"""Min/max envelopes of long curves: exact values per group, NaN gaps, and the curve item."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from gui.plots.envelope import BASE, MIN_POINTS, Envelope, envelope_for


def _series(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    y = np.random.default_rng(seed).normal(0.0, 1.0, n)
    y[1000:2000] = np.nan  # a gap longer than the coarsest group of these tests
    y[5003] = np.nan  # one NaN inside a block
    return np.arange(n, dtype=np.float64), y


def _check_pairs(env: Envelope, xs: np.ndarray, ys: np.ndarray) -> None:
    """Every pair is the min and max of the points from its x up to the next pair's x."""
    starts = xs[0::2].astype(np.int64)
    step = int(starts[1] - starts[0])
    for g, start in enumerate(starts):
        chunk = env.y[start:start + step]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN chunks
            want = (np.nanmin(chunk), np.nanmax(chunk))
        np.testing.assert_array_equal(ys[2 * g:2 * g + 2], want)


@pytest.mark.parametrize("n", [100_000, 123_457])
@pytest.mark.parametrize("pixels", [300, 1000, 3000])
def test_window_of_the_whole_curve_is_exact(n, pixels) -> None:
    env = Envelope(*_series(n))
    xs, ys = env.window(0, n - 1, pixels)
    assert pixels <= xs.size // 2 <= 2 * pixels + 2  # one or two pairs per pixel column
    assert xs[0] == 0 and xs[-1] >= n - 1 - (xs[2] - xs[0])
    _check_pairs(env, xs, ys)
    assert np.isnan(ys).any() and np.isfinite(ys).sum() > ys.size * 0.9  # the gap stays a gap


@pytest.mark.parametrize(("x0", "x1"), [(20_000, 60_000), (999.5, 1200.2), (90_000, 99_999)])
def test_window_of_a_zoomed_view(x0, x1) -> None:
    env = Envelope(*_series(100_000, seed=1))
    xs, ys = env.window(x0, x1, 800)
    assert xs[0] <= x0 and xs[-1] >= min(x1, 99_999) - (xs[-1] - xs[-3] if xs.size > 3 else 0)
    if xs.size <= 2 * 800 and np.all(np.diff(xs) == 1):  # zoomed in: the points themselves
        np.testing.assert_array_equal(ys, env.y[int(xs[0]):int(xs[-1]) + 1])
    else:
        _check_pairs(env, xs, ys)


def test_zoomed_in_shows_the_points_with_one_beyond_each_edge() -> None:
    x, y = _series(50_000)
    env = Envelope(x, y)
    xs, ys = env.window(2000.5, 2100.5, 800)
    np.testing.assert_array_equal(xs, x[2000:2102])
    np.testing.assert_array_equal(ys, y[2000:2102])


def test_groups_are_anchored_so_panning_does_not_shimmer() -> None:
    env = Envelope(*_series(200_000))
    a = env.window(10_000, 110_000, 500)
    b = env.window(10_320, 110_320, 500)
    common = np.intersect1d(a[0][0::2], b[0][0::2])
    assert common.size > 400
    pick_a = np.isin(a[0][0::2], common)
    pick_b = np.isin(b[0][0::2], common)
    np.testing.assert_array_equal(a[1][0::2][pick_a], b[1][0::2][pick_b])


def test_pyramid_levels_and_irregular_x() -> None:
    n = 70_001
    x = np.cumsum(np.random.default_rng(2).uniform(0.5, 2.0, n))  # wall time: uneven steps
    y = np.sin(x / 500.0)
    env = Envelope(x, y)
    assert env.levels[0][0] == BASE and all(b == BASE * 2 ** i for i, (b, _, _) in
                                            enumerate(env.levels))
    block, lo, hi = env.levels[0]
    assert lo.size == -(-n // block) and lo[-1] == y[(lo.size - 1) * block:].min()
    xs, ys = env.window(x[0], x[-1], 700)
    assert xs.size <= 4 * 700 + 4 and ys.max() == y.max() and ys.min() == y.min()


def test_envelope_for_only_long_ascending_curves() -> None:
    x = np.arange(MIN_POINTS, dtype=np.float64)
    assert envelope_for(x[:-1], x[:-1]) is None  # short
    assert envelope_for(x[::-1].copy(), x) is None  # descending x
    bad = x.copy()
    bad[10] = np.nan
    assert envelope_for(bad, x) is None
    assert isinstance(envelope_for(x, x), Envelope)


def test_curve_item_draws_the_envelope_and_keeps_the_data(qtbot) -> None:
    import pyqtgraph as pg

    from gui.plots.envelope_item import EnvelopeCurveItem

    widget = pg.PlotWidget()
    widget.resize(900, 500)
    qtbot.addWidget(widget)
    widget.show()
    x, y = _series(400_000)
    y = np.abs(y) + 0.1
    item = EnvelopeCurveItem(connect="finite")
    widget.addItem(item)
    item.set_curve(x, y, envelope_for(x, y))
    widget.getPlotItem().getViewBox().autoRange()
    qtbot.wait(10)
    ox, oy = item.getOriginalDataset()
    assert ox.size == 400_000
    np.testing.assert_array_equal(oy, y)
    sx, sy = item.getData()
    assert sx.size <= 4 * widget.width() + 4 and np.nanmax(sy) == np.nanmax(y)
    widget.getPlotItem().getViewBox().setXRange(300_000, 300_200, padding=0)
    sx, sy = item.getData()
    np.testing.assert_array_equal(sy, y[int(sx[0]):int(sx[-1]) + 1])
    assert sx[0] <= 300_000 and sx[-1] >= 300_200
    widget.getPlotItem().setLogMode(y=True)
    widget.getPlotItem().getViewBox().setXRange(300_000, 300_200, padding=0)
    _, log_y = item.getData()
    np.testing.assert_allclose(log_y, np.log10(y[int(sx[0]):int(sx[-1]) + 1]))


def test_grid_lines_are_opaque_and_under_the_curves(qtbot) -> None:
    import pyqtgraph as pg
    from PySide6.QtGui import QColor, QPainter, QPicture

    from gui.plots import grid_axis as ga

    blend, OpaqueGridAxis, AXIS_Z = ga.blend, ga.OpaqueGridAxis, ga.AXIS_Z

    assert blend(QColor(0, 0, 0, 64), QColor("white")).getRgb() == (191, 191, 191, 255)
    widget = pg.PlotWidget(axisItems=ga.opaque_axes("w"))
    qtbot.addWidget(widget)
    widget.resize(600, 400)
    widget.show()
    plot = widget.getPlotItem()
    plot.showGrid(x=True, y=True, alpha=0.25)
    ga.use_opaque_grid(plot)
    axis = plot.getAxis("left")
    assert isinstance(axis, OpaqueGridAxis) and axis.zValue() == AXIS_Z < plot.vb.zValue()
    qtbot.wait(10)
    picture = QPicture()  # kept referenced: the painter draws into it
    painter = QPainter(picture)
    try:
        _, ticks, _ = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    assert ticks and all(pen.color().alpha() == 255 for pen, _, _ in ticks)
