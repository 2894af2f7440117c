"""Curves of 1-D data (and rows or columns of N-D data), with peak downsampling.

x is the dataset index (also for a strided preview). Non-finite values cannot be drawn as points:
each run of them gets a marker (the training plots' symbols: x for NaN, triangles for +-inf) on
the curve where it is interrupted, and the note under the controls counts them.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QPushButton

from gui.browser.axis_controls import AxisControls
from gui.browser.cursor_readout import CursorReadout, index_along
from gui.browser.values import cell_text
from gui.browser.view_base import UNSUPPORTED, DataView, numeric
from gui.messages import human_bytes
from gui.plots.plot_draw import SYMBOLS
from gui.plots.smoothing import marker_heights, nonfinite_segments
from storage import NodeInfo, Source

PREVIEW_BUDGET = 64 * 1024 * 1024
FULL_BUDGET = 1024 * 1024 * 1024


class CurveView(DataView):
    title = "Curve"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.axes = AxisControls(("Along",), self)
        self.plot = pg.PlotWidget(self)
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.curve = self.plot.plot(pen=pg.mkPen("#1f5fa8", width=1.5))
        self.plot.setDownsampling(auto=True, mode="peak")  # pyqtgraph 0.14 names it "mode"
        self.plot.setClipToView(True)
        # A scatter item of its own: a PlotDataItem with one symbol per point breaks when
        # clip-to-view drops points (issue 13, "Number of symbols does not match").
        self.markers = pg.ScatterPlotItem(size=11, pen=pg.mkPen("#b00020", width=2),
                                          brush=pg.mkBrush("#1f5fa8"))
        self.markers.setZValue(50)
        self.plot.addItem(self.markers)
        self.readout = CursorReadout(self)
        self.full_button = QPushButton("Read all points", self)
        self.full_button.hide()
        self.full_button.clicked.connect(lambda: self._read(FULL_BUDGET))
        row = QHBoxLayout()
        row.addWidget(self.axes)
        row.addStretch(1)
        row.addWidget(self.full_button)
        self.layout_.addLayout(row)
        self.layout_.addWidget(self.banner)
        self.layout_.addWidget(self.plot)
        self.layout_.addWidget(self.readout)
        self.axes.changed.connect(lambda: self._read(PREVIEW_BUDGET))
        self.readout.attach(self.plot.getPlotItem(), self._value_at)
        self._x0, self._step = 0, 1

    @classmethod
    def priority(cls, node: NodeInfo) -> int:
        if not (node.is_dataset and node.shape and numeric(node) and max(node.shape) > 1):
            return UNSUPPORTED
        return 30 if len(node.shape) == 1 else 5  # the first choice for 1-D numbers

    def show_node(self, source: Source, node: NodeInfo) -> None:
        super().show_node(source, node)
        self.axes.configure(tuple(node.shape), 1)
        self.plot.setTitle(node.path)
        self._read(PREVIEW_BUDGET)

    def reload(self) -> None:
        self._read(PREVIEW_BUDGET)

    def _read(self, budget: int) -> None:
        if self.node is None:
            return
        self.full_button.hide()
        self.runner.run(f"Reading {self.node.path}", self.source.read, self.node.path,
                        self.axes.selection(), budget=budget,
                        on_done=self._shown, on_error=self._failed)

    def _shown(self, result) -> None:
        data = np.asarray(result.data)
        label = ""
        if data.dtype.kind == "c":
            data, label = np.abs(data), "magnitude of complex values"
        data = data.astype(np.float64, copy=False).reshape(-1)
        along = next((s for s in result.selection or () if isinstance(s, slice)), slice(None))
        self._x0, self._step = along.start or 0, along.step or 1
        x = self._x0 + np.arange(data.size, dtype=np.float64) * self._step
        self._data = data
        self.curve.setData(x, data)
        notes = [label] if label else []
        notes += self._mark_nonfinite(x, data)
        self.plot.enableAutoRange()
        if result.strided:
            notes.append(f"Preview: every {result.stride}th point (the series is larger than "
                         f"{human_bytes(PREVIEW_BUDGET)}).")
            self.full_button.show()
        self.show_message(" ".join(notes))

    def _mark_nonfinite(self, x: np.ndarray, y: np.ndarray) -> list[str]:
        idx, kinds, counts = nonfinite_segments(y)
        if idx.size == 0:
            self.markers.clear()
            return []
        self.markers.setData(x=x[idx], y=marker_heights(y, idx),
                             symbol=[SYMBOLS[str(k)] for k in kinds])
        total = {k: int(counts[kinds == k].sum()) for k in ("nan", "+inf", "-inf")}
        said = ", ".join(f"{n:,} {k}" for k, n in total.items() if n)
        return [f"Not drawn: {said} (marked x for NaN, triangles for \u00b1inf)."]

    def _value_at(self, x: float, _y: float) -> str:
        if self._data is None or not self._data.size:
            return ""
        at = index_along(x + self._step / 2, self._x0, self._step, self._data.size)
        if at is None:
            return ""
        return f"index {self._x0 + at * self._step:,}: {cell_text(self._data[at])}"

    def _failed(self, exc: BaseException) -> None:
        self.clear_shown()
        self.show_message(f"Cannot read {self.node.path if self.node else ''}: {exc}",
                          error=True, retry=True)

    def clear_shown(self) -> None:
        self.curve.setData([], [])
        self.markers.clear()
        self._data = None

    def clear(self) -> None:
        super().clear()
        self.clear_shown()

    def plot_item(self):
        return self.plot.getPlotItem()
