"""Draw the parallel-coordinates lines into an image, in a worker thread.

Painting 10,000 runs x 7 segments on the GUI thread took 300-700 ms per frame here (QPainter's
raster engine; pyqtgraph curve items, segmented or not), so every brush froze the window. A
QImage may be painted outside the GUI thread: a worker renders the lines at the view's pixel
size and the GUI thread only swaps a pixmap (a few ms). The segments are written straight into
a QLineF array backed by numpy memory (pyqtgraph's PrimitiveArray), not built one by one.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

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
    # Every run in grey, by size: drawn once, then each brush copies it and draws only the
    # runs it keeps (about half the lines of a full redraw). Used by the one render thread only.
    backgrounds: dict = field(default_factory=dict)


def render(req: RenderRequest, cancel: threading.Event | None = None) -> QImage:
    """The lines of ``req`` on a transparent image: all runs in grey (cached), then the runs
    inside the brushes in their colour bands.

    The thread runs at idle priority (SCHED_IDLE on Linux): on a busy 2-core machine a render
    at normal priority slowed the GUI thread's own paint of the axes from ~50 to ~400 ms.
    """
    QThread.currentThread().setPriority(QThread.Priority.IdlePriority)
    if not len(req.ys) or req.ys.shape[1] < 2:
        return _blank(req.width, req.height)
    (x0, x1), (y0, y1) = req.x_range, req.y_range
    px = (np.arange(req.ys.shape[1]) - x0) / (x1 - x0) * req.width
    py = (y1 - req.ys) / (y1 - y0) * req.height
    everyone = bool(req.kept.all())  # no brush: no grey layer under the colours
    image = _blank(req.width, req.height) if everyone else _background(req, px, py).copy()
    painter = QPainter(image)
    try:
        for band, color in enumerate(req.colors):
            if cancel is not None and cancel.is_set():
                break
            _draw(painter, px, py[req.kept & (req.groups == band)], color)
    finally:
        painter.end()
    return image


def _blank(width: int, height: int) -> QImage:
    image = QImage(max(width, 1), max(height, 1), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    return image


def _background(req: RenderRequest, px: np.ndarray, py: np.ndarray) -> QImage:
    key = (req.width, req.height)
    image = req.backgrounds.get(key)
    if image is None:
        image = _blank(req.width, req.height)
        painter = QPainter(image)
        try:
            _draw(painter, px, py, req.out_color)
        finally:
            painter.end()
        req.backgrounds.clear()  # one size at a time: the view's current one
        req.backgrounds[key] = image
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
