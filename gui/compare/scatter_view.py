"""Scatter of any setting against any metric, coloured by a third field.

Strings go on an axis as evenly spaced categories (with their names as ticks); runs missing x or
y, or with a NaN there, are left out and counted in the caption. Hovering names the run; a click
emits ``run_clicked(id)`` and the Experiments tab selects it everywhere.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from gui.compare.parallel_data import color_groups
from gui.layouts import column, hbox, refill

BANDS = 8
_CMAP = pg.colormap.get("viridis")
NO_COLOR = "(none)"


class ScatterView(QWidget):
    run_clicked = Signal(str)
    drawn = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table: Any = None
        self.rows = np.zeros(0, dtype=int)
        self.x = QComboBox(self, toolTip="Setting on the x axis")
        self.y = QComboBox(self, toolTip="Metric on the y axis")
        self.color = QComboBox(self, toolTip="Field that colours the points")
        self.hovered = QLabel(self)
        self.plot = pg.PlotWidget(self, background="w")
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        for side in ("left", "bottom"):
            self.plot.getAxis(side).enableAutoSIPrefix(False)
        # One item per colour band, each with one brush: a brush per point made pyqtgraph
        # spend ~0.3 s on 10,000 runs at every redraw.
        self.bands: list[pg.ScatterPlotItem] = []
        for color in [*_band_colors(), (170, 170, 170)]:
            item = pg.ScatterPlotItem(size=9, hoverable=True, hoverSize=13, brush=color,
                                      pen=pg.mkPen(255, 255, 255, 120),
                                      hoverPen=pg.mkPen("k", width=2))
            item.sigHovered.connect(self._hovered)
            item.sigClicked.connect(self._clicked)
            self.plot.addItem(item)
            self.bands.append(item)
        bar = hbox(QLabel("x:", self), self.x, QLabel("y:", self), self.y,
                   QLabel("colour:", self), self.color, self.hovered, stretch=self.hovered)
        column(self, bar, self.plot, stretch=self.plot)
        for combo in (self.x, self.y, self.color):
            combo.currentTextChanged.connect(lambda _: self.redraw())

    def set_table(self, table: Any, metric: str | None = None) -> None:
        self.table = table
        params = [c.name for c in table.columns if c.role == "param"] or table.names("param")
        metrics = table.names(role="metric", numeric=True)
        for combo, names in ((self.x, params), (self.y, metrics),
                             (self.color, [NO_COLOR] + table.names())):
            refill(combo, names)
        if metric in metrics:
            self.y.setCurrentText(metric)
        if len(params) > 1:
            self.color.setCurrentText(params[1])
        self.redraw()

    # ---- user actions -------------------------------------------------------------------------
    def choose(self, x: str | None = None, y: str | None = None, color: str | None = None) -> None:
        for combo, name in ((self.x, x), (self.y, y), (self.color, color)):
            if name is not None:
                combo.setCurrentText(name)

    def click_run(self, run_id: str) -> None:
        """As a click on that run's point."""
        self.run_clicked.emit(run_id)

    # ---- drawing ----------------------------------------------------------------------------
    def redraw(self) -> None:
        for item in self.bands:
            item.clear()
        if self.table is None or not self.x.currentText() or not self.y.currentText():
            self.drawn.emit()
            return
        x, x_ticks = self._positions(self.x.currentText())
        y, _ = self._positions(self.y.currentText())
        x_log = not x_ticks and _wide_positive(x)
        if x_log:  # learning rates: 1e-4 and 1e-2 would share the left edge
            with np.errstate(divide="ignore", invalid="ignore"):
                x = np.log10(x)
        ok = np.isfinite(x) & np.isfinite(y)
        self.rows = np.flatnonzero(ok)
        groups = self._groups()
        for band, item in enumerate(self.bands):
            rows = self.rows[groups[self.rows] == band]
            item.setData(x=x[rows], y=y[rows], data=rows)
        bottom = self.plot.getAxis("bottom")
        bottom.setTicks([x_ticks] if x_ticks else None)
        self.plot.setLabel("bottom", self.x.currentText() + (" (log10)" if x_log else ""))
        self.plot.setLabel("left", self.y.currentText())
        left_out = len(self.table) - len(self.rows)
        color = self.color.currentText()
        legend = "" if color in ("", NO_COLOR) else \
            f"; colour: {color} (dark low, yellow high, grey missing)"
        self.hovered.setText(f"{len(self.rows)} runs" + (f" ({left_out} without both values)"
                                                          if left_out else "") + legend)
        self.drawn.emit()

    def _positions(self, name: str) -> tuple[np.ndarray, list[tuple[float, str]]]:
        column = self.table.column(name)
        if column.numeric:
            return column.values.astype(float), []
        cats = column.categories()
        pos = {c: float(i) for i, c in enumerate(cats)}
        values = np.array([np.nan if v is None else pos[str(v)] for v in column.values])
        return values, [(i, c) for i, c in enumerate(cats)]

    def _groups(self) -> np.ndarray:
        """Each run's colour band by the colour field (one band when there is none)."""
        name = self.color.currentText()
        if name in ("", NO_COLOR):
            return np.zeros(len(self.table), dtype=int)
        values, _ = self._positions(name)
        return color_groups(values, BANDS)

    def _hovered(self, _item: Any, points: Any, _event: Any = None) -> None:
        if len(points):
            row = int(points[0].data())
            column = self.y.currentText()
            self.hovered.setText(f"{self.table.ids[row]}: {column} = "
                                 f"{self.table.column(column).text(row)}")

    def _clicked(self, _item: Any, points: Any, _event: Any = None) -> None:
        if len(points):
            self.run_clicked.emit(self.table.ids[int(points[0].data())])


def _band_colors() -> list[tuple[int, int, int]]:
    return [tuple(_CMAP.map((b + 0.5) / BANDS, mode="byte")[:3]) for b in range(BANDS)]


def _wide_positive(values: np.ndarray) -> bool:
    """Positive values spanning a factor of 100 or more: shown on a log axis."""
    finite = values[np.isfinite(values)]
    return bool(len(finite)) and bool((finite > 0).all()) and finite.max() / finite.min() >= 100
