"""Regression tests of the plot defects found by hand (issue 13): each failed before its fix."""

from __future__ import annotations

import numpy as np
import pytest
from experiments_gui.expgui_helpers import wait_drawn, write_series
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from gui.plots.plot_panel import PlotPanel
from gui.plots.series_data import FileSource, RunRef


def _refs(folder, names="abcd"):
    meta = {"a": ("resnet", 0), "b": ("resnet", 1), "c": ("vit", 0), "d": ("vit", 1)}
    return [RunRef(n, FileSource(folder / f"{n}.h5"),
                   metadata={"architecture": meta[n][0], "lr": 1e-3, "seed": meta[n][1]})
            for n in names]


@pytest.fixture
def panel(qtbot, series_dir):
    widget = PlotPanel()
    qtbot.addWidget(widget)
    widget.resize(1100, 650)
    widget.show()
    wait_drawn(qtbot, widget, lambda: widget.set_runs(_refs(series_dir)))
    return widget


def _band_y_span(panel, group: str) -> tuple[float, float]:
    rect = panel.drawer.item(f"group:{group}", "band").path().boundingRect()
    return rect.top(), rect.bottom()


def test_band_follows_log_y_and_back(qtbot, panel) -> None:
    controls = panel.controls
    wait_drawn(qtbot, panel, lambda: controls.group_by.setCurrentIndex(
        controls.group_by.findData("architecture")))
    vit = next(g for g in panel.groups if g.name == "vit")
    lin = (np.nanmin(vit.low), np.nanmax(vit.high))
    assert _band_y_span(panel, "vit") == pytest.approx(lin, rel=1e-6)
    controls.log_y.setChecked(True)
    logs = tuple(np.log10(lin))
    qtbot.waitUntil(lambda: _band_y_span(panel, "vit") == pytest.approx(logs, rel=1e-6))
    # the view holds log10 of the data (a loss of ~0.05..2.3), not the linear band
    qtbot.waitUntil(lambda: panel.plot.getViewBox().viewRange()[1][1] < 1)
    controls.log_y.setChecked(False)
    qtbot.waitUntil(lambda: _band_y_span(panel, "vit") == pytest.approx(lin, rel=1e-6))


def test_nonfinite_markers_survive_zoom(qtbot, tmp_path) -> None:
    loss = np.exp(-np.arange(100) / 30) + 0.05
    loss[[10, 30, 50, 70]] = [np.nan, np.inf, -np.inf, np.nan]
    write_series(tmp_path / "m.h5", loss)
    widget = PlotPanel()
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    wait_drawn(qtbot, widget, lambda: widget.set_runs([RunRef("m", FileSource(tmp_path / "m.h5"))]))
    markers = widget.drawer.item("m", "bad")
    vb = widget.plot.getViewBox()
    for x0, x1 in ((25, 55), (0, 20), (60, 99), (0, 99)):
        vb.setXRange(x0, x1, padding=0)
        qtbot.wait(20)  # let the view-range signal reach the items (an error fails the test)
        assert sorted(markers.scatter.data["x"].tolist()) == [10, 30, 50, 70]


def _render_svg(path, size) -> QImage:
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(path))
    image = QImage(size, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    renderer.render(painter, QRectF(0, 0, size.width(), size.height()))
    painter.end()
    return image


def _dark_bbox(image: QImage) -> tuple[int, int, int, int]:
    """Bounding box of the non-background pixels that are clearly coloured (curves and text)."""
    ptr = image.convertToFormat(QImage.Format.Format_RGB32).constBits()
    rgb = np.frombuffer(ptr, np.uint8).reshape(image.height(), image.width(), 4)[..., :3]
    ys, xs = np.nonzero(rgb.astype(int).sum(axis=2) < 500)
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


def test_svg_export_looks_like_the_screen(qtbot, panel, tmp_path) -> None:
    svg = tmp_path / "p.svg"
    panel.export("svg", svg)
    screen = panel.plot_widget.grab().toImage()
    drawn = _render_svg(svg, screen.size())
    a, b = _dark_bbox(screen), _dark_bbox(drawn)
    assert all(abs(p - q) <= 3 for p, q in zip(a, b, strict=True)), (a, b)
    assert 'matrix(0.75' not in svg.read_text()  # axes painted at another scale than curves
