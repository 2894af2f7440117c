"""The Compare view's five tabs on odd runs (missing, NaN, strings), one run, and the demo lab;
brushing becomes a search filter; a scatter click selects the run; the browser's Compare with."""

from __future__ import annotations

import numpy as np
import pytest
from compare.compare_helpers import odd_hits, write_pair
from PySide6.QtGui import QGuiApplication
from support import open_experiments_panel, show_widget

from gui.compare.compare_view import CompareView
from gui.experiments_panel import ExperimentsPanel

WAIT = 120000


@pytest.fixture
def view(qtbot) -> CompareView:
    return show_widget(qtbot, CompareView(), 1200, 700)


def _load(qtbot, view, hits, selected=0) -> None:
    with qtbot.waitSignal(view.loaded, timeout=WAIT):
        view.set_runs(None, hits, selected)


def test_table_sort_reference_and_copy(qtbot, view) -> None:
    _load(qtbot, view, odd_hits())
    table = view.table
    assert table.model.rowCount() == 12 and "epochs=10" in table.same.text()
    table.sort_by("accuracy", descending=True)
    first = table.model.index(0, 0).data()
    assert first == "run11"
    last = table.model.index(11, 0).data()
    assert last == "run03"  # NaN accuracy sorts last
    table.set_reference(0)
    lr_col = 1
    background = table.model.index(1, lr_col).data(8)  # run10 lr differs from run00's
    assert background is not None
    text = table.copy("markdown")
    assert text.startswith("| run |") and QGuiApplication.clipboard().text() == text
    assert table.copy("csv").splitlines()[1].startswith("run11,")


def test_parallel_axes_nan_missing_log_and_brush(qtbot, view) -> None:
    _load(qtbot, view, odd_hits())
    par = view.parallel
    view.show_tab("parallel")
    names = [a.name for a in par.axes]
    assert names == ["lr", "optimizer", "seed", "accuracy"]
    lr = par.axes[0]
    assert lr.log and lr.y[7] == -0.2  # missing lr
    assert par.axes[-1].y[3] == -0.1  # NaN accuracy
    assert par.axes[1].y[5] == -0.2  # missing optimizer
    with qtbot.waitSignal(par.brushed) as caught:
        par.brush(0, 0.6, 1.05)
    text, field = caught.args
    assert field == "lr" and text.startswith("lr >= 0.00") and "<=" not in text
    assert par.kept.sum() == 4  # lr 1e-2 runs: 2, 5, 8, 11
    with qtbot.waitSignal(par.brushed) as caught:
        par.brush(1, 0.5, 1.05)
    assert caught.args == ['optimizer in ("sgd")', "optimizer"]
    assert list(np.flatnonzero(par.kept)) == [11]  # run05 has no optimizer
    par.set_log("lr", False)
    assert not par.axes[0].log and not par.brushes
    par.show_axis("seed", False)
    assert [a.name for a in par.axes] == ["lr", "optimizer", "accuracy"]


def test_scatter_categories_hover_and_click(qtbot, view) -> None:
    _load(qtbot, view, odd_hits())
    view.show_tab("scatter")
    sc = view.scatter
    sc.choose(x="optimizer", y="accuracy", color="lr")
    assert len(sc.rows) == 10  # a NaN accuracy and a missing optimizer are left out
    assert "2 without both values" in sc.hovered.text()
    point = next(p for item in sc.bands for p in item.points() if p.data() == 0)
    sc._hovered(None, [point])
    assert sc.hovered.text().startswith("run00: accuracy = 0.5")
    with qtbot.waitSignal(view.run_clicked) as caught:
        sc._clicked(None, [point])
    assert caught.args == ["run00"]


def test_importance_and_diff(qtbot, view) -> None:
    _load(qtbot, view, odd_hits())
    view.show_tab("importance")
    imp = view.importance
    assert imp.view.rowCount() == 4
    assert "Too few runs" not in imp.note.text()
    assert {imp.view.item(r, 0).text() for r in range(4)} == {"lr", "seed", "optimizer",
                                                            "epochs"}
    view.show_tab("diff")
    diff = view.diff
    diff.compare("run00", "run05")
    paths = [d.path for d in diff.table.differences]
    assert "config.optimizer" in paths and "config.epochs" not in paths
    diff.set_show_all(True)
    assert "config.epochs" in [d.path for d in diff.table.differences]
    diff.compare("run01", "run01")
    assert "same" in diff.summary.text()


def test_single_run(qtbot, view) -> None:
    _load(qtbot, view, odd_hits(1))
    assert view.table.model.rowCount() == 1
    for tab in ("parallel", "importance", "diff", "scatter"):
        view.show_tab(tab)
    assert view.parallel.axes[-1].name == "accuracy"
    assert "Too few runs" in view.importance.note.text() or not view.importance.results
    assert "Only one run" in view.diff.summary.text()
    view.scatter.redraw()


def test_few_runs_say_too_few(qtbot, view) -> None:
    _load(qtbot, view, odd_hits(4))
    view.show_tab("importance")
    assert "Too few runs" in view.importance.note.text()


@pytest.fixture
def panel(qtbot, compare_lab) -> ExperimentsPanel:
    return open_experiments_panel(qtbot, compare_lab, WAIT)


def test_demo_lab_brush_becomes_search_filter(qtbot, panel) -> None:
    listed = panel.search.model.rowCount()
    with qtbot.waitSignal(panel.compare.loaded, timeout=WAIT):
        panel.show_compare("parallel")
    assert len(panel.compare.data.runs) == listed > 10
    par = panel.compare.parallel
    lr = par.axis_index("lr")
    with qtbot.waitSignal(panel.search.results_shown, timeout=WAIT):
        par.brush(lr, 0.5, 1.05)
    expression = panel.search.filters.text()
    assert expression.startswith("lr >= ")
    qtbot.waitUntil(lambda: not panel.is_busy(), timeout=WAIT)
    hits = panel.search.model.hits()
    assert 0 < len(hits) < listed and all(h.metadata["lr"] >= 1e-3 for h in hits)
    assert len(panel.compare.data.runs) == len(hits)
    # a second brush on the same axis replaces the first clause
    with qtbot.waitSignal(panel.search.results_shown, timeout=WAIT):
        panel.search.add_filter("lr >= 0.003", "lr")
    assert panel.search.filters.text() == "lr >= 0.003"
    qtbot.waitUntil(lambda: not panel.is_busy(), timeout=WAIT)


def test_demo_lab_click_selects_everywhere(qtbot, panel) -> None:
    with qtbot.waitSignal(panel.compare.loaded, timeout=WAIT):
        panel.show_compare("scatter")
    target = panel.compare.data.table.ids[3]
    panel.compare.scatter.click_run(target)
    assert [h.id for h in panel.search.selected_hits()] == [target]
    panel.search.select_rows([0, 1, 2])
    panel.compare.show_tab("table")
    qtbot.waitUntil(lambda: panel.compare.table.model.rowCount() == 3, timeout=WAIT)
    assert "3 selected" in panel.compare.caption.text()


def test_browser_compare_with(qtbot, tmp_path) -> None:
    from gui.browser.panel import BrowserPanel

    a, b = write_pair(tmp_path)
    browser = BrowserPanel()
    qtbot.addWidget(browser)
    browser.show()
    browser.open_paths([str(a), str(b)])
    qtbot.waitUntil(lambda: browser.model.rowCount() == 2 and not browser.is_busy(),
                    timeout=WAIT)
    browser.tree.setCurrentIndex(browser.model.index(0, 0))
    assert browser.compare_with_marked() is None  # nothing marked yet: this marks it
    browser.tree.setCurrentIndex(browser.model.index(1, 0))
    dialog = browser.compare_with_marked()
    qtbot.waitUntil(lambda: not browser.is_busy(), timeout=WAIT)
    notes = {(d.path, d.note) for d in dialog.table.differences}
    assert ("/train/loss", "dtype") in notes and ("/@lr", "attribute") in notes
    assert "difference" in dialog.summary.text()
    dialog.close()
    assert np.isfinite(len(notes))


def test_demo_lab_every_tab(qtbot, panel) -> None:
    """The screenshot path: all listed runs, best first, best as reference, best two diffed."""
    with qtbot.waitSignal(panel.compare.loaded, timeout=WAIT):
        panel.show_target("compare:table")
    compare = panel.compare
    accuracy = compare.data.table.column("accuracy")
    best = compare.table.model.index(0, 0).data()
    assert best == compare.data.table.ids[int(np.nanargmax(accuracy.values))]
    assert compare.table.model.ref == compare.table.model.table_row(0)
    assert compare.table.copy("csv").splitlines()[1].startswith(best + ",")
    assert [a.name for a in compare.parallel.axes][-1] == "accuracy"
    assert compare.parallel.axes[compare.parallel.axis_index("lr")].log
    assert compare.importance.results and all(r.n > 8 for r in compare.importance.results)
    assert any(r.name == "lr" and r.verdict == "ok" for r in compare.importance.results)
    assert compare.diff.run_a.currentText() == best
    assert compare.diff.table.differences and "difference" in compare.diff.summary.text()
    qtbot.waitUntil(lambda: not panel.is_busy(), timeout=WAIT)


def test_actions_in_any_state_do_nothing_wrong(qtbot, view) -> None:
    """What a random walk may do: every public action before runs arrive and with bad names."""
    def poke() -> None:
        view.table.set_reference(99)
        view.table.sort_by("nope")
        view.table.copy("markdown")
        view.parallel.brush(42, 0.2, 0.4)
        view.parallel.clear_brushes()
        view.parallel.set_log("nope", True)
        view.parallel.show_axis("nope")
        view.scatter.choose(x="nope", y="nope", color="nope")
        view.importance.set_metric("nope")
        view.diff.compare("nope", "nada")
        view.diff.set_show_all(True)
        for tab in ("table", "parallel", "scatter", "importance", "diff"):
            view.show_tab(tab)

    poke()
    _load(qtbot, view, odd_hits(3))
    poke()
    qtbot.waitUntil(lambda: not view.is_busy(), timeout=WAIT)


def _drag(qtbot, par, axis: int, y_from: float, y_to: float) -> None:
    """A real mouse drag along ``axis`` (data units 0..1), as events to the plot's viewport."""
    from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    box = par.plot.getPlotItem().getViewBox()
    viewport = par.plot.viewport()

    def at(y: float) -> QPointF:
        return QPointF(par.plot.mapFromScene(box.mapViewToScene(QPointF(axis, y))))

    def send(kind, y: float, button, buttons) -> None:
        pos = at(y)
        glob = QPointF(viewport.mapToGlobal(QPoint(int(pos.x()), int(pos.y()))))
        QApplication.sendEvent(viewport, QMouseEvent(kind, pos, glob, button, buttons,
                                                     Qt.KeyboardModifier.NoModifier))

    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    send(QEvent.Type.MouseMove, y_from, none, none)  # the pointer gets there first (hover)
    qtbot.wait(5)
    send(QEvent.Type.MouseButtonPress, y_from, left, left)
    for step in range(1, 11):
        send(QEvent.Type.MouseMove, y_from + (y_to - y_from) * step / 10, none, left)
        qtbot.wait(5)
    send(QEvent.Type.MouseButtonRelease, y_to, left, none)


def test_a_drag_along_an_axis_brushes_the_range_dragged_over(qtbot, view) -> None:
    """A drag down a full-height brush moved it (a one-sided filter keeping the other side);
    it draws the range dragged over. Inside a narrowed brush a drag moves it."""
    _load(qtbot, view, odd_hits())
    par = view.parallel
    view.show_tab("parallel")
    qtbot.waitUntil(lambda: not par.is_busy(), timeout=WAIT)
    acc = len(par.axes) - 1
    with qtbot.waitSignal(par.brushed, timeout=WAIT) as caught:
        _drag(qtbot, par, acc, 0.8, 0.3)
    low, high = par.brushes[acc]
    assert abs(low - 0.3) < 0.03 and abs(high - 0.8) < 0.03
    text, field = caught.args
    assert field == "accuracy" and "accuracy >= " in text and "accuracy <= " in text
    with qtbot.waitSignal(par.brushed, timeout=WAIT):  # inside: the range moves, same height
        _drag(qtbot, par, acc, 0.5, 0.6)
    low, high = par.brushes[acc]
    assert abs(low - 0.4) < 0.03 and abs(high - 0.9) < 0.03
    with qtbot.waitSignal(par.brushed, timeout=WAIT):  # outside it: a new range
        _drag(qtbot, par, acc, 0.05, 0.2)
    low, high = par.brushes[acc]
    assert abs(low - 0.05) < 0.03 and abs(high - 0.2) < 0.03
