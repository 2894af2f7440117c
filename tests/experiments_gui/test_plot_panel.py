"""The plot panel on real HDF5 files: overlay, smoothing values, log scale, markers, groups,
hover, summary table and export."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET

import numpy as np
import pyqtgraph as pg
import pytest
from experiments_gui.expgui_helpers import run_refs, shown_plot_panel, wait_drawn
from PySide6.QtGui import QImage

from gui.plots.series_data import FileSource, RunRef
from gui.plots.smoothing import ema, moving_average


@pytest.fixture
def panel(qtbot, series_dir):
    return shown_plot_panel(qtbot, series_dir)


def _loss(folder, name):
    return FileSource(folder / f"{name}.h5").read(["loss"])["loss"]


def test_overlay_of_runs_with_one_colour_each(panel) -> None:
    assert panel.metrics == ["loss", "accuracy"] or set(panel.metrics) == {"loss", "accuracy"}
    assert panel.options.metric == "loss"
    assert [c.run_id for c in panel.curves] == ["a", "b", "c", "d"]
    pens = {panel.drawer.item(r, "main").opts["pen"].color().name() for r in "abcd"}
    assert len(pens) == 4
    assert pens == {panel.colors.hex(r) for r in "abcd"}


def test_smoothing_off_plots_raw_values(panel, series_dir) -> None:
    x, y = panel.drawer.item("a", "main").getOriginalDataset()
    assert np.array_equal(y, _loss(series_dir, "a"))
    assert np.array_equal(x, np.arange(60))
    assert panel.drawer.item("a", "raw") is None


def test_ema_and_window_smoothing_values(qtbot, panel, series_dir) -> None:
    controls = panel.controls
    wait_drawn(qtbot, panel, lambda: controls.smoother.setCurrentIndex(
        controls.smoother.findData("ema")))
    wait_drawn(qtbot, panel, lambda: controls.amount.setValue(0.8))
    raw = _loss(series_dir, "a")
    _, y = panel.drawer.item("a", "main").getOriginalDataset()
    assert np.allclose(y, ema(raw, 0.8))
    assert y[0] == pytest.approx(raw[0])  # bias correction: the first point is not pulled to 0
    _, faint = panel.drawer.item("a", "raw").getOriginalDataset()
    assert np.array_equal(faint, raw)  # the raw curve stays visible under the smoothed one
    assert panel.drawer.item("a", "raw").opts["pen"].color().alpha() < 255
    wait_drawn(qtbot, panel, lambda: controls.smoother.setCurrentIndex(
        controls.smoother.findData("window")))
    wait_drawn(qtbot, panel, lambda: controls.amount.setValue(5))
    _, y = panel.drawer.item("a", "main").getOriginalDataset()
    assert np.allclose(y, moving_average(raw, 5))
    wait_drawn(qtbot, panel, lambda: controls.smoother.setCurrentIndex(
        controls.smoother.findData("none")))
    _, y = panel.drawer.item("a", "main").getOriginalDataset()
    assert np.array_equal(y, raw)


def test_nan_and_inf_stay_marked_when_smoothed(qtbot, panel) -> None:
    assert panel.drawer.marker_count == 2
    controls = panel.controls
    wait_drawn(qtbot, panel, lambda: controls.smoother.setCurrentIndex(
        controls.smoother.findData("ema")))
    markers = panel.drawer.item("b", "bad")
    x, y = markers.getData()
    assert x.tolist() == [20, 40]
    assert np.all(np.isfinite(y))
    _, smoothed = panel.drawer.item("b", "main").getOriginalDataset()
    assert np.isnan(smoothed[20]) and np.isnan(smoothed[40])
    assert np.isfinite(smoothed[21])  # the NaN did not poison the rest of the average


def test_log_scale(qtbot, panel, series_dir) -> None:
    panel.controls.log_y.setChecked(True)
    assert panel.plot.ctrl.logYCheck.isChecked()
    _, shown = panel.drawer.item("a", "main").getData()
    assert np.allclose(shown, np.log10(_loss(series_dir, "a")))
    # the view holds log10 of a loss that runs from ~0.05 to ~2.3
    qtbot.waitUntil(lambda: panel.plot.getViewBox().viewRange()[1][1] < 1)
    panel.controls.log_y.setChecked(False)
    assert not panel.plot.ctrl.logYCheck.isChecked()


def test_step_axis(qtbot, panel) -> None:
    controls = panel.controls
    wait_drawn(qtbot, panel, lambda: controls.x_axis.setCurrentIndex(
        controls.x_axis.findData("step")))
    x, _ = panel.drawer.item("a", "main").getOriginalDataset()
    assert x[-1] == 590
    assert panel.summary.horizontalHeaderItem(3).text() == "at step"


def test_group_mean_and_band(qtbot, panel, series_dir) -> None:
    controls = panel.controls
    wait_drawn(qtbot, panel, lambda: controls.group_by.setCurrentIndex(
        controls.group_by.findData("architecture")))
    names = sorted(g.name for g in panel.groups)
    assert names == ["resnet", "vit"]
    vit = next(g for g in panel.groups if g.name == "vit")
    c, d = _loss(series_dir, "c"), _loss(series_dir, "d")
    assert np.allclose(vit.mean, (c + d) / 2)
    assert np.allclose(vit.low, np.minimum(c, d)) and np.allclose(vit.high, np.maximum(c, d))
    wait_drawn(qtbot, panel, lambda: controls.band.setCurrentIndex(controls.band.findData("std")))
    vit = next(g for g in panel.groups if g.name == "vit")
    assert np.allclose(vit.high - vit.mean, np.std(np.stack([c, d]), axis=0))
    wait_drawn(qtbot, panel, lambda: controls.group_by.setCurrentIndex(
        controls.group_by.findData("hyperparameters")))
    assert len(panel.groups) == 2  # architecture differs, seeds are ignored


def test_hover_names_run_epoch_value(panel, series_dir) -> None:
    vb = panel.plot.getViewBox()
    y = _loss(series_dir, "c")[10]
    scene = vb.mapViewToScene(pg.Point(10, y))
    text = panel.hover.hover_at_scene(scene)
    assert text.splitlines()[0] == "c"
    assert "epoch 10" in text and f"{y:.6g}" in text


def test_summary_table_last_best_epoch(panel, series_dir) -> None:
    loss = _loss(series_dir, "a")
    row = panel.summary.row_values(0)
    assert row[0] == "a"
    assert float(row[1]) == pytest.approx(loss[-1], rel=1e-3)  # shown with 4 significant digits
    assert float(row[2]) == pytest.approx(loss.min(), rel=1e-3)  # shown with 4 significant digits
    assert int(row[3]) == int(np.argmin(loss))


def test_unreadable_run_is_a_marked_row(qtbot, panel, series_dir, tmp_path) -> None:
    broken = tmp_path / "broken.h5"
    broken.write_bytes(b"not an hdf5 file")
    refs = [*run_refs(series_dir), RunRef("broken", FileSource(broken))]
    wait_drawn(qtbot, panel, lambda: panel.set_runs(refs))
    assert panel.summary.row_values(4)[:2] == ["broken", "unreadable"]
    assert len([c for c in panel.curves if c.error is None]) == 4


def test_export_png_svg_csv(qtbot, panel, tmp_path, series_dir) -> None:
    png, svg, table = tmp_path / "p.png", tmp_path / "p.svg", tmp_path / "p.csv"
    panel.export("png", png)
    image = QImage(str(png))
    assert not image.isNull() and image.width() >= 800
    panel.export("svg", svg)
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    ns = "{http://www.w3.org/2000/svg}"
    assert len(root.findall(f".//{ns}polyline")) >= 4  # the curves stay vector lines
    with qtbot.waitSignal(panel.status, timeout=10000):
        panel.export("csv", table)
    with table.open() as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0].keys() == {"run", "epoch", "value", "smoothed"}
    a = [float(r["value"]) for r in rows if r["run"] == "a"]
    assert np.allclose(a, _loss(series_dir, "a"))
    assert len(rows) == 4 * 60
