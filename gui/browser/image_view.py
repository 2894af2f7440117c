"""Images of 2-D data and slices of 3-D (or N-D) stacks: colormap, levels, histogram.

Axes are in dataset indices, also for a strided preview (the image item is stretched over the
indices it stands for), and the readout names the index and value under the mouse. Levels set
by hand in the histogram stay while the slice changes; another dataset starts automatic again.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel

from gui import settings as loupe_settings
from gui.browser.axis_controls import AxisControls
from gui.browser.cursor_readout import CursorReadout, index_along
from gui.browser.values import cell_text
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
        self.readout = CursorReadout(self)
        row = QHBoxLayout()
        row.addWidget(self.axes)
        row.addStretch(1)
        row.addWidget(QLabel("Colormap", self))
        row.addWidget(self.cmap)
        self.layout_.addLayout(row)
        self.layout_.addWidget(self.banner)
        self.layout_.addWidget(self.graphics)
        self.layout_.addWidget(self.readout)
        self.axes.changed.connect(self._read)
        self._origin = (0, 0, 1, 1)  # first row, first column, row step, column step
        self._manual_levels: tuple[float, float] | None = None
        self._setting_levels = False
        self.histogram.sigLevelChangeFinished.connect(self._levels_moved)
        self.readout.attach(self.view, self._value_at)
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
        if node.path != getattr(self.node, "path", None) or source is not self.source:
            self._manual_levels = None  # another dataset: its own range
        super().show_node(source, node)
        self.axes.configure(tuple(node.shape), 2)
        self._read()

    def reload(self) -> None:
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
        levels = self._manual_levels or _auto_levels(data)
        self._setting_levels = True
        try:
            self.image.setImage(data, levels=levels)
            self.histogram.setLevels(*levels)
        finally:
            self._setting_levels = False
        self._place(result.selection, rows, cols, data.shape)
        self.view.setTitle(f"{self.node.path} {self._slice_text()}")
        self.view.autoRange()
        notes = [f"Note: {self.node.warning}."] if getattr(self.node, "warning", "") else []
        if result.strided:
            notes.append(f"Preview: one pixel in {result.stride} along each axis (the image is "
                         f"larger than {human_bytes(BUDGET)}); axes and readout are in "
                         f"dataset indices.")
        self.show_message(" ".join(notes))

    def _place(self, selection: tuple, rows: int, cols: int, shape: tuple) -> None:
        """Stretch the image over the dataset indices it was read from (a strided preview
        has one pixel per ``step`` indices)."""
        def start_step(axis: int) -> tuple[int, int]:
            sel = selection[axis] if selection and axis < len(selection) else slice(None)
            if not isinstance(sel, slice):
                return 0, 1
            return sel.start or 0, sel.step or 1
        (r0, rs), (c0, cs) = start_step(rows), start_step(cols)
        self._origin = (r0, c0, rs, cs)
        self.image.setRect(QRectF(c0, r0, shape[1] * cs, shape[0] * rs))

    def _value_at(self, x: float, y: float) -> str:
        if self._data is None or self._data.ndim != 2:
            return ""
        r0, c0, rs, cs = self._origin
        i = index_along(y, r0, rs, self._data.shape[0])
        j = index_along(x, c0, cs, self._data.shape[1])
        if i is None or j is None:
            return ""
        rows, cols = self.axes.display_axes()
        return (f"axis {rows} = {r0 + i * rs:,}, axis {cols} = {c0 + j * cs:,}: "
                f"{cell_text(self._data[i, j])}")

    def _levels_moved(self) -> None:
        if not self._setting_levels and self._data is not None:
            self._manual_levels = tuple(float(v) for v in self.histogram.getLevels())

    def _slice_text(self) -> str:
        sel = self.axes.selection()
        return "" if len(sel) <= 2 else "[" + ", ".join(
            ":" if isinstance(s, slice) else str(s) for s in sel) + "]"

    def _failed(self, exc: BaseException) -> None:
        self.clear_shown()
        self.show_message(f"Cannot read {self.node.path if self.node else ''}: {exc}",
                          error=True, retry=True)

    def _set_colormap(self, name: str) -> None:
        self.histogram.gradient.setColorMap(pg.colormap.get(name) if name != "gray" else
                                            pg.ColorMap([0, 1], [(0, 0, 0), (255, 255, 255)]))
        loupe_settings.settings().setValue("browser/colormap", name)

    def clear_shown(self) -> None:
        self.image.clear()
        self._data = None

    def clear(self) -> None:
        super().clear()
        self.clear_shown()

    def plot_item(self):
        return self.view


def _auto_levels(data: np.ndarray) -> tuple[float, float]:
    finite = data[np.isfinite(data)] if data.dtype.kind in "fc" else data
    levels = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    return levels if levels[0] != levels[1] else (levels[0], levels[0] + 1)
