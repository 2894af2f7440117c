"""Parallel coordinates of the compared runs (pyqtgraph), brushable.

The lines are one image, rendered in a worker (parallel_render.py) in colour bands of the
metric, with the runs outside the brushes in light grey underneath; the GUI thread keeps only
the axes, labels and brushes as pyqtgraph items. A curve item per run (plain pyqtgraph) took
~12 s to show 10,000 runs here, and even a few batched curve items held the GUI thread
0.3-0.7 s per frame (see bench/bench_compare.py).

Each axis has a brush (a horizontal region, full height at first). A drag along the axis draws
the range from where it started, as d3's and HiPlot's brushes do; a drag inside a narrowed brush
moves it, and its ends can be dragged. The runs narrow at once and, when the mouse is released,
``brushed(filter_text, field)`` is emitted in the search panel's filter language.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QPixmap, QTransform
from PySide6.QtWidgets import (
    QComboBox,
    QGraphicsPixmapItem,
    QLabel,
    QMenu,
    QPushButton,
    QToolButton,
    QWidget,
)

from gui.compare.parallel_data import MISSING_Y, NAN_Y, Axis, brush_mask, color_groups
from gui.compare.parallel_render import RenderRequest, render
from gui.layouts import column, hbox, refill
from gui.workers import LatestOnly

BANDS = 8
FIRST_RENDER_MS = 100
MAX_PARAM_AXES = 7
FULL = (MISSING_Y - 0.05, 1.05)  # a brush this wide lets every run through
_CMAP = pg.colormap.get("viridis")
Y_RANGE = (MISSING_Y - 0.08, 1.12)
COLORS = [tuple(_CMAP.map((b + 0.5) / BANDS, mode="byte")[:3]) for b in range(BANDS)]
COLORS.append((150, 150, 150))  # NaN metric
OUT_COLOR = (228, 228, 228)  # outside the brushes
# An idle brush (the whole axis) is drawn faint; blending 8 full-height regions over the lines
# cost ~9 ms each per frame with the stronger fill.
IDLE_BRUSH = pg.mkBrush(80, 120, 200, 12)
ACTIVE_BRUSH = pg.mkBrush(80, 120, 200, 45)


class ParallelView(QWidget):
    brushed = Signal(str, str)  # filter text (may be ''), the axis' field name
    previewed = Signal()  # a brush's decimated lines are shown (the full image follows)
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
        self.metric_box = QComboBox(self, toolTip="The metric: the last axis and the colour")
        self.axes_button = QToolButton(self, text="Axes", toolTip="Which settings get an axis",
                                       popupMode=QToolButton.ToolButtonPopupMode.InstantPopup)
        self.log_button = QToolButton(self, text="Log scale",
                                      popupMode=QToolButton.ToolButtonPopupMode.InstantPopup)
        self.clear_button = QPushButton("Clear brushes", self)
        self.caption = QLabel(self)
        bar = hbox(QLabel("Metric:", self), self.metric_box, self.axes_button, self.log_button,
                   self.clear_button, self.caption, stretch=self.caption)
        column(self, bar, self.plot, stretch=self.plot)
        self._image: QGraphicsPixmapItem | None = None
        self._request: RenderRequest | None = None
        # One render thread kept alive: starting a pool thread per brush cost up to 0.3 s of
        # GUI-thread time on the busy test machine.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._pool.setExpiryTimeout(-1)
        self._renderer = LatestOnly(self._pool)
        # A new table's first render waits for the axes' first paint: painting them while the
        # render thread ran took 90-130 ms instead of ~12 (the GUI thread waited on the worker's
        # GIL for each item it painted). Unshown, the render starts after FIRST_RENDER_MS.
        self._first_render = QTimer(self, singleShot=True, interval=FIRST_RENDER_MS)
        self._first_render.timeout.connect(self._update_lines)
        self.plot.viewport().installEventFilter(self)
        self._resize_timer = QTimer(self, singleShot=True, interval=80)
        self._resize_timer.timeout.connect(self._resized)
        self.plot.getPlotItem().getViewBox().sigResized.connect(
            lambda *_: self._resize_timer.start())
        self._regions: list[AxisBrush] = []
        self.metric_box.currentTextChanged.connect(lambda _: self.rebuild())
        self.clear_button.clicked.connect(self.clear_brushes)

    # ---- content ----------------------------------------------------------------------------
    def set_table(self, table: Any, metric: str | None = None) -> None:
        self.table = table
        metrics = table.names(role="metric", numeric=True)
        varying = [c.name for c in table.columns if c.role == "param"]
        self.params = varying[:MAX_PARAM_AXES]
        refill(self.metric_box, metrics, metric)
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
        if self.table is None or name not in self.table.names():
            return
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
        if not 0 <= axis < len(self._regions):
            return
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
        self._first_render.stop()
        self._image, self._regions, self.brushes = None, [], {}
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
        self.plot.setXRange(*X_RANGE(len(self.axes)), padding=0)
        self.plot.setYRange(*Y_RANGE, padding=0)
        self._caption()

    def _caption(self) -> None:
        kept = f"{int(self.kept.sum())} of " if self.brushes else ""
        self.caption.setText(f"{kept}{len(self.table)} runs; colour: "
                             f"{self.metric_box.currentText() or '-'} "
                             "(dark low, yellow high, grey NaN)")

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
            region = AxisBrush(_span(i, k))
            region.sigRegionChanged.connect(lambda _r, n=i: self._brush_changed(n, False))
            region.sigRegionChangeFinished.connect(lambda _r, n=i: self._brush_changed(n, True))
            self.plot.addItem(region.catcher)
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
        name = self.metric_box.currentText()
        raw = self.table.column(name).values if name else np.zeros(len(self.table))
        self._groups = color_groups(np.asarray(raw, dtype=float), BANDS)
        self._ys = np.stack([a.y for a in self.axes], axis=1)
        self._backgrounds: dict = {}  # new lines: a new grey background
        self._image = QGraphicsPixmapItem()
        self._image.setZValue(-10)  # under the axes, their labels and the brushes
        self.plot.addItem(self._image)
        self._first_render.start(FIRST_RENDER_MS)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if (event.type() == QEvent.Type.Paint and shiboken6.isValid(self._first_render)
                and self._first_render.isActive()):
            self._first_render.start(0)  # after this paint, on the next event-loop turn
        return False

    def _update_lines(self) -> None:
        """Render the lines in a worker at the view's pixel size (newest request wins)."""
        self._first_render.stop()
        view = self.plot.getPlotItem().getViewBox()
        (x0, x1), (y0, y1) = X_RANGE(len(self.axes)), Y_RANGE
        size = view.size()
        width, height = max(int(size.width()), 50), max(int(size.height()), 50)
        request = RenderRequest(self._ys, self.kept, self._groups, COLORS, OUT_COLOR, width,
                                height, (x0, x1), (y0, y1), self._backgrounds)
        image_item = self._image
        self._request = request
        self._renderer.submit(render, request, wants_cancel=True,
                              on_progress=lambda img: self._show_image(image_item, img, request,
                                                                       preview=True),
                              on_done=lambda img: self._show_image(image_item, img, request),
                              on_error=lambda exc: self.drawn.emit())

    def _show_image(self, item: QGraphicsPixmapItem, image: Any, req: RenderRequest,
                    preview: bool = False) -> None:
        if item is not self._image or not shiboken6.isValid(item):  # rebuilt, or closed
            return
        if preview and req is not self._request:  # a newer brush is on its way
            return
        (x0, x1), (y0, y1) = req.x_range, req.y_range
        item.setPixmap(QPixmap.fromImage(image))
        # pixel (px, py) -> data (x0 + px * sx, y1 - py * sy): the view's y axis points up
        item.setTransform(QTransform((x1 - x0) / req.width, 0, 0, -(y1 - y0) / req.height,
                                     x0, y1))
        (self.previewed if preview else self.drawn).emit()

    def _resized(self) -> None:
        if self.axes:
            self._update_lines()

    def is_busy(self) -> bool:
        return self._renderer.busy or self._first_render.isActive()

    def _brush_changed(self, axis: int, finished: bool) -> None:
        region = self._regions[axis]
        if region.is_full():
            self.brushes.pop(axis, None)
        else:
            self.brushes[axis] = region.getRegion()
        self._regions[axis].setBrush(ACTIVE_BRUSH if axis in self.brushes else IDLE_BRUSH)
        self.kept = brush_mask(self.axes, self.brushes)
        self._caption()
        self._update_lines()
        if finished:
            name = self.axes[axis].name
            text = self.axes[axis].filter_text(*self.brushes.get(axis, (0.0, 1.0)))
            self.brushed.emit(text, name)


class AxisBrush(pg.LinearRegionItem):
    """An axis' brush. A drag that starts outside a narrowed brush, or anywhere on a full one,
    draws a new range from where it started. pyqtgraph's region moves as a whole when dragged:
    dragging down a full-height brush kept the runs *above* the drag (a one-sided filter, the
    opposite of what was dragged over). A drag inside a narrowed brush still moves it.
    """

    def __init__(self, span: tuple[float, float]) -> None:
        super().__init__(FULL, orientation="horizontal", brush=IDLE_BRUSH, span=span)
        self.setToolTip("Drag along the axis to keep only the runs in that range (a search "
                        "filter); drag a range to move it, its ends to resize it")
        # Under the brush, the axis' whole height: catches the drags that start outside it.
        self.catcher = pg.LinearRegionItem(FULL, orientation="horizontal", movable=False,
                                           brush=pg.mkBrush(0, 0, 0, 0), pen=pg.mkPen(None),
                                           span=span)
        # Above the view box in pyqtgraph's drag order (it sums the parents' z values and the
        # view box is at -100), below the brush so that a drag inside the brush moves it.
        self.setZValue(2)
        self.catcher.setZValue(1)
        self.catcher.mouseDragEvent = self._draw_range

    def is_full(self) -> bool:
        low, high = self.getRegion()
        return low <= FULL[0] + 1e-9 and high >= FULL[1] - 1e-9

    def mouseDragEvent(self, ev: Any) -> None:  # noqa: N802 - pyqtgraph's name
        if ev.isStart():
            self._drawing = self.is_full()
        if getattr(self, "_drawing", False):
            self._draw_range(ev)
        else:
            super().mouseDragEvent(ev)

    def _draw_range(self, ev: Any) -> None:
        """The range from the press to the mouse; the filter is sent once, on release."""
        if ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        ev.accept()
        low, high = sorted((ev.buttonDownPos().y(), ev.pos().y()))
        self.blockLineSignal = True  # one change signal for both ends, not three
        self.lines[0].setValue(max(low, FULL[0]))
        self.lines[1].setValue(min(high, FULL[1]))
        self.blockLineSignal = False
        self.prepareGeometryChange()
        (self.sigRegionChangeFinished if ev.isFinish() else self.sigRegionChanged).emit(self)


def X_RANGE(k: int) -> tuple[float, float]:  # noqa: N802 - reads as the constant it is
    return -0.1, k - 0.4


def _span(i: int, k: int) -> tuple[float, float]:
    """Axis ``i``'s brush width as fractions of the view (x from -0.1 to k - 0.4)."""
    centre = (i + 0.1) / (k - 0.3)
    half = 0.05 / max(k - 0.3, 0.7) * 1.5
    return centre - half, centre + half
