"""Save what a view shows: the slice as CSV or .npy, the plot as PNG or SVG."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

DATA_FILTER = "NumPy array (*.npy);;CSV table (*.csv)"
PLOT_FILTER = "PNG image (*.png);;SVG drawing (*.svg)"


def save_array(data: np.ndarray, path: str | Path) -> Path:
    """``.npy`` keeps dtype and shape; ``.csv`` writes rows (2-D at most; compound as columns)."""
    path = Path(path)
    if path.suffix.lower() == ".npy":
        np.save(path, data, allow_pickle=False)
        return path
    data = np.asarray(data)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        if data.dtype.names:
            writer.writerow(data.dtype.names)
            for rec in data.reshape(-1):
                writer.writerow([_cell(rec[n]) for n in data.dtype.names])
            return path
        rows = data.reshape(1, 1) if data.ndim == 0 else data.reshape(data.shape[0], -1) \
            if data.ndim > 1 else data.reshape(-1, 1)
        for row in rows:
            writer.writerow([_cell(v) for v in row])
    return path


def _cell(value) -> str:
    if isinstance(value, bytes | np.bytes_):
        return bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, np.floating):
        return repr(float(value))
    if isinstance(value, np.generic):
        return str(value.item())
    return str(value)


def save_plot(plot_item, path: str | Path) -> Path:
    """PNG or SVG of a pyqtgraph PlotItem (by the file's suffix)."""
    import pyqtgraph.exporters as exporters

    path = Path(path)
    if path.suffix.lower() != ".svg":
        exporters.ImageExporter(plot_item).export(str(path))
        return path
    try:
        exporters.SVGExporter(plot_item).export(str(path))
    except ValueError:  # pyqtgraph 0.14's SVG exporter fails on some Qt paths: draw it with Qt
        _render_svg(plot_item, path)
    return path


def _render_svg(item, path: Path) -> None:
    from PySide6.QtCore import QRectF, QSize
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    rect = item.sceneBoundingRect()
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(QSize(int(rect.width()), int(rect.height())))
    generator.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
    painter = QPainter(generator)
    try:
        item.scene().render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
    finally:
        painter.end()
