"""The browser panel with pytest-qt on files made here: expand, select, view, export, reload."""

from __future__ import annotations

import threading
from pathlib import Path

import h5py
import numpy as np
import pytest
from browser.gui_helpers import select, wait_idle
from PySide6.QtGui import QGuiApplication

from gui.browser.table_model import BLOCK_ROWS, CACHE_BLOCKS


@pytest.fixture()
def sample(tmp_path):
    path = tmp_path / "sample.h5"
    with h5py.File(path, "w") as f:
        f.attrs["config"] = '{"lr": 0.01}'
        g = f.create_group("train")
        g["loss"] = np.linspace(2, 0, 500)
        g["images"] = np.random.default_rng(0).random((3, 32, 40)).astype("f4")
        g["table"] = np.arange(24).reshape(2, 3, 4)
        f["rec"] = np.array([(1, 0.5), (2, 0.25)], dtype=[("epoch", "i4"), ("loss", "f8")])
        f["name"] = "resnet"
        f["gone"] = h5py.SoftLink("/nowhere")
        wide = f.create_group("wide")
        for i in range(3000):
            wide[f"m{i:05d}"] = i
    return path


def open_and_find(qtbot, panel, path, target):
    panel.open_paths([str(path)])
    wait_idle(qtbot, panel)
    panel.show_target(target)
    wait_idle(qtbot, panel)
    return panel.model.node(panel.tree.currentIndex())


def test_expand_lists_children_in_batches(qtbot, panel, sample) -> None:
    panel.open_paths([str(sample)])
    wait_idle(qtbot, panel)
    top = panel.model.index(0, 0)
    names = [panel.model.node(panel.model.index(r, 0, top)).name
             for r in range(panel.model.rowCount(top))]
    assert names == ["gone", "name", "rec", "train", "wide"]
    wide = panel.model.index(4, 0, top)
    panel.tree.expand(wide)
    wait_idle(qtbot, panel)
    pages = [panel.model.index(r, 0, wide) for r in range(panel.model.rowCount(wide))]
    assert [panel.model.node(p).name for p in pages] == ["0\u20131,999", "2,000\u20132,999"]
    assert sum(panel.model.rowCount(p) for p in pages) == 3000
    gone = panel.model.node(panel.model.index(0, 0, top))
    assert gone.kind == "broken" and "/nowhere" in gone.error


def test_best_view_per_dataset(qtbot, panel, sample) -> None:
    node = open_and_find(qtbot, panel, sample, "/train/loss")
    assert node.path == "/train/loss"
    assert panel.viewer.current_view().title == "Curve"
    assert panel.viewer.views[1].shown_data().shape == (500,)
    panel.show_target("/train/images")
    wait_idle(qtbot, panel)
    image = panel.viewer.current_view()
    assert image.title == "Image" and image.shown_data().shape == (32, 40)
    image.axes.set_index(0, 2)
    wait_idle(qtbot, panel)
    with h5py.File(sample, "r", locking=False) as f:
        expected = f["train/images"][2]
    np.testing.assert_array_equal(image.shown_data(), expected)
    panel.show_target("/name")
    wait_idle(qtbot, panel)
    assert panel.viewer.current_view().title == "Value"
    assert "resnet" in panel.viewer.current_view().text.toPlainText()


def test_table_of_3d_and_compound(qtbot, panel, sample) -> None:
    open_and_find(qtbot, panel, sample, "/train/table#table")
    table = panel.viewer.current_view()
    assert table.title == "Table"
    model = table.model
    model.data(model.index(0, 0))
    wait_idle(qtbot, panel)
    assert (model.rowCount(), model.columnCount()) == (3, 4)
    assert model.data(model.index(2, 3)) == "11"
    table.axes.set_index(0, 1)
    model.data(model.index(2, 3))
    wait_idle(qtbot, panel)
    assert model.data(model.index(2, 3)) == "23"
    panel.show_target("/rec")
    wait_idle(qtbot, panel)
    model.data(model.index(0, 0))
    wait_idle(qtbot, panel)
    assert [model.headerData(i, h5py_horizontal()) for i in range(2)] == ["epoch", "loss"]
    assert model.data(model.index(1, 1)) == "0.25"


def h5py_horizontal():
    from PySide6.QtCore import Qt

    return Qt.Orientation.Horizontal


def test_attributes_and_properties(qtbot, panel, sample) -> None:
    open_and_find(qtbot, panel, sample, "/")
    attrs = panel.viewer.attributes
    assert attrs.row_count() == 1
    assert '"lr": 0.01' in attrs.detail.toPlainText()
    panel.show_target("/train/loss")
    wait_idle(qtbot, panel)
    rows = panel.viewer.properties.rows()
    assert rows["Shape"] == "500" and rows["Type"] == "float64"


def test_export_csv_npy_png_svg(qtbot, panel, sample, tmp_path) -> None:
    open_and_find(qtbot, panel, sample, "/train/loss")
    viewer = panel.viewer
    viewer.export_data(str(tmp_path / "loss.npy"))
    wait_idle(qtbot, panel)
    np.testing.assert_array_equal(np.load(tmp_path / "loss.npy"), np.linspace(2, 0, 500))
    viewer.export_plot(str(tmp_path / "loss.png"))
    viewer.export_plot(str(tmp_path / "loss.svg"))
    assert (tmp_path / "loss.png").read_bytes()[:4] == b"\x89PNG"
    assert b"<svg" in (tmp_path / "loss.svg").read_bytes()[:2000]
    panel.show_target("/train/table#table")
    wait_idle(qtbot, panel)
    viewer.export_data(str(tmp_path / "plane.csv"))
    wait_idle(qtbot, panel)
    lines = (tmp_path / "plane.csv").read_text().splitlines()
    assert lines[0] == "0,1,2,3" and len(lines) == 3


def test_reload_keeps_expansion_and_selection(qtbot, panel, sample) -> None:
    open_and_find(qtbot, panel, sample, "/train/images")
    panel.reload_current()
    wait_idle(qtbot, panel)
    node = panel.model.node(panel.tree.currentIndex())
    assert node.path == "/train/images"
    top = panel.model.index(0, 0)
    train = next(panel.model.index(r, 0, top) for r in range(panel.model.rowCount(top))
                 if panel.model.node(panel.model.index(r, 0, top)).name == "train")
    assert panel.tree.isExpanded(train)


def test_filter_walks_the_whole_file(qtbot, panel, sample) -> None:
    panel.open_paths([str(sample)])
    wait_idle(qtbot, panel)
    panel.filter.setText("m0299")
    wait_idle(qtbot, panel)
    top = panel.model.index(0, 0)
    wide = panel.model.index(0, 0, top)
    assert panel.model.node(wide).name == "wide"
    assert panel.model.node(panel.model.index(0, 0, wide)).path == "/wide/m02990"
    assert panel.model.rowCount(wide) == 10
    panel.filter.clear()
    wait_idle(qtbot, panel)
    assert panel.model.rowCount(panel.model.index(0, 0)) == 5


def test_copy_path_and_snippet(qtbot, panel, sample) -> None:
    open_and_find(qtbot, panel, sample, "/train/loss")
    panel.copy_path()
    assert QGuiApplication.clipboard().text() == "/train/loss"
    panel.copy_snippet()
    wait_idle(qtbot, panel)
    assert "f['/train/loss'][()]" in QGuiApplication.clipboard().text()


def test_broken_file_is_a_marked_row(qtbot, panel, tmp_path) -> None:
    bad = tmp_path / "bad.h5"
    bad.write_bytes(b"garbage, not HDF5")
    panel.open_paths([str(bad)])
    wait_idle(qtbot, panel)
    node = panel.model.node(panel.model.index(0, 0))
    assert "not an HDF5 file" in node.error
    assert "not an HDF5 file" in panel.viewer.views[-1].text.toPlainText()


def test_table_memory_stays_flat_while_scrolling(qtbot, panel, tmp_path) -> None:
    path = tmp_path / "big.h5"
    with h5py.File(path, "w") as f:  # 10^9 elements, nothing written: reads give the fill value
        f.create_dataset("big", shape=(1_000_000, 1000), dtype="f8", chunks=(1000, 100))
    open_and_find(qtbot, panel, path, "/big#table")
    model = panel.viewer.current_view().model
    table = panel.viewer.current_view().table
    for row in range(0, 1_000_000, 50_000):
        table.scrollTo(model.index(row, row % 1000))
        qtbot.wait(5)
        model.data(model.index(row, 0))
        wait_idle(qtbot, panel)
    assert model.reads >= 20
    assert model.cached_bytes() <= CACHE_BLOCKS * BLOCK_ROWS * 64 * 8
    assert model.data(model.index(999_999, 999)) in ("\u2026", "0")


def test_wide_group_shows_pages_and_finds_members(qtbot, panel, sample, monkeypatch) -> None:
    import gui.browser.tree_model as tree_model

    monkeypatch.setattr(tree_model, "PAGE", 1000)
    node = open_and_find(qtbot, panel, sample, "/wide/m02500")
    assert node.path == "/wide/m02500" and node.shape == ()
    top = panel.model.index(0, 0)
    wide = panel.model.index(4, 0, top)
    pages = [panel.model.node(panel.model.index(r, 0, wide)) for r in range(3)]
    assert panel.model.rowCount(wide) == 3 and pages[2].name == "2,000\u20132,999"
    assert panel.model.rowCount(panel.model.index(2, 0, wide)) == 1000


def test_a_page_row_says_what_it_is(qtbot, panel, sample, monkeypatch) -> None:
    """Selecting a page of a wide group explains the row, not "kind: page"."""
    import gui.browser.tree_model as tree_model

    monkeypatch.setattr(tree_model, "PAGE", 1000)
    open_and_find(qtbot, panel, sample, "/wide/m02500")
    wide = panel.model.index(4, 0, panel.model.index(0, 0))
    select(qtbot, panel, panel.model.index(1, 0, wide))
    text = panel.viewer.current_view().text.toPlainText()
    assert text.startswith("/wide\nmembers 1,000\u20131,999 of this group (1,000)")
    assert "kind: page" not in text


def test_wide_group_streams_its_pages(qtbot, panel, tmp_path, monkeypatch) -> None:
    """The first page of members is in the tree while the listing still runs."""
    import gui.browser.tree_model as tree_model

    monkeypatch.setattr(tree_model, "PAGE", 500)
    path = tmp_path / "wide.h5"
    order = np.random.default_rng(1).permutation(2600)
    with h5py.File(path, "w") as f:  # old-style group: names come in name order, page by page
        wide = f.create_group("wide")
        for i in order:
            wide[f"m{i:05d}"] = i
    panel.open_paths([str(path)])
    wait_idle(qtbot, panel)
    model, top = panel.model, panel.model.index(0, 0)
    wide = model.index(0, 0, top)
    group = model.item(wide)
    # The listing worker waits after its first page until the tree shows that page: it can
    # only go on if pages reach the tree while the listing runs.
    first_shown, waited = threading.Event(), []
    source, listing = group.source, group.source.stream_children

    def stream_children(path, on_page, **kwargs):
        def relay(page):
            on_page(page)
            if page.start == 0:
                waited.append(first_shown.wait(10))
        return listing(path, relay, **kwargs)

    seen = []  # (what got rows, was the listing still running?)

    def inserted(parent, first, last) -> None:
        seen.append((model.node(parent).name, group.state == tree_model.FETCHING))
        if model.node(parent).name == "0\u2013499":
            first_shown.set()

    source.stream_children = stream_children
    model.rowsInserted.connect(inserted)
    panel.tree.expand(wide)
    wait_idle(qtbot, panel)
    assert waited == [True]
    assert seen[0] == ("wide", True)  # the page rows, with the first page
    assert seen[1] == ("0\u2013499", True)  # its members, before the listing completed
    assert [name for name, _ in seen[1:]] == [model.node(model.index(r, 0, wide)).name
                                               for r in range(6)]
    assert group.state == tree_model.FETCHED
    names = [model.node(model.index(r, 0, model.index(p, 0, wide))).name
             for p in range(6) for r in range(model.rowCount(model.index(p, 0, wide)))]
    assert names == sorted(f"m{i:05d}" for i in range(2600))


def test_reload_expands_pages_again(qtbot, panel, sample, monkeypatch) -> None:
    import gui.browser.tree_model as tree_model

    monkeypatch.setattr(tree_model, "PAGE", 1000)
    open_and_find(qtbot, panel, sample, "/wide/m02500")  # expands /wide and its third page
    top = panel.model.index(0, 0)
    panel.tree.expand(panel.model.index(0, 0, panel.model.index(4, 0, top)))
    panel.show_target("/name")  # the selection is elsewhere: only the expansion brings it back
    wait_idle(qtbot, panel)
    panel.reload_current()
    wait_idle(qtbot, panel)
    top = panel.model.index(0, 0)
    wide = panel.model.index(4, 0, top)
    assert panel.model.node(wide).name == "wide" and panel.tree.isExpanded(wide)
    expanded = [r for r in range(panel.model.rowCount(wide))
                if panel.tree.isExpanded(panel.model.index(r, 0, wide))]
    assert expanded == [0, 2]
    assert panel.model.node(panel.tree.currentIndex()).path == "/name"


def test_views_declare_priorities_and_the_best_wins() -> None:
    from gui.browser.data_viewer import VIEWS, best_view
    from storage import NodeInfo, NodeKind

    def node(shape, kind="f"):
        return NodeInfo(path="/x", name="x", kind=NodeKind.DATASET, shape=shape,
                        extra={"dtype_kind": kind})

    cases = {(32, 40): "Image", (8, 40): "Table", (500,): "Curve", (4, 5, 6): "Table",
             (): "Value"}
    assert {shape: best_view(node(shape)) for shape in cases} == cases
    assert best_view(node((500,), kind="U")) == "Table"  # text: no curve
    group = NodeInfo(path="/g", name="g", kind=NodeKind.GROUP)
    assert [v.title for v in VIEWS if v.applicable(group)] == ["Value"]


def test_panel_reports_through_its_signal(qtbot, panel, tmp_path) -> None:
    with qtbot.waitSignal(panel.status_message, timeout=10_000,
                          check_params_cb=lambda text: "Cannot open" in text) as blocker:
        panel.open_paths([str(tmp_path / "missing.h5")])
    assert "missing.h5" in blocker.args[0]


def test_files_are_listed_in_the_order_given_and_a_failure_does_not_take_the_selection(
        qtbot, panel, tmp_path) -> None:
    """Files open in workers and finish in any order; the tree lists them as given, and a file
    that fails does not move the selection off the first one."""
    paths = []
    for i in range(6):
        path = tmp_path / f"f{i}.h5"
        with h5py.File(path, "w") as f:
            f["x"] = np.arange(10 ** (i % 3 + 3))  # sizes differ: workers finish out of order
        paths.append(str(path))
    (tmp_path / "broken.h5").write_bytes(b"not an HDF5 file")
    paths.insert(3, str(tmp_path / "broken.h5"))
    panel.open_paths(paths)
    wait_idle(qtbot, panel)
    model = panel.model
    names = [model.node(model.index(r, 0)).name for r in range(model.rowCount())]
    assert names == [Path(p).name for p in paths]
    current = panel.tree.currentIndex()
    assert not current.parent().isValid() and model.node(current).name != "broken.h5"


def test_model_inserts_sources_by_order() -> None:
    from gui.browser.tree_model import TreeModel
    from storage import NodeInfo

    class Named:
        def __init__(self, name: str) -> None:
            self.name = name

    model = TreeModel()
    for name, order in (("c", 2), ("a", 0), ("d", 3), ("b", 1)):
        model.add_source(Named(name), NodeInfo("/", ""), order)
    assert [model.node(model.index(r, 0)).name for r in range(4)] == ["a", "b", "c", "d"]
    assert [model.item(model.index(r, 0)).row for r in range(4)] == [0, 1, 2, 3]
