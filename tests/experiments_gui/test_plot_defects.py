"""Regression tests of the plot defects found by hand (issue 13): each failed before its fix."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from experiments_gui.expgui_helpers import shown_plot_panel, wait_drawn, write_series
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from gui.plots.plot_panel import PlotPanel
from gui.plots.series_data import FileSource, RunRef


@pytest.fixture
def panel(qtbot, series_dir):
    return shown_plot_panel(qtbot, series_dir)


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


def test_grouped_table_swatches_are_the_group_colours(qtbot, panel) -> None:
    """Grouped, the plot draws one colour per group: the table beside it shows those colours,
    not the run colours that appear nowhere in the plot."""
    controls = panel.controls
    wait_drawn(qtbot, panel, lambda: controls.group_by.setCurrentIndex(
        controls.group_by.findData("architecture")))
    group_of = {rid: g.name for g in panel.groups for rid in g.run_ids}
    table = panel.summary
    assert table.rowCount() == len(group_of)
    for row in range(table.rowCount()):
        item = table.item(row, 0)
        run = item.data(Qt.ItemDataRole.UserRole)
        swatch = item.icon().pixmap(8, 8).toImage().pixelColor(4, 4).name()
        mean = panel.drawer.item(f"group:{group_of[run]}", "mean")
        assert swatch == mean.opts["pen"].color().name(), run
        assert f"group {group_of[run]}" in item.toolTip()


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


def test_many_runs_draw_in_slices_with_a_capped_legend(qtbot, tmp_path, monkeypatch) -> None:
    """158 runs (the demo lab's count) are drawn in slices, with events handled between them.

    Whether the window stays responsive is a matter of time, and tests do not assert on time
    (``bench/bench_plots.py`` measures the worst stall). What is checked is the structure that
    makes it so: with a zero slice length every run is its own slice, each slice goes back to
    the event loop, and a timer gets to run in between.
    """
    from PySide6.QtCore import QTimer

    import gui.plots.plot_panel as panel_module
    from gui.plots.plot_draw import LEGEND_MAX

    monkeypatch.setattr(panel_module, "DRAW_SLICE_S", 0.0)
    rng = np.random.default_rng(1)
    refs = []
    for i in range(158):
        n = 2000 if i % 10 == 0 else 400  # epochs as in the demo lab: mostly short, some long
        path = write_series(tmp_path / f"r{i:03d}.h5", np.exp(-np.arange(n) / 50)
                            + rng.normal(0, 0.01, n))
        refs.append(RunRef(f"h{i:03d}_resnet50_lr1e-3_s{i % 5}", FileSource(path)))
    widget = PlotPanel()
    qtbot.addWidget(widget)
    widget.resize(1100, 650)
    widget.show()
    slices, ticks = [], []
    continue_draw = widget._continue_draw

    def counted() -> None:
        slices.append(len(ticks))
        continue_draw()

    widget._continue_draw = counted
    timer = QTimer(widget, interval=0)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    wait_drawn(qtbot, widget, lambda: widget.set_runs(refs), timeout=60000)
    timer.stop()
    assert len(widget.hover.targets) == 158
    assert len(widget.legend.items) == LEGEND_MAX + 1  # "... and 146 more (see the table)"
    assert "146 more" in widget.legend.items[-1][1].text
    assert len(slices) > 158, "the draw did not go back to the event loop between runs"
    # The timer ran between slices: the event loop was not starved by a chain of slices.
    assert sum(b > a for a, b in itertools.pairwise(slices)) > 100


def test_summary_names_whole_window_size_integer_no_si_prefix(qtbot, tmp_path) -> None:
    name = "h013_convnext-t_lr1e-3_s3"
    write_series(tmp_path / "r.h5", 1e-3 * np.exp(-np.arange(50) / 20))
    widget = PlotPanel()
    qtbot.addWidget(widget)
    widget.resize(1100, 650)
    widget.show()
    ref = RunRef(name, FileSource(tmp_path / "r.h5"))
    wait_drawn(qtbot, widget, lambda: widget.set_runs([ref]))
    table = widget.summary
    assert not table.wordWrap()
    needed = table.fontMetrics().horizontalAdvance(name)
    assert table.columnWidth(0) > needed  # the name is not elided
    assert widget.plot.getAxis("left").labelString() == \
        widget.plot.getAxis("left").labelString().split(" (x")[0]  # no "loss (x0.001)"
    assert "(x" not in widget.plot.getAxis("left").labelString()
    controls = widget.controls
    wait_drawn(qtbot, widget, lambda: controls.smoother.setCurrentIndex(
        controls.smoother.findData("window")))
    assert controls.amount.text() == "20"


def test_hover_label_hides_when_the_mouse_leaves(qtbot, panel, series_dir) -> None:
    import pyqtgraph as pg
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    vb = panel.plot.getViewBox()
    y = float(FileSource(series_dir / "c.h5").read(["loss"])["loss"][10])
    assert panel.hover.hover_at_scene(vb.mapViewToScene(pg.Point(10, y)))
    assert panel.hover._label.isVisible()
    QApplication.sendEvent(panel.plot_widget.viewport(), QEvent(QEvent.Type.Leave))
    assert panel.hover.text == "" and not panel.hover._label.isVisible()


def test_hyperparameter_groups_ignore_results_and_times(tmp_path) -> None:
    """Metadata as a lab record flattens it: config, results and times in one mapping."""
    from gui.plots.plot_data import group_key_function

    def record(seed: int, acc: float, started: str) -> dict:
        return {"architecture": "resnet18", "lr": 0.01, "optimizer": "sgd", "batch_size": 256,
                "dataset": "tiny-imagenet", "seed": seed, "status": "done", "epochs": 30 + seed,
                "started": started, "finished": started.replace("11:", "12:"),
                "accuracy": acc, "loss": 1 - acc, "val_accuracy": acc - 0.1,
                "val_loss": 1.1 - acc, "best_accuracy": acc + 0.01, "best_epoch": 13 + seed,
                "best_val_accuracy": acc, "experiment_id": f"h040_resnet18_lr1e-2_s{seed}",
                "hypothesis_id": "h040", "lab_id": "lab04", "kind": "run",
                "lab_date": "2025-03-22T00:00:00", "tags": "resnet, convnext",
                "result_path": "/x/results/h040_results.json",
                "timeseries_path": f"/x/timeseries/s{seed}.h5", "custom_metric": acc,
                "top1_acc": acc, "f1": acc, "test_perplexity": 3 + seed}

    # the runs log these series; lr too (its schedule), which stays configuration
    key = group_key_function("hyperparameters", {"loss", "accuracy", "custom_metric", "lr"})
    a = key(record(0, 0.94, "2025-01-13T11:49:11"))
    b = key(record(1, 0.91, "2025-01-14T11:02:00"))
    assert a == b
    assert a == "architecture=resnet18, batch_size=256, dataset=tiny-imagenet, lr=0.01, " \
                "optimizer=sgd"
    other = key({**record(2, 0.9, "2025-01-15T11:00:00"), "lr": 0.001})
    assert other != a


def test_std_band_below_zero_on_log_y(qtbot, tmp_path) -> None:
    """mean - std of skewed runs goes below zero: on a log axis the band runs to the bottom of
    the data instead of jumping across the gap (a false triangle)."""
    refs = []
    for i in range(4):
        y = np.exp(-np.arange(100) / 20) * (2.0 if i == 0 else 0.2) + 0.01
        refs.append(RunRef(f"r{i}", FileSource(write_series(tmp_path / f"r{i}.h5", y)),
                           metadata={"g": "a"}))
    widget = PlotPanel()
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    wait_drawn(qtbot, widget, lambda: widget.set_runs(refs))
    controls = widget.controls
    wait_drawn(qtbot, widget, lambda: controls.band.setCurrentIndex(controls.band.findData("std")))
    wait_drawn(qtbot, widget, lambda: controls.group_by.setCurrentIndex(
        controls.group_by.findData("g")))
    group = widget.groups[0]
    assert (group.low < 0).any()
    wait_drawn(qtbot, widget, lambda: controls.log_y.setChecked(True))
    _, shown = widget.drawer.item("group:a", "low").getData()  # log10 of the lower edge
    assert np.isfinite(shown).all()
    floor = min(v[v > 0].min() for v in (group.low, group.mean, group.high))
    assert shown.min() == pytest.approx(np.log10(floor))
    assert _band_y_span(widget, "a")[0] == pytest.approx(np.log10(floor))
    wait_drawn(qtbot, widget, lambda: controls.log_y.setChecked(False))
    _, shown = widget.drawer.item("group:a", "low").getData()
    assert np.allclose(shown, group.low)  # linear again: the real values


def test_group_by_offers_only_fields_that_group_runs() -> None:
    """accuracy, paths, start times and ids differ on every run: grouping by them made one
    group per run. The seed is never offered; a field shared by some runs is."""
    from gui.plots.plot_data import group_fields

    metas = [{"architecture": a, "lr": lr, "seed": s, "accuracy": 0.5 + i / 10,
              "result_path": f"/r/{i}.json", "experiment_id": f"e{i}", "status": "done"}
             for i, (a, lr, s) in enumerate([("vit", 0.1, 0), ("vit", 0.01, 1),
                                              ("mlp", 0.001, 2)])]
    assert group_fields(metas) == ["architecture", "status"]
    assert group_fields(metas[:1]) == []  # one run: nothing to group
