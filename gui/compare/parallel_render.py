"""Draw the parallel-coordinates lines into an image, in a worker thread.

Painting 10,000 runs x 7 segments on the GUI thread took 300-700 ms per frame here (QPainter's
raster engine; pyqtgraph curve items, segmented or not), so every brush froze the window. A
QImage may be painted outside the GUI thread: a worker renders the lines at the view's pixel
size and the GUI thread only swaps a pixmap (a few ms). The segments are written straight into
a QLineF array backed by numpy memory (pyqtgraph's PrimitiveArray), not built one by one.

A brush first gets a preview: at most PREVIEW_RUNS of the kept runs (every k-th, so each colour
band keeps its share), sent through ``progress``, then the full image. Drawing is ~23 us per run
at 1400 x 800 (7 long segments each); half of 10,000 runs took 90-160 ms, the preview ~30 ms.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from pyqtgraph.Qt import internals
from PySide6.QtCore import QLineF, QThread
from PySide6.QtGui import QColor, QImage, QPainter, QPen

PREVIEW_RUNS = 1_000
# QPainter.drawLines holds the GIL (PySide does not release it there): one call for a colour band
# of 1,250 runs held it ~30 ms, and the GUI thread, which takes the GIL for every pyqtgraph
# item it paints, waited that long each time (a 12 ms first paint became 100-130 ms). Calls of
# at most this many runs (~1,750 segments, a few ms) keep each wait short.
RUNS_PER_CALL = 200


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


def render(req: RenderRequest, cancel: threading.Event | None = None,
           progress: Callable[[QImage], None] | None = None) -> QImage:
    """The lines of ``req`` on a transparent image: all runs in grey (cached), then the runs
    inside the brushes in their colour bands. With ``progress``, a brush that keeps more than
    PREVIEW_RUNS runs first sends a decimated image of them.

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
    kept = np.flatnonzero(req.kept)
    if progress is not None and not everyone and len(kept) > PREVIEW_RUNS:
        step = -(-len(kept) // PREVIEW_RUNS)
        progress(_colored(req, px, py, kept[::step], everyone, cancel))
    return _colored(req, px, py, kept, everyone, cancel)


def _colored(req: RenderRequest, px: np.ndarray, py: np.ndarray, rows: np.ndarray,
             everyone: bool, cancel: threading.Event | None) -> QImage:
    """The grey background (or nothing) with the runs ``rows`` in their colour bands."""
    image = _blank(req.width, req.height) if everyone else _background(req, px, py).copy()
    groups = req.groups[rows]
    painter = QPainter(image)
    try:
        for band, color in enumerate(req.colors):
            if cancel is not None and cancel.is_set():
                break
            _draw(painter, px, py[rows[groups == band]], color)
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
    painter.setPen(QPen(QColor(*color), 0))  # width 0: Qt's fastest 1-pixel line
    segments = internals.PrimitiveArray(QLineF, 4)
    for start in range(0, n, RUNS_PER_CALL):
        part = py[start:start + RUNS_PER_CALL]
        segments.resize(len(part) * (k - 1))
        memory = segments.ndarray().reshape(len(part), k - 1, 4)
        memory[:, :, 0] = px[:-1]
        memory[:, :, 1] = part[:, :-1]
        memory[:, :, 2] = px[1:]
        memory[:, :, 3] = part[:, 1:]
        painter.drawLines(*segments.drawargs())
