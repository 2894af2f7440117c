"""Draw the parallel-coordinates lines into an image, in a worker thread.

Painting 10,000 runs x 7 segments on the GUI thread took 300-700 ms per frame here (QPainter's
raster engine; pyqtgraph curve items, segmented or not), so every brush froze the window. A
QImage may be painted outside the GUI thread: a worker renders the lines at the view's pixel
size and the GUI thread only swaps a pixmap (a few ms). The segments are written straight into
a QLineF array backed by numpy memory (pyqtgraph's PrimitiveArray), not built one by one.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from pyqtgraph.Qt import internals
from PySide6.QtCore import QLineF, QThread
from PySide6.QtGui import QColor, QImage, QPainter, QPen


@dataclass
class RenderRequest:
    ys: np.ndarray  # runs x axes, heights in data units
    kept: np.ndarray  # runs inside every brush
    groups: np.ndarray  # colour band of each run
    colors: list[tuple[int, int, int]]  # per band; the last is for NaN metrics
    out_color: tuple[int, int, int]  # runs outside the brushes
    width: int
    height: int
    x_range: tuple[float, float]
    y_range: tuple[float, float]


def render(req: RenderRequest, cancel: threading.Event | None = None) -> QImage:
    """The lines of ``req`` on a transparent image: runs outside the brushes first, then bands.

    The thread runs at idle priority (SCHED_IDLE on Linux): on a busy 2-core machine a render
    at normal priority slowed the GUI thread's own paint of the axes from ~50 to ~400 ms.
    """
    QThread.currentThread().setPriority(QThread.Priority.IdlePriority)
    image = QImage(max(req.width, 1), max(req.height, 1),
                   QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    if not len(req.ys) or req.ys.shape[1] < 2:
        return image
    (x0, x1), (y0, y1) = req.x_range, req.y_range
    px = (np.arange(req.ys.shape[1]) - x0) / (x1 - x0) * req.width
    py = (y1 - req.ys) / (y1 - y0) * req.height
    painter = QPainter(image)
    try:
        layers = [(~req.kept, req.out_color)]
        layers += [(req.kept & (req.groups == band), color)
                   for band, color in enumerate(req.colors)]
        for rows, color in layers:
            if cancel is not None and cancel.is_set():
                break
            _draw(painter, px, py[rows], color)
    finally:
        painter.end()
    return image


def _draw(painter: QPainter, px: np.ndarray, py: np.ndarray, color: tuple[int, int, int]
          ) -> None:
    n, k = py.shape
    if not n:
        return
    segments = internals.PrimitiveArray(QLineF, 4)
    segments.resize(n * (k - 1))
    memory = segments.ndarray().reshape(n, k - 1, 4)
    memory[:, :, 0] = px[:-1]
    memory[:, :, 1] = py[:, :-1]
    memory[:, :, 2] = px[1:]
    memory[:, :, 3] = py[:, 1:]
    painter.setPen(QPen(QColor(*color), 0))  # width 0: Qt's fastest 1-pixel line
    painter.drawLines(*segments.drawargs())
