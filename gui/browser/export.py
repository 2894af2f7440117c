"""Save what a view shows: the slice as CSV or .npy, the plot as PNG or SVG.

Every file is written beside its target and renamed over it when complete (``atomic_path``):
a failed or cancelled export never leaves half a file under the name the user chose.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from storage import atomic_path

DATA_FILTER = "NumPy array (*.npy);;CSV table (*.csv)"
PLOT_FILTER = "PNG image (*.png);;SVG drawing (*.svg)"


def save_array(data: np.ndarray, path: str | Path) -> Path:
    """``.npy`` keeps dtype and shape; ``.csv`` writes rows (2-D at most; compound as columns)."""
    path = Path(path)
    data = np.asarray(data)
    with atomic_path(path, suffix=path.suffix) as tmp:
        if path.suffix.lower() == ".npy":
            np.save(tmp, _plain(data), allow_pickle=False)
        else:
            _write_csv(data, tmp)
    return path


def _plain(data: np.ndarray) -> np.ndarray:
    """Without h5py's dtype metadata (enum names, vlen markers), which .npy cannot keep (numpy
    warns and drops it anyway)."""
    if not data.dtype.metadata and not any(
            data.dtype.fields[n][0].metadata for n in data.dtype.names or ()):
        return data
    if data.dtype.names:
        plain = np.dtype([(n, np.dtype(data.dtype.fields[n][0].str)) for n in data.dtype.names])
        return data.astype(plain)
    return data.astype(np.dtype(data.dtype.str))


def _write_csv(data: np.ndarray, path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        if data.dtype.names:
            writer.writerow(data.dtype.names)
            for rec in data.reshape(-1):
                writer.writerow([_cell(rec[n]) for n in data.dtype.names])
            return
        rows = data.reshape(1, 1) if data.ndim == 0 else data.reshape(data.shape[0], -1) \
            if data.ndim > 1 else data.reshape(-1, 1)
        for row in rows:
            writer.writerow([_cell(v) for v in row])


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
    with atomic_path(path, suffix=path.suffix) as tmp:  # the exporters pick the format by it
        if path.suffix.lower() != ".svg":
            exporters.ImageExporter(plot_item).export(str(tmp))
            return path
        try:
            exporters.SVGExporter(plot_item).export(str(tmp))
        except ValueError:  # pyqtgraph 0.14's SVG exporter fails on some Qt paths: use Qt's
            _render_svg(plot_item, tmp)
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
