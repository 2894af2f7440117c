"""Curves of 1-D data (and rows or columns of N-D data), with peak downsampling."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QPushButton

from gui.browser.axis_controls import AxisControls
from gui.browser.view_base import UNSUPPORTED, DataView, numeric
from gui.messages import human_bytes
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
        self.axes.changed.connect(lambda: self._read(PREVIEW_BUDGET))
        self._data: np.ndarray | None = None

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
        step = result.selection and next((s.step for s in result.selection
                                          if isinstance(s, slice)), 1) or 1
        x = np.arange(data.size, dtype=np.float64) * step
        self._data = data
        self.curve.setData(x, data)
        self.plot.enableAutoRange()
        notes = [label] if label else []
        if result.strided:
            notes.append(f"Preview: every {result.stride}th point (the series is larger than "
                         f"{human_bytes(PREVIEW_BUDGET)}).")
            self.full_button.show()
        self.show_message(" ".join(notes))

    def _failed(self, exc: BaseException) -> None:
        self.curve.setData([], [])
        self.show_message(f"Cannot read {self.node.path if self.node else ''}: {exc}", error=True)

    def clear(self) -> None:
        super().clear()
        self.curve.setData([], [])
        self._data = None

    def shown_data(self) -> np.ndarray | None:
        return self._data

    def plot_item(self):
        return self.plot.getPlotItem()
