"""The search panel on a generated lab with a real embedded Chroma index: text, filters, both,
states for every failure, remembered columns, selection that plots, double-click to open."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
from experiments_gui.expgui_helpers import make_lab
from PySide6.QtCore import Qt
from support import open_experiments_panel

from gui.experiments_panel import ExperimentsPanel

WAIT = 120000  # ms; the first query loads the embedding model


@pytest.fixture(scope="session")
def indexed_lab(tmp_path_factory) -> Path:
    from storage import Lab

    folder = make_lab(tmp_path_factory.mktemp("lab"))
    summary = Lab(folder).reindex()
    assert summary.indexed == 7 and not summary.failed
    return folder


@pytest.fixture
def panel(qtbot, indexed_lab) -> ExperimentsPanel:
    return open_experiments_panel(qtbot, indexed_lab, WAIT)


def _open_unshown(qtbot, lab) -> ExperimentsPanel:
    """The panel (never shown) once opening ``lab`` has shown its results or its state."""
    widget = ExperimentsPanel()
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.search.results_shown, timeout=WAIT):
        widget.open_lab(str(lab))
    return widget


def _ids(panel) -> list[str]:
    return [h.id for h in panel.search.model.hits()]


def _search(qtbot, panel, text=None, where=None) -> None:
    search = panel.search
    with qtbot.waitSignal(search.results_shown, timeout=WAIT):
        if text is not None:
            search.query.setText(text)
        if where is not None:
            search.filters.expression.setText(where)
    qtbot.waitUntil(lambda: not search.is_busy(), timeout=WAIT)


def test_listing_sorted_by_accuracy(panel) -> None:
    assert panel.search.stack.currentWidget() is panel.search.table
    assert len(_ids(panel)) == 7
    accuracies = [h.metadata["accuracy"] for h in panel.search.model.hits()]
    assert accuracies == sorted(accuracies, reverse=True)
    assert "listing" in panel.search.count_label.text()


def test_text_query_ranks_by_meaning(qtbot, panel) -> None:
    _search(qtbot, panel, text="vision transformer that plateaus")
    hits = panel.search.model.hits()
    assert hits[0].metadata["architecture"] == "vit"
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    col = panel.search.model.column_of("distance")
    assert panel.search.model.index(0, col).data() == f"{hits[0].distance:.4f}"
    # The fused order is not the distance order: "#" keeps it, and sorting by it restores it.
    rank = panel.search.model.column_of("rank")
    assert [panel.search.model.index(r, rank).data() for r in range(len(hits))] == [
        str(r + 1) for r in range(len(hits))]
    panel.search.model.sort(col, Qt.SortOrder.AscendingOrder)
    panel.search.model.sort(rank, Qt.SortOrder.AscendingOrder)
    assert [h.id for h in panel.search.model.hits()] == [h.id for h in hits]
    why = panel.search.model.index(0, panel.search.model.column_of("why"))
    assert "vision" in why.data() and "Rank by meaning" in why.data(Qt.ItemDataRole.ToolTipRole)


def test_filter_built_with_rows(qtbot, panel) -> None:
    builder = panel.search.filters
    with qtbot.waitSignal(panel.search.results_shown, timeout=WAIT):
        builder.add_row().set_condition("accuracy", ">", "0.9")
    assert builder.text() == "accuracy > 0.9"
    assert sorted(_ids(panel)) == ["h001_resnet50_lr0.0003_s0", "h001_resnet50_lr0.0003_s1"]
    with qtbot.waitSignal(panel.search.results_shown, timeout=WAIT):
        builder.add_row().set_condition("status", "==", "running", joiner="or")
    assert builder.text() == 'accuracy > 0.9 or status == "running"'
    assert len(_ids(panel)) == 3


def test_filter_row_offers_index_fields(panel) -> None:
    row = panel.search.filters.add_row()
    row.field.setCurrentText("architecture")
    assert [row.op.itemText(i) for i in range(row.op.count())] == ["==", "!=", "in", "not in"]
    values = {row.value.itemText(i) for i in range(row.value.count())}
    assert values == {"resnet50", "vit", "mlp"}
    row.field.setCurrentText("lr")
    assert "…" in row.value.lineEdit().placeholderText()  # the range from the index


def test_text_and_filter_together(qtbot, panel) -> None:
    _search(qtbot, panel, text="transformer", where='architecture in (vit) and status == "done"')
    hits = panel.search.model.hits()
    assert sorted(h.id for h in hits) == ["h002_vit_lr0.001_s0", "h002_vit_lr0.001_s1"]
    assert all(h.distance is not None for h in hits)
    tip = panel.search.model.index(0, panel.search.model.column_of("why")).data(
        Qt.ItemDataRole.ToolTipRole)
    assert "Filter that applied: architecture in (vit)" in tip


def test_bad_filter_keeps_results_and_says_why(qtbot, panel) -> None:
    before = _ids(panel)
    panel.search.filters.expression.setText("accuracy >")
    qtbot.waitUntil(lambda: panel.search.filters.error.isVisible(), timeout=5000)
    assert "Filter" in panel.search.filters.error.text()
    assert _ids(panel) == before


def test_unknown_field_is_red_and_names_the_closest(qtbot, panel) -> None:
    before = _ids(panel)
    panel.search.filters.expression.setText("acuracy > 0.9")
    qtbot.waitUntil(lambda: panel.search.filters.error.isVisible(), timeout=5000)
    assert "unknown field 'acuracy'" in panel.search.filters.error.text()
    assert "accuracy" in panel.search.filters.error.text().split("mean")[1]
    assert panel.search.filters.error.objectName() == "errorState"
    assert _ids(panel) == before


def test_filter_chips_are_offered_never_applied(qtbot, panel) -> None:
    _search(qtbot, panel, text="diverged runs with adamw")
    chips = panel.search.chips
    assert chips.isVisible()
    assert chips.expressions() == ['status == "diverged"', 'optimizer == "adamw"']
    assert panel.search.filters.text() == ""  # offered only
    assert len(_ids(panel)) == 7  # nothing filtered away
    with qtbot.waitSignal(panel.search.results_shown, timeout=WAIT):
        chips.buttons[0].click()
    qtbot.waitUntil(lambda: not panel.search.is_busy(), timeout=WAIT)
    assert panel.search.filters.text() == 'status == "diverged"'
    assert all(h.metadata["status"] == "diverged" for h in panel.search.model.hits())
    assert chips.expressions() == ['optimizer == "adamw"']  # the applied one is gone
    chips.dismiss('optimizer == "adamw"')
    assert not chips.isVisible()


def test_no_results_state(qtbot, panel) -> None:
    _search(qtbot, panel, where="accuracy > 2")
    assert panel.search.stack.currentWidget() is panel.search.state
    assert panel.search.state.kind == "no-results"
    assert "No runs match" in panel.search.state.title.text()


def test_sorting_by_a_column(panel) -> None:
    model = panel.search.model
    from PySide6.QtCore import Qt

    model.sort(model.column_of("lr"), Qt.SortOrder.AscendingOrder)
    lrs = [h.metadata["lr"] for h in model.hits()]
    assert lrs == sorted(lrs)
    model.sort(model.column_of("id"), Qt.SortOrder.DescendingOrder)
    assert _ids(panel) == sorted(_ids(panel), reverse=True)


def test_columns_are_chosen_and_remembered(qtbot, panel, indexed_lab) -> None:
    columns = panel.search.columns
    assert "optimizer" not in columns.visible_keys()
    columns.set_visible("optimizer", True)
    columns.set_visible("lr", False)
    assert "optimizer" in columns.visible_keys() and "lr" not in columns.visible_keys()
    again = ExperimentsPanel()
    qtbot.addWidget(again)
    with qtbot.waitSignal(again.search.results_shown, timeout=WAIT):
        again.open_lab(str(indexed_lab))
    visible = again.search.columns.visible_keys()
    assert "optimizer" in visible and "lr" not in visible


def test_selection_plots_the_runs(qtbot, panel) -> None:
    search, plots = panel.search, panel.plots
    rows = [r for r, h in enumerate(search.model.hits()) if h.metadata["architecture"] == "vit"]
    with qtbot.waitSignal(plots.drawn, timeout=WAIT):
        search.select_rows(rows)
    qtbot.waitUntil(lambda: not plots.is_busy() and len(plots.curves) == 3, timeout=WAIT)
    assert {c.run_id for c in plots.curves} == {h.id for h in search.selected_hits()}
    assert all(c.error is None and c.raw.size == 40 for c in plots.curves)


def test_run_with_inline_history_plots_too(qtbot, panel) -> None:
    search, plots = panel.search, panel.plots
    row = next(r for r, h in enumerate(search.model.hits()) if h.id == "h003_mlp_lr0.001_s0")
    with qtbot.waitSignal(plots.drawn, timeout=WAIT):
        search.select_rows([row])
    qtbot.waitUntil(lambda: len(plots.curves) == 1 and not plots.is_busy(), timeout=WAIT)
    assert plots.curves[0].error is None and plots.curves[0].raw.size == 8


def test_double_click_opens_series_and_results(qtbot, panel, indexed_lab, monkeypatch) -> None:
    from gui.search import search_jobs

    looked_up_on = []
    real_files_of = search_jobs.files_of

    def files_of(lab, hit):  # the real lookup; only notes which thread ran it
        looked_up_on.append(threading.current_thread() is threading.main_thread())
        return real_files_of(lab, hit)

    monkeypatch.setattr(search_jobs, "files_of", files_of)
    search = panel.search
    row = next(r for r, h in enumerate(search.model.hits()) if h.id == "h002_vit_lr0.001_s0")
    with qtbot.waitSignal(panel.open_files_requested, timeout=5000) as blocker:
        search.table.doubleClicked.emit(search.model.index(row, 0))
    assert looked_up_on == [False]  # the manifest and the disk were read in a worker
    series, results = blocker.args[0]
    assert Path(series) == indexed_lab / "timeseries" / "h002_vit_lr0.001_s0.h5"
    assert Path(results) == indexed_lab / "results" / "h002_results.json"


def test_unindexed_lab_is_indexed_with_progress(qtbot, tmp_path) -> None:
    folder = make_lab(tmp_path / "fresh")
    widget = ExperimentsPanel()
    qtbot.addWidget(widget)
    seen = []
    widget.search.status.connect(seen.append)
    with qtbot.waitSignal(widget.search.results_shown, timeout=WAIT):
        widget.open_lab(str(folder))
    assert widget.search.state.progress.maximum() == 3  # three result files
    assert len(_ids(widget)) == 7
    assert any("Indexed 7 run(s)" in s for s in seen)
    assert (folder / ".loupe" / "index").is_dir()


def test_broken_index_is_a_clear_state(qtbot, tmp_path) -> None:
    folder = make_lab(tmp_path / "broken")
    (folder / ".loupe").mkdir()
    (folder / ".loupe" / "index").write_text("not a folder")  # what Chroma cannot open
    widget = _open_unshown(qtbot, folder)
    state = widget.search.state
    assert state.kind == "error" and "locked or broken" in state.title.text()
    assert state.retry.isVisibleTo(widget)
    assert (folder / ".loupe" / "index").read_text() == "not a folder"  # never deleted


def test_server_down_is_a_clear_state(qtbot, tmp_path, indexed_lab) -> None:
    from gui.search.settings_dialog import SearchSettings, save

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    save(SearchSettings(lab="", host="127.0.0.1", port=port, timeout_s=1.0))
    widget = _open_unshown(qtbot, indexed_lab)
    state = widget.search.state
    assert state.kind == "error" and "Chroma server" in state.title.text()
    assert f"127.0.0.1:{port}" in state.message.text()


def test_missing_lab_folder(qtbot, tmp_path) -> None:
    widget = _open_unshown(qtbot, tmp_path / "nowhere")
    assert widget.search.state.title.text() == "Lab folder not found."


def test_return_in_a_plot_box_does_not_open_the_run(qtbot, panel) -> None:
    from PySide6.QtCore import Qt

    search, plots = panel.search, panel.plots
    rect = search.table.visualRect(search.model.index(0, 0))
    with qtbot.waitSignal(plots.drawn, timeout=WAIT):  # a click: selected and current
        qtbot.mouseClick(search.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    opened = []
    panel.open_files_requested.connect(opened.append)
    panel.activateWindow()  # window-wide shortcuts need an active window
    qtbot.waitUntil(panel.isActiveWindow, timeout=5000)
    for box in (plots.controls.amount, plots.controls.interval):
        box.setEnabled(True)
        box.setFocus()
        qtbot.waitUntil(box.hasFocus, timeout=5000)
        qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.wait(300)  # a wrong shortcut would have asked a worker for the run's files by now
    assert opened == []
    search.table.setFocus()
    qtbot.waitUntil(search.table.hasFocus, timeout=5000)
    with qtbot.waitSignal(panel.open_files_requested, timeout=10000):  # the table's Return
        qtbot.keyClick(search.table, Qt.Key.Key_Return)
    assert len(opened) == 1


def test_switching_labs_clears_curves_and_filter(qtbot, panel, tmp_path) -> None:
    search, plots = panel.search, panel.plots
    _search(qtbot, panel, where="architecture == 'vit'")
    with qtbot.waitSignal(plots.drawn, timeout=WAIT):
        search.select_rows([0, 1])
    assert len(plots.curves) == 2
    other = make_lab(tmp_path / "other", epochs=12)
    with qtbot.waitSignal(search.results_shown, timeout=WAIT), \
            qtbot.waitSignal(plots.drawn, timeout=WAIT):
        panel.open_lab(str(other))
    assert plots.curves == [] and plots.drawer.hover_targets == []
    assert search.filters.text() == "" and search.query.text() == ""
    assert len(_ids(panel)) == 7  # the new lab's runs, not "No runs match"


def test_an_empty_lab_says_what_loupe_looks_for(qtbot, tmp_path) -> None:
    from storage import sources_looked_for

    widget = _open_unshown(qtbot, tmp_path)
    state = widget.search.state
    assert state.kind == "no-results" and "no indexed runs" in state.title.text()
    assert sources_looked_for("\n") in state.message.text()  # every kind the registry knows
    assert "TensorBoard logs" in state.message.text()


def test_selection_survives_a_new_filter(qtbot, panel) -> None:
    """Filter, then select, then narrow (a brush in Compare adds a filter): the runs still
    listed stay selected; the others are dropped, with a signal the plots follow."""
    search = panel.search
    hits = search.model.hits()
    vit = [r for r, h in enumerate(hits) if h.metadata["architecture"] == "vit"]
    other = next(r for r, h in enumerate(hits) if h.metadata["architecture"] != "vit")
    search.select_rows([*vit, other])
    wanted = {hits[r].id for r in vit}
    with qtbot.waitSignal(search.selection_changed, timeout=WAIT) as caught:
        _search(qtbot, panel, where='architecture == "vit"')
    assert {h.id for h in search.selected_hits()} == wanted
    assert {h.id for h in caught.args[0]} == wanted
    with qtbot.waitSignal(search.selection_changed, timeout=WAIT) as caught:
        _search(qtbot, panel, where='architecture == "nothing-like-it"')
    assert caught.args == [[]] and search.selected_hits() == []
