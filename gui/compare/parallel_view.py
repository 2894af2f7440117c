"""Parallel coordinates of the compared runs (pyqtgraph), brushable.

Lines are drawn as a few ``PlotCurveItem``s, one per colour band of the metric, each holding all
its runs as one array with ``connect`` flags: 10,000 runs are 9 items, not 10,000 (a curve item
per run took ~4 s to draw at that size; see bench/bench_compare.py). Runs outside the brushes
go to one grey item underneath.

Each axis has a brush (a horizontal region, full height at first); dragging its ends narrows
the runs at once and, when released, emits ``brushed(filter_text, field)`` in the search panel's
filter language.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui.compare.parallel_data import (
    MISSING_Y,
    NAN_Y,
    Axis,
    brush_mask,
    color_groups,
    polylines,
)

BANDS = 8
MAX_PARAM_AXES = 7
FULL = (MISSING_Y - 0.05, 1.05)  # a brush this wide lets every run through
_CMAP = pg.colormap.get("viridis")
# Opaque, aliased pens drawn as separate segments (QPainter.drawLines): stroking one path of
# 10,000 polylines with drawPath took 0.3-0.7 s per frame for 2,000 runs; segments take ms.
LINE_OPTIONS = {"antialias": False, "skipFiniteCheck": True}


class ParallelView(QWidget):
    brushed = Signal(str, str)  # filter text (may be ''), the axis' field name
    drawn = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table: Any = None
        self.axes: list[Axis] = []
        self.params: list[str] = []
        self.log_names: set[str] = set()
        self.linear_names: set[str] = set()
        self.brushes: dict[int, tuple[float, float]] = {}
        self.kept = np.zeros(0, dtype=bool)
        self.plot = pg.PlotWidget(self, background="w")
        self.plot.hideAxis("left")
        self.plot.hideAxis("bottom")
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.metric_box = QComboBox(self, toolTip="The metric: the last axis, and the lines' colour")
        self.axes_button = QToolButton(self, text="Axes", toolTip="Which settings get an axis",
                                       popupMode=QToolButton.ToolButtonPopupMode.InstantPopup)
        self.log_button = QToolButton(self, text="Log scale",
                                      popupMode=QToolButton.ToolButtonPopupMode.InstantPopup)
        self.clear_button = QPushButton("Clear brushes", self)
        self.caption = QLabel(self)
        bar = QHBoxLayout()
        for w in (QLabel("Metric:", self), self.metric_box, self.axes_button, self.log_button,
                  self.clear_button):
            bar.addWidget(w)
        bar.addWidget(self.caption, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(bar)
        box.addWidget(self.plot, 1)
        self._lines: list[pg.PlotCurveItem] = []
        self._regions: list[pg.LinearRegionItem] = []
        self.metric_box.currentTextChanged.connect(lambda _: self.rebuild())
        self.clear_button.clicked.connect(self.clear_brushes)

    # ---- content ----------------------------------------------------------------------------
    def set_table(self, table: Any, metric: str | None = None) -> None:
        self.table = table
        metrics = table.names(role="metric", numeric=True)
        varying = [c.name for c in table.columns if c.role == "param"]
        self.params = varying[:MAX_PARAM_AXES]
        self.metric_box.blockSignals(True)
        self.metric_box.clear()
        self.metric_box.addItems(metrics)
        if metric in metrics:
            self.metric_box.setCurrentText(metric)
        self.metric_box.blockSignals(False)
        self._fill_menus()
        self.rebuild()

    def _fill_menus(self) -> None:
        axes_menu, log_menu = QMenu(self), QMenu(self)
        for name in self.table.names(role="param"):
            action = axes_menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(name in self.params)
            action.toggled.connect(lambda on, n=name: self.show_axis(n, on))
        for name in self.table.names(numeric=True):
            action = log_menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(name in self.log_names)
            action.toggled.connect(lambda on, n=name: self.set_log(n, on))
        self.axes_button.setMenu(axes_menu)
        self.log_button.setMenu(log_menu)

    # ---- user actions (public: tests, the window's random walk) -------------------------------
    def show_axis(self, name: str, shown: bool = True) -> None:
        if shown and name not in self.params:
            self.params.append(name)
        elif not shown and name in self.params:
            self.params.remove(name)
        self.rebuild()

    def set_log(self, name: str, log: bool = True) -> None:
        """Show a numeric axis logarithmically (only positive values) or linearly."""
        (self.log_names.add if log else self.log_names.discard)(name)
        (self.linear_names.discard if log else self.linear_names.add)(name)
        self.rebuild()

    def brush(self, axis: int, low: float, high: float, emit: bool = True) -> None:
        """Keep the runs whose line crosses ``axis`` within low..high (0..1 units)."""
        self._regions[axis].blockSignals(True)
        self._regions[axis].setRegion((low, high))
        self._regions[axis].blockSignals(False)
        self._brush_changed(axis, emit)

    def clear_brushes(self) -> None:
        for i in list(self.brushes):
            self.brush(i, *FULL)

    def axis_index(self, name: str) -> int:
        return [a.name for a in self.axes].index(name)

    # ---- drawing ----------------------------------------------------------------------------
    def rebuild(self) -> None:
        """New axes (table, metric, axes or scales changed): brushes start over."""
        self.plot.clear()
        self._lines, self._regions, self.brushes = [], [], {}
        metric = self.metric_box.currentText()
        if self.table is None or not len(self.table):
            self.axes = []
            self.drawn.emit()
            return
        names = [n for n in self.params if n != metric] + ([metric] if metric else [])
        self.axes = [Axis.of(self.table.column(n), self._log_choice(n)) for n in names]
        self.kept = np.ones(len(self.table), dtype=bool)
        self._draw_axes()
        self._draw_lines()
        self.plot.setXRange(-0.1, len(self.axes) - 0.4, padding=0)
        self.plot.setYRange(MISSING_Y - 0.08, 1.12, padding=0)
        self.caption.setText(f"{len(self.table)} runs; colour: {metric or '-'} "
                             f"(dark low, yellow high, grey NaN)")

    def _log_choice(self, name: str) -> bool | None:
        return True if name in self.log_names else False if name in self.linear_names else None

    def _draw_axes(self) -> None:
        k = len(self.axes)
        for i, axis in enumerate(self.axes):
            self.plot.addItem(pg.InfiniteLine(i, angle=90, pen=pg.mkPen("#444", width=1)))
            label = axis.name + (" (log)" if axis.log else "")
            self._text(label, i, 1.1, bold=True)
            for y, text in axis.tick_texts():
                self._text(text, i, y)
            if (axis.y == NAN_Y).any():
                self._text("NaN", i, NAN_Y, color="#a33")
            if (axis.y == MISSING_Y).any():
                self._text("missing", i, MISSING_Y, color="#888")
            region = pg.LinearRegionItem(FULL, orientation="horizontal",
                                         brush=pg.mkBrush(80, 120, 200, 30),
                                         span=_span(i, k))
            region.setToolTip("Drag the ends to keep only runs in this range (a search filter)")
            region.sigRegionChanged.connect(lambda _r, n=i: self._brush_changed(n, False))
            region.sigRegionChangeFinished.connect(lambda _r, n=i: self._brush_changed(n, True))
            self.plot.addItem(region)
            self._regions.append(region)

    def _text(self, text: str, x: float, y: float, bold: bool = False,
              color: str = "#222") -> None:
        item = pg.TextItem(text, color=color, anchor=(0, 0.5))
        if bold:
            item.setHtml(f"<b>{text}</b>")
        item.setPos(x + 0.02, y)
        self.plot.addItem(item)

    def _draw_lines(self) -> None:
        metric = self.axes[-1].y if self.axes else np.zeros(0)
        raw = self.table.column(self.metric_box.currentText()).values if self.metric_box.currentText() \
            else metric
        self._groups = color_groups(np.asarray(raw, dtype=float), BANDS)
        grey = _curve(pg.mkPen(225, 225, 225, width=0))
        self.plot.addItem(grey)
        self._lines = [grey]
        for band in range(BANDS + 1):
            color = (150, 150, 150) if band == BANDS else \
                _CMAP.map((band + 0.5) / BANDS, mode="qcolor")
            curve = _curve(pg.mkPen(color, width=0))
            self.plot.addItem(curve)
            self._lines.append(curve)
        self._update_lines()

    def _update_lines(self) -> None:
        rows = np.arange(len(self.kept))
        x, y, c = polylines(self.axes, rows[~self.kept])
        self._lines[0].setData(x, y, connect=c)
        for band, curve in enumerate(self._lines[1:]):
            x, y, c = polylines(self.axes, rows[self.kept & (self._groups == band)])
            curve.setData(x, y, connect=c)
        self.drawn.emit()

    def _brush_changed(self, axis: int, finished: bool) -> None:
        low, high = self._regions[axis].getRegion()
        if low <= FULL[0] + 1e-9 and high >= FULL[1] - 1e-9:
            self.brushes.pop(axis, None)
        else:
            self.brushes[axis] = (low, high)
        self.kept = brush_mask(self.axes, self.brushes)
        self._update_lines()
        if finished:
            name = self.axes[axis].name
            text = self.axes[axis].filter_text(*self.brushes.get(axis, (0.0, 1.0)))
            self.brushed.emit(text, name)


def _curve(pen: object) -> pg.PlotCurveItem:
    curve = pg.PlotCurveItem(pen=pen, **LINE_OPTIONS)
    curve.setSegmentedLineMode("on")
    return curve


def _span(i: int, k: int) -> tuple[float, float]:
    """Axis ``i``'s brush width as fractions of the view (x from -0.1 to k - 0.4)."""
    centre = (i + 0.1) / (k - 0.3)
    half = 0.05 / max(k - 0.3, 0.7) * 1.5
    return centre - half, centre + half
