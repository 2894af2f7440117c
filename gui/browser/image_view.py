"""Images of 2-D data and slices of 3-D (or N-D) stacks: colormap, levels, histogram."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel

from gui import settings as loupe_settings
from gui.browser.axis_controls import AxisControls
from gui.browser.view_base import UNSUPPORTED, DataView, numeric
from gui.messages import human_bytes
from storage import NodeInfo, Source

BUDGET = 64 * 1024 * 1024
COLORMAPS = ("viridis", "magma", "inferno", "plasma", "cividis", "gray")
MIN_SIDE = 4  # both image axes at least this long


class ImageView(DataView):
    title = "Image"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.axes = AxisControls(("Rows", "Columns"), self)
        self.cmap = QComboBox(self)
        self.cmap.addItems(COLORMAPS)
        saved = str(loupe_settings.settings().value("browser/colormap", "viridis"))
        self.cmap.setCurrentText(saved if saved in COLORMAPS else "viridis")
        self.cmap.currentTextChanged.connect(self._set_colormap)
        self.graphics = pg.GraphicsLayoutWidget(self)
        self.view = self.graphics.addPlot()
        self.view.setAspectLocked(True)
        self.view.invertY(True)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.view.addItem(self.image)
        self.histogram = pg.HistogramLUTItem(image=self.image)
        self.graphics.addItem(self.histogram)
        row = QHBoxLayout()
        row.addWidget(self.axes)
        row.addStretch(1)
        row.addWidget(QLabel("Colormap", self))
        row.addWidget(self.cmap)
        self.layout_.addLayout(row)
        self.layout_.addWidget(self.banner)
        self.layout_.addWidget(self.graphics)
        self.axes.changed.connect(self._read)
        self._data: np.ndarray | None = None
        self._set_colormap(self.cmap.currentText())

    @classmethod
    def priority(cls, node: NodeInfo) -> int:
        shape = node.shape or ()
        if not (node.is_dataset and len(shape) >= 2 and numeric(node, complex_ok=False)
                and sorted(shape)[-2] >= MIN_SIDE):
            return UNSUPPORTED
        # The first choice when both image sides are 16 or more; else a tab behind the table.
        return 40 if min(sorted(shape)[-2:]) >= 16 else 5

    def show_node(self, source: Source, node: NodeInfo) -> None:
        super().show_node(source, node)
        self.axes.configure(tuple(node.shape), 2)
        self._read()

    def _read(self) -> None:
        if self.node is None:
            return
        self.runner.run(f"Reading {self.node.path}", self.source.read, self.node.path,
                        self.axes.selection(), budget=BUDGET,
                        on_done=self._shown, on_error=self._failed)

    def _shown(self, result) -> None:
        data = np.asarray(result.data)
        rows, cols = self.axes.display_axes()
        if rows > cols:
            data = data.T
        data = data.astype(np.float32) if data.dtype.kind == "b" else data
        self._data = data
        finite = data[np.isfinite(data)] if data.dtype.kind == "f" else data
        levels = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        if levels[0] == levels[1]:
            levels = (levels[0], levels[0] + 1)
        self.image.setImage(data, levels=levels)
        self.histogram.setLevels(*levels)
        self.view.setTitle(f"{self.node.path} {self._slice_text()}")
        self.view.autoRange()
        notes = [f"Note: {self.node.warning}."] if getattr(self.node, "warning", "") else []
        if result.strided:
            notes.append(f"Preview: one pixel in {result.stride} along each axis (the image is "
                         f"larger than {human_bytes(BUDGET)}).")
        self.show_message(" ".join(notes))

    def _slice_text(self) -> str:
        sel = self.axes.selection()
        return "" if len(sel) <= 2 else "[" + ", ".join(
            ":" if isinstance(s, slice) else str(s) for s in sel) + "]"

    def _failed(self, exc: BaseException) -> None:
        self.image.clear()
        self.show_message(f"Cannot read {self.node.path if self.node else ''}: {exc}", error=True)

    def _set_colormap(self, name: str) -> None:
        self.histogram.gradient.setColorMap(pg.colormap.get(name) if name != "gray" else
                                            pg.ColorMap([0, 1], [(0, 0, 0), (255, 255, 255)]))
        loupe_settings.settings().setValue("browser/colormap", name)

    def clear(self) -> None:
        super().clear()
        self.image.clear()
        self._data = None

    def shown_data(self) -> np.ndarray | None:
        return self._data

    def plot_item(self):
        return self.view
