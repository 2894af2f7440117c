"""Put prepared curves on a pyqtgraph plot, reusing items between redraws.

Reusing the items keeps live refresh cheap and the legend steady. Long curves come with a min/max
envelope built in the worker (:mod:`gui.plots.envelope`), so a frame draws about one pair
per pixel column without re-reducing the data; short ones use pyqtgraph's peak downsampling and
clip-to-view.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg

from gui.plots.envelope import Envelope, envelope_for
from gui.plots.envelope_item import EnvelopeCurveItem
from gui.plots.plot_data import Curve, GroupCurve
from gui.plots.plot_hover import HoverTarget
from gui.plots.run_colors import RunColors, group_key

RAW_ALPHA = 60
# Qt strokes wide pens through its path stroker: 10-100x slower than a cosmetic 1 px pen on a
# downsampled million-point curve. Long curves get the thin pen, short ones the bolder one.
THICK_MAX_POINTS = 20_000
# The faint raw curve under a smoothed one is a band of noise: half a pair per pixel column looks
# the same and halves its vertices.
RAW_DETAIL = 0.5
THICK_MAX_CURVES = 24
PLAIN_MAX_POINTS = 4096  # shorter curves are neither clipped nor downsampled
BAND_ALPHA = 50
LEGEND_MAX = 12  # legend entries; more runs are named in the summary table beside the plot
SYMBOLS = {"nan": "x", "+inf": "t1", "-inf": "t"}  # t1 points up, t points down


class CurveDrawer:
    """Owns the plot's data items; ``draw`` replaces what is shown."""

    def __init__(self, plot: pg.PlotItem, legend: pg.LegendItem, colors: RunColors) -> None:
        self._plot, self._legend, self._colors = plot, legend, colors
        self._items: dict[tuple[str, str], Any] = {}
        self.hover_targets: list[HoverTarget] = []
        self.marker_count = 0
        self._thin = False  # many curves: 1 px pens

    def draw(self, curves: Sequence[Curve], groups: Sequence[GroupCurve], options: Any) -> None:
        """Replace what is shown, all at once (see :meth:`draw_steps` for the batched form)."""
        for _ in self.draw_steps(curves, groups, options):
            pass

    def draw_steps(self, curves: Sequence[Curve], groups: Sequence[GroupCurve],
                   options: Any) -> Iterator[None]:
        """Replace what is shown, yielding after each curve or group.

        Creating a curve item costs 1-3 ms; 158 runs at once blocked the window for half a
        second. The plot panel runs these steps in slices between events. A newer draw may drop
        this one half-way: its last step removes whatever it did not reuse.
        """
        used: set[tuple[str, str]] = set()
        self._legend.clear()
        self.hover_targets = []
        self.marker_count = 0
        entries = 0
        # Wide pens go through Qt's path stroker: 158 runs at 2 px took 100-160 ms per frame
        # (every hover and zoom). Many curves: thin pens, each frame about a third of that.
        self._thin = (len(groups) if groups else len(curves)) > THICK_MAX_CURVES
        if groups:
            for group in groups:
                entries += self._draw_group(group, used, entries < LEGEND_MAX, options.log_y)
                yield
        else:
            smoothing = options.smoothing.method != "none"
            for curve in curves:
                if curve.error is None:
                    entries += self._draw_run(curve, smoothing, options.show_raw, used,
                                              entries < LEGEND_MAX)
                    yield
        if entries > LEGEND_MAX:
            # 158 entries covered the plot; the table beside it lists every run with its colour.
            self._legend.addItem(pg.PlotDataItem(pen=None),
                                 f"... and {entries - LEGEND_MAX} more (see the table)")
        for key in [k for k in self._items if k not in used]:
            self._plot.removeItem(self._items.pop(key))

    def item(self, run_id: str, role: str) -> Any:
        """The item drawing ``role`` ("main", "raw", "bad", "mean", "band") of a run or group."""
        return self._items.get((run_id, role))

    def _draw_run(self, c: Curve, smoothing: bool, show_raw: bool, used: set,
                  legend: bool) -> int:
        color = self._colors.hex(c.run_id)
        if smoothing and show_raw:
            raw_pen = pg.mkPen(self._colors.qcolor(c.run_id, RAW_ALPHA), width=1)
            self._curve((c.run_id, "raw"), c.x, c.raw, raw_pen, used, c.envelopes.get("raw"),
                        detail=RAW_DETAIL)
        main = self._curve((c.run_id, "main"), c.x, c.smoothed, self._pen(color, c.x.size), used,
                           c.envelopes.get("smoothed"))
        if legend:
            self._legend.addItem(main, c.label)
        self.hover_targets.append(HoverTarget(c.label, c.x, c.raw if not smoothing else c.smoothed))
        if c.bad_x.size:
            self._markers(c, color, used)
        return 1

    def _markers(self, c: Curve, color: str, used: set) -> None:
        key = (c.run_id, "bad")
        symbols = [SYMBOLS[str(k)] for k in c.bad_kind]
        item = self._items.get(key)
        if item is None:
            item = MarkerItem(pen=None, symbolSize=11)
            item.setZValue(50)
            self._plot.addItem(item)
            self._items[key] = item
        item.setData(c.bad_x, c.bad_y, symbol=symbols, symbolPen=pg.mkPen("#b00020", width=2),
                     symbolBrush=pg.mkBrush(color))
        used.add(key)
        self.marker_count += int(c.bad_x.size)
        notes = [f"{k}" + (f" ({n} points from here)" if n > 1 else "")
                 for k, n in zip(c.bad_kind.tolist(), c.bad_count.tolist(), strict=True)]
        self.hover_targets.append(HoverTarget(c.label, c.bad_x, c.bad_y, notes))

    def _draw_group(self, g: GroupCurve, used: set, legend: bool, log_y: bool) -> int:
        color_key = group_key(g.name)
        pen = self._pen(self._colors.hex(color_key), g.x.size)
        edge = pg.mkPen(self._colors.qcolor(color_key, 0))
        env = g.envelopes
        low_y, low_env = _band_floor(g, env.get("low")) if log_y else (g.low, env.get("low"))
        low = self._curve((color_key, "low"), g.x, low_y, edge, used, low_env)
        high = self._curve((color_key, "high"), g.x, g.high, edge, used, env.get("high"))
        mean = self._curve((color_key, "mean"), g.x, g.mean, pen, used, env.get("mean"))
        key = (color_key, "band")
        band = self._items.get(key)
        if band is None:
            # Filled between the inner curves, which re-emit on every change of what is shown
            # (log y, zoom over an envelope); the PlotDataItems signal only new data, so a band
            # built on them kept linear values on a log axis and log values after it.
            band = pg.FillBetweenItem(low.curve, high.curve,
                                      brush=self._colors.qcolor(color_key, BAND_ALPHA))
            band.setZValue(-10)
            self._plot.addItem(band)
            self._items[key] = band
        used.add(key)
        label = f"{g.name} ({len(g.run_ids)} run{'s' if len(g.run_ids) != 1 else ''})"
        if legend:
            self._legend.addItem(mean, label)
        self.hover_targets.append(HoverTarget(f"{label} mean", g.x, g.mean))
        return 1

    def _pen(self, color: str, points: int) -> pg.QtGui.QPen:
        return pg.mkPen(color, width=1 if self._thin or points > THICK_MAX_POINTS else 2)

    def _curve(self, key: tuple[str, str], x: np.ndarray, y: np.ndarray, pen: Any, used: set,
               envelope: Envelope | None = None, detail: float = 1.0) -> pg.PlotDataItem:
        item = self._items.get(key)
        if item is None:
            # One min/max pair per pixel column keeps every peak (pyqtgraph's default is 5 per
            # column, 5x the vertices for the same picture).
            item = EnvelopeCurveItem(connect="finite", antialias=False, autoDownsampleFactor=1.0,
                                     detail=detail)
            self._plot.addItem(item)
            self._items[key] = item
        # Mid-length curves (no envelope): pyqtgraph's peak downsampling and clip-to-view. Short
        # ones are drawn whole: re-clipping them on every view change cost ~1 ms per curve for
        # nothing, 160 ms per frame with 158 runs. Set after addItem, which imposes the plot's
        # own modes.
        plain = envelope is None and x.size <= PLAIN_MAX_POINTS
        item.setDownsampling(ds=1, auto=not plain, method="peak")
        item.setClipToView(not plain)
        item.setPen(pen)
        item.set_curve(x, y, envelope)
        used.add(key)
        return item


def _band_floor(g: GroupCurve, envelope: Envelope | None) -> tuple[np.ndarray, Envelope | None]:
    """The band's lower edge on a log axis: values <= 0 (mean - std of skewed runs) have no
    logarithm, and the fill jumped across the gap to the next positive point. They rest on the
    group's smallest positive value instead: the band runs to the bottom of the data."""
    below = np.isfinite(g.low) & ~(g.low > 0)
    if not below.any():
        return g.low, envelope
    positive = [v[v > 0] for v in (g.low, g.mean, g.high)]
    floors = [float(p.min()) for p in positive if p.size]
    if not floors:
        return g.low, envelope
    low = np.where(below, min(floors), g.low)
    return low, envelope_for(g.x, low)


class MarkerItem(pg.PlotDataItem):
    """NaN/Inf markers: a few points with one symbol each, never clipped or downsampled.

    Clipping to the view dropped points but kept the per-point symbol list, and pyqtgraph raised
    "Number of symbols does not match number of points" on zoom (the markers vanished). The
    plot's menu re-applies its clip and downsampling modes to every item: ignored here.
    """

    def setClipToView(self, state: bool) -> None:  # noqa: N802 - pyqtgraph's name
        super().setClipToView(False)

    def setDownsampling(self, *args: Any, **kwargs: Any) -> None:  # noqa: N802
        super().setDownsampling(ds=1, auto=False)
