"""Hover read-out for the training plot: the run, x and value of the point nearest the mouse."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF

PICK_RADIUS_PX = 30.0


@dataclass
class HoverTarget:
    """A drawn curve the hover can land on (x ascending)."""

    name: str
    x: np.ndarray
    y: np.ndarray
    notes: list[str] | None = None  # shown instead of the value (NaN/Inf markers)


class PlotHover:
    """Shows a label and a dot at the nearest point of the nearest curve, within a radius."""

    def __init__(self, plot: pg.PlotItem, x_label: Callable[[], str],
                 y_label: Callable[[], str]) -> None:
        self._plot = plot
        self._x_label, self._y_label = x_label, y_label
        self.targets: Sequence[HoverTarget] = []
        self.text = ""
        self._label = pg.TextItem(anchor=(0, 1), color="#1a1a1a",
                                  fill=pg.mkBrush(255, 255, 255, 220), border=pg.mkPen("#9aa5b1"))
        self._dot = pg.ScatterPlotItem(size=9, pen=pg.mkPen("k"), brush=pg.mkBrush(255, 255, 255))
        for item in (self._label, self._dot):
            item.setZValue(1000)
            plot.addItem(item, ignoreBounds=True)
        self.hide()
        self._proxy = pg.SignalProxy(plot.scene().sigMouseMoved, rateLimit=30,
                                     slot=lambda args: self.hover_at_scene(args[0]))

    def hide(self) -> None:
        self.text = ""
        self._label.hide()
        self._dot.hide()

    def hover_at_scene(self, pos: QPointF) -> str:
        """Update the read-out for a scene position; returns the text shown ("" for none)."""
        vb = self._plot.getViewBox()
        if not self._plot.sceneBoundingRect().contains(pos) or not self.targets:
            self.hide()
            return ""
        best = None
        for target in self.targets:
            hit = self._nearest(vb, target, pos)
            if hit is not None and (best is None or hit[0] < best[0]):
                best = (hit[0], target, hit[1])
        if best is None or best[0] > PICK_RADIUS_PX:
            self.hide()
            return ""
        _, target, i = best
        self._show(target, i)
        return self.text

    def _nearest(self, vb: pg.ViewBox, target: HoverTarget, pos: QPointF):
        if target.x.size == 0:
            return None
        mouse = vb.mapSceneToView(pos)
        i = int(np.searchsorted(target.x, mouse.x()))
        best = None
        for j in (i - 1, i):
            if 0 <= j < target.x.size and np.isfinite(target.y[j]):
                scene = vb.mapViewToScene(pg.Point(*self._view_xy(target, j)))
                dist = float(np.hypot(scene.x() - pos.x(), scene.y() - pos.y()))
                if best is None or dist < best[0]:
                    best = (dist, j)
        return best

    def _view_xy(self, target: HoverTarget, j: int) -> tuple[float, float]:
        """Data to view coordinates (the view holds log10(y) on a log axis)."""
        x, y = float(target.x[j]), float(target.y[j])
        x_log, y_log = self._plot.ctrl.logXCheck.isChecked(), self._plot.ctrl.logYCheck.isChecked()
        x = np.log10(x) if x_log and x > 0 else x
        y = np.log10(y) if y_log and y > 0 else y
        return x, y

    def _show(self, target: HoverTarget, j: int) -> None:
        x, y = self._view_xy(target, j)
        xv = target.x[j]
        x_text = f"{int(xv)}" if float(xv).is_integer() else f"{xv:.6g}"
        value = target.notes[j] if target.notes else f"{target.y[j]:.6g}"
        y_text = f"{self._y_label()} {value}"
        self.text = f"{target.name}\n{self._x_label()} {x_text}\n{y_text}"
        self._label.setText(self.text)
        self._label.setPos(x, y)
        self._dot.setData([x], [y])
        self._label.show()
        self._dot.show()
