"""The line under a plot that names the dataset index and the value under the mouse (as silx's
position info): ``row 1,200, column 3,400: 0.52``."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QLabel, QWidget

Lookup = Callable[[float, float], str]  # plot coordinates to text ("" outside the data)


class CursorReadout(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(" ", parent)
        self.setObjectName("cursorReadout")
        self._plot_item = None
        self._lookup: Lookup | None = None

    def attach(self, plot_item, lookup: Lookup) -> None:
        """Follow the mouse over ``plot_item`` (a pyqtgraph PlotItem) and show ``lookup(x, y)``."""
        self._plot_item, self._lookup = plot_item, lookup
        plot_item.scene().sigMouseMoved.connect(self._moved)

    def _moved(self, pos: QPointF) -> None:
        box = self._plot_item.getViewBox()
        if not box.sceneBoundingRect().contains(pos):
            self.setText(" ")
            return
        point = box.mapSceneToView(pos)
        self.setText(self._lookup(point.x(), point.y()) or " ")


def index_along(coordinate: float, start: int, step: int, size: int) -> int | None:
    """The position in a read array of the dataset index at ``coordinate``, or None outside."""
    if not np.isfinite(coordinate):
        return None
    at = int(np.floor((coordinate - start) / step))
    return at if 0 <= at < size else None
