"""Dataset views (issue 13): strided axes in dataset indices with a cursor readout, manual
levels kept across slices, Esc and Cancel with a way to read again, non-finite values marked,
compound cells written as the Value view writes them."""

from __future__ import annotations

import threading

import h5py
import numpy as np
import pytest
from browser.gui_helpers import wait_idle
from PySide6.QtCore import QPointF, Qt

from gui.browser import image_view


@pytest.fixture()
def sample(tmp_path):
    path = tmp_path / "views.h5"
    sex = h5py.enum_dtype({"MALE": 0, "FEMALE": 1}, basetype="i1")
    text = h5py.string_dtype()
    people = np.dtype([("name", text), ("sex", sex), ("kids", h5py.vlen_dtype(text))])
    with h5py.File(path, "w") as f:
        f.create_dataset("grid", data=np.arange(400 * 500, dtype="f8").reshape(400, 500),
                         chunks=(100, 100), compression="gzip")
        f["stack"] = np.random.default_rng(0).random((3, 32, 40))
        f["bad"] = np.array([np.inf, -np.inf, np.nan, 0.0, -0.0])
        rows = f.create_dataset("people", (2,), dtype=people)
        rows[0] = ("Ann", 1, np.array([b"James", b"Jo"], dtype=object))
        rows[1] = ("Bob", 0, np.array([b"X"], dtype=object))
        f["sex"] = np.array([0, 1, 1], dtype=sex)
    return path


def show(qtbot, panel, path, target):
    if not panel.model.rowCount():
        panel.open_paths([str(path)])
        wait_idle(qtbot, panel)
    panel.show_target(target)
    wait_idle(qtbot, panel)
    return panel.viewer.current_view()


def hover(view, plot_item, x, y) -> str:
    """Move the mouse (as the scene reports it) to plot coordinates (x, y)."""
    scene_pos = plot_item.getViewBox().mapViewToScene(QPointF(x, y))
    plot_item.scene().sigMouseMoved.emit(scene_pos)
    return view.readout.text()


def test_strided_image_axes_are_dataset_indices(qtbot, panel, sample, monkeypatch) -> None:
    monkeypatch.setattr(image_view, "BUDGET", 256 * 1024)  # 1.6 MB of data: a strided preview
    view = show(qtbot, panel, sample, "/grid#image")
    assert view.title == "Image" and "Preview" in view.banner.text()
    stride = view._origin[2]
    assert stride > 1
    bounds = view.image.mapRectToParent(view.image.boundingRect())
    assert bounds.width() == pytest.approx(500, abs=stride)
    assert bounds.height() == pytest.approx(400, abs=stride)
    (x0, x1), (y0, y1) = view.view.viewRange()
    assert x1 - x0 >= 450 and y1 - y0 >= 350  # not 0-83 (preview pixels)
    row, col = 3 * stride + 1, 7 * stride + 2  # inside the pixel read at (3s, 7s)
    text = hover(view, view.view, col + 0.5, row + 0.5)
    value = (3 * stride) * 500 + 7 * stride
    assert f"axis 0 = {3 * stride:,}" in text and f"axis 1 = {7 * stride:,}" in text
    assert text.endswith(f"{float(value):.6g}")


def test_curve_readout_names_index_and_value(qtbot, panel, sample) -> None:
    view = show(qtbot, panel, sample, "/bad#curve")
    assert hover(view, view.plot.getPlotItem(), 3.1, 0.0) == "index 3: 0"


def test_manual_levels_survive_a_slice_change(qtbot, panel, sample) -> None:
    view = show(qtbot, panel, sample, "/stack#image")
    view.histogram.setLevels(0.2, 0.4)
    view.histogram.sigLevelChangeFinished.emit(view.histogram)  # as a drag ends
    view.axes.set_index(0, 2)
    wait_idle(qtbot, panel)
    assert "[2, :, :]" in view.view.titleLabel.text
    assert view.histogram.getLevels() == pytest.approx((0.2, 0.4))
    assert view.image.levels == pytest.approx((0.2, 0.4))
    show(qtbot, panel, sample, "/grid#image")  # another dataset: automatic levels again
    assert view.histogram.getLevels() == pytest.approx((0, 400 * 500 - 1))


def test_escape_cancels_a_slow_read_from_the_tree(qtbot, panel, sample) -> None:
    show(qtbot, panel, sample, "/people")
    source = panel.model.item(panel.model.index(0, 0)).source
    real_read, started = source.read, threading.Event()

    def slow_read(path, *args, cancel=None, **kwargs):
        started.set()
        cancel.wait(20)  # until cancelled
        raise InterruptedError("cancelled")

    source.read = slow_read
    panel.show_target("/grid#curve")
    qtbot.waitUntil(started.is_set)
    view = panel.viewer.current_view()
    assert view.is_busy()
    panel.tree.setFocus()
    qtbot.keyClick(panel.tree, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not view.is_busy())
    assert "cancelled" in view.banner.text() and "Read again" in view.banner.text()
    assert view.banner.isVisible() and view.shown_data() is None
    source.read = real_read
    view.banner.linkActivated.emit("retry")
    wait_idle(qtbot, panel)
    assert not view.banner.isVisible() and view.shown_data().size == 500


def test_curve_marks_non_finite_values(qtbot, panel, sample) -> None:
    view = show(qtbot, panel, sample, "/bad")
    assert view.title == "Curve"
    points = view.markers.points()
    assert sorted(p.pos().x() for p in points) == [0, 1, 2]
    assert sorted(p.symbol() for p in points) == ["t", "t1", "x"]
    assert "1 nan" in view.banner.text() and "1 +inf" in view.banner.text()
    view.plot.getPlotItem().getViewBox().scaleBy((0.5, 0.5))  # zoom: markers stay
    qtbot.wait(50)
    assert len(view.markers.points()) == 3
    assert np.isfinite(np.array(view.plot.viewRange())).all()


def test_compound_cells_read_as_the_value_view(qtbot, panel, sample) -> None:
    view = show(qtbot, panel, sample, "/people#table")
    model = view.model
    model.data(model.index(0, 0))
    wait_idle(qtbot, panel)
    cells = [[model.data(model.index(r, c)) for c in range(3)] for r in range(2)]
    assert cells == [["Ann", "FEMALE (1)", "[James, Jo]"], ["Bob", "MALE (0)", "[X]"]]
    value = show(qtbot, panel, sample, "/people#value").text.toPlainText()
    assert "sex: FEMALE (1)" in value and "kids: [James, Jo]" in value


def test_exports_are_whole_or_absent(qtbot, panel, sample, tmp_path) -> None:
    import warnings

    out = tmp_path / "out"
    out.mkdir()
    view = show(qtbot, panel, sample, "/people#value")
    said = []
    panel.viewer.message.connect(said.append)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's "metadata on a dtype is not saved" included
        panel.viewer.export_data(str(out / "people.npy"))  # vlen strings: .npy cannot
        wait_idle(qtbot, panel)
        assert said and said[-1].startswith("Export failed")
        assert list(out.iterdir()) == []  # no half file, no temporary left
        show(qtbot, panel, sample, "/sex#value")
        panel.viewer.export_data(str(out / "sex.npy"))
        wait_idle(qtbot, panel)
    assert said[-1].startswith("Saved")
    assert [p.name for p in out.iterdir()] == ["sex.npy"]
    np.testing.assert_array_equal(np.load(out / "sex.npy"), [0, 1, 1])
    assert view is not None
