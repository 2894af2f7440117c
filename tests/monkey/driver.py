"""A seeded random walk over Loupe's real main window: one action = one small method.

``Monkey.ACTIONS`` maps each action to its weight; an action is a method ``do_<name>`` that does
one thing a user does (open a file, expand a row, type a filter, zoom, group runs, start and stop
a conversion...) and returns a short description for the step log. To add an action (say, the
Experiments tab's Compare view): write ``do_compare`` and give it a weight in ``ACTIONS``.
Actions pick their targets from what is on screen with the seeded ``random.Random``, so a seed
replays the same walk (up to the order in which workers answer).
"""

from __future__ import annotations

import random
import shutil
import string
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from shiboken6 import isValid

from gui.workers import pending_tasks

SETTLE_MS = 60_000  # a step whose work is not over by then is a hang


class Monkey:
    ACTIONS = {
        "open_file": 6, "close_file": 1, "reload_file": 1, "expand": 10, "collapse": 2,
        "expand_all_below": 1, "select": 14, "switch_view": 6, "filter": 4, "escape": 3,
        "scroll_tree": 3, "scroll_table": 3, "change_slice": 3, "zoom": 5, "export_data": 1,
        "export_plot": 1, "switch_tab": 4, "switch_lab": 1, "select_runs": 5, "toggle_log": 2,
        "smoothing": 2, "group": 2, "plot_export": 1, "convert": 1, "search_filter": 2,
        "burst": 4, "compare": 5,
    }
    # A user does not wait for each answer: a burst runs a few of these without settling.
    QUICK = ("expand", "collapse", "select", "switch_view", "filter", "escape", "scroll_tree",
             "change_slice", "zoom", "close_file", "reload_file", "open_file", "switch_tab",
             "select_runs", "toggle_log", "group")
    WHERE = ("", "accuracy > 0.5", "status == 'done'", "lr < 1e-3 and accuracy > 0.2",
             "accuracy >", "((", "nosuchfield == 3", "accuracy > 2")

    def __init__(self, qtbot, window, rng: random.Random, files: list[Path], labs: list[Path],
                 work: Path, convert_source: Path | None) -> None:
        self.qtbot, self.window, self.rng = qtbot, window, rng
        self.files, self.labs, self.work = files, labs, work
        self.convert_source = convert_source
        self.browser, self.experiments = window.browser, window.experiments
        self._names = list(self.ACTIONS)
        self._weights = [self.ACTIONS[n] for n in self._names]
        self._conversions = 0
        self.answered: list[str] = []  # titles of the modal dialogs answered
        # A modal question runs its own event loop inside whatever slot asked it: only a timer
        # (which that loop runs too) can answer it.
        self._answerer = QTimer(window, interval=150)
        self._answerer.timeout.connect(self.close_modal)
        self._answerer.start()

    # ---- the walk ----------------------------------------------------------------------------
    def step(self) -> str:
        name = self.rng.choices(self._names, self._weights)[0]
        said = getattr(self, f"do_{name}")()
        self.settle()
        return f"{name}: {said}"

    def do_burst(self) -> str:
        names = self.rng.choices(self.QUICK, k=self.rng.randint(2, 6))
        said = []
        for name in names:
            said.append(f"{name}({getattr(self, f'do_{name}')()})")
            self.qtbot.wait(self.rng.choice([0, 1, 5, 30]))
        return ", ".join(said)

    def settle(self, timeout: int = SETTLE_MS) -> None:
        """Until the window and every worker are idle (three calm polls in a row)."""
        calm = [0]

        def idle() -> bool:
            busy = self.window.is_busy() or pending_tasks()
            calm[0] = 0 if busy else calm[0] + 1
            return calm[0] >= 3

        self.qtbot.waitUntil(idle, timeout=timeout)

    def close_modal(self) -> None:
        """Answer a modal question as a user would (a seeded choice of its buttons)."""
        modal = QApplication.activeModalWidget()
        if modal is None:
            return
        self.answered.append(modal.windowTitle())
        if isinstance(modal, QMessageBox) and modal.buttons():
            self.rng.choice(modal.buttons()).click()
        else:
            modal.reject()

    # ---- helpers -------------------------------------------------------------------------------
    def _rows(self, limit: int = 3000) -> list[QModelIndex]:
        """Rows of the file tree that are on screen (expanded parents), up to ``limit``."""
        model, tree, out = self.browser.model, self.browser.tree, []
        stack = [QModelIndex()]
        while stack and len(out) < limit:
            parent = stack.pop()
            count = min(model.rowCount(parent), 200)
            for row in range(count):
                index = model.index(row, 0, parent)
                out.append(index)
                if tree.isExpanded(index):
                    stack.append(index)
        return out

    def _pick_row(self, want=lambda index: True) -> QModelIndex | None:
        rows = [i for i in self._rows() if want(i)]
        return self.rng.choice(rows) if rows else None

    def _path(self, index: QModelIndex) -> str:
        node = self.browser.model.node(index)
        return node.path if node is not None else "?"

    def _view_boxes(self) -> list:
        import pyqtgraph as pg

        boxes = []
        for view in self.window.findChildren(pg.GraphicsView):
            if view.isVisible() and view.scene() is not None:
                boxes += [i for i in view.scene().items() if isinstance(i, pg.ViewBox)]
        return boxes

    # ---- Files tab ---------------------------------------------------------------------------
    def do_open_file(self) -> str:
        path = self.rng.choice(self.files)
        self.window.open_paths([str(path)])
        return path.name

    def do_close_file(self) -> str:
        top = self._pick_row(lambda i: not i.parent().isValid())
        if top is None:
            return "nothing open"
        self.browser.tree.setCurrentIndex(top)
        said = self._path(top)
        self.browser.close_current()
        return said

    def do_reload_file(self) -> str:
        self.browser.reload_current()
        return "current file"

    def do_expand(self) -> str:
        index = self._pick_row(lambda i: self.browser.model.hasChildren(i)
                               and not self.browser.tree.isExpanded(i))
        if index is None:
            return "nothing to expand"
        self.browser.tree.expand(index)
        return self._path(index)

    def do_collapse(self) -> str:
        index = self._pick_row(self.browser.tree.isExpanded)
        if index is None:
            return "nothing expanded"
        self.browser.tree.collapse(index)
        return self._path(index)

    def do_expand_all_below(self) -> str:
        index = self._pick_row()
        if index is None:
            return "empty tree"
        self.browser.tree.setCurrentIndex(index)
        self.browser.tree.setFocus()
        self.qtbot.keyClick(self.browser.tree, Qt.Key.Key_Asterisk)
        if self.rng.random() < 0.3:  # and change one's mind
            self.qtbot.keyClick(self.browser.tree, Qt.Key.Key_Escape)
        return self._path(index)

    def do_select(self) -> str:
        index = self._pick_row()
        if index is None:
            return "empty tree"
        self.browser.tree.setCurrentIndex(index)
        return self._path(index)

    def do_switch_view(self) -> str:
        tabs = self.browser.viewer.tabs
        enabled = [i for i in range(tabs.count()) if tabs.isTabEnabled(i)]
        tabs.setCurrentIndex(self.rng.choice(enabled))
        return tabs.tabText(tabs.currentIndex())

    def do_filter(self) -> str:
        names = [self.browser.model.node(i).name for i in self._rows(500)]
        names = [n for n in names if n] or ["data"]
        name = self.rng.choice(names)
        start = self.rng.randrange(len(name))
        text = name[start:start + self.rng.randint(1, 5)]
        if self.rng.random() < 0.2:
            text = "".join(self.rng.choices(string.ascii_letters + "_/.[ ", k=3))
        self.browser.filter.setText(text)
        return repr(text)

    def do_escape(self) -> str:
        target = self.rng.choice([self.browser.tree, self.browser.filter])
        target.setFocus()
        self.qtbot.keyClick(target, Qt.Key.Key_Escape)
        return type(target).__name__

    def do_scroll_tree(self) -> str:
        bar = self.browser.tree.verticalScrollBar()
        bar.setValue(self.rng.randint(0, max(bar.maximum(), 0)))
        return f"{bar.value()} of {bar.maximum()}"

    def do_scroll_table(self) -> str:
        view = self.browser.viewer.current_view()
        model = getattr(view, "model", None)
        if view.title != "Table" or model is None or not model.rowCount():
            return "no table shown"
        row = self.rng.randrange(model.rowCount())
        col = self.rng.randrange(max(model.columnCount(), 1))
        view.table.scrollTo(model.index(row, col))
        return f"row {row}, column {col}"

    def do_change_slice(self) -> str:
        axes = getattr(self.browser.viewer.current_view(), "axes", None)
        spins = list(getattr(axes, "_spins", {}).values())
        if not spins:
            return "no slice to change"
        spin = self.rng.choice(spins)
        spin.setValue(self.rng.randint(spin.minimum(), spin.maximum()))
        return f"index {spin.value()}"

    def do_zoom(self) -> str:
        boxes = self._view_boxes()
        if not boxes:
            return "no plot shown"
        box = self.rng.choice(boxes)
        how = self.rng.choice(["in", "out", "pan", "auto"])
        if how == "auto":
            box.autoRange()
        elif how == "pan":
            (x0, x1), (y0, y1) = box.viewRange()
            box.translateBy(x=(x1 - x0) * self.rng.uniform(-1, 1),
                            y=(y1 - y0) * self.rng.uniform(-1, 1))
        else:
            factor = self.rng.uniform(0.05, 0.9) if how == "in" else self.rng.uniform(1.1, 20)
            box.scaleBy((factor, factor))
        return how

    def do_export_data(self) -> str:
        viewer = self.browser.viewer
        if viewer.node is None or not viewer.node.is_dataset:
            return "no dataset shown"
        path = self.work / f"data{self.rng.randrange(1000)}.{self.rng.choice(['npy', 'csv'])}"
        viewer.export_data(str(path))
        return path.name

    def do_export_plot(self) -> str:
        path = self.work / f"plot{self.rng.randrange(1000)}.{self.rng.choice(['png', 'svg'])}"
        self.browser.viewer.export_plot(str(path))
        return path.name

    # ---- Experiments tab ------------------------------------------------------------------------
    def do_switch_tab(self) -> str:
        tabs = self.window.tabs
        tabs.setCurrentIndex(self.rng.randrange(tabs.count()))
        return tabs.tabText(tabs.currentIndex())

    def do_switch_lab(self) -> str:
        lab = self.rng.choice(self.labs)
        self.window.open_lab(str(lab))
        return lab.name

    def do_select_runs(self) -> str:
        search = self.experiments.search
        count = search.model.rowCount()
        if not count:
            return "no runs listed"
        many = self.rng.choice([1, 2, 5, count])
        rows = self.rng.sample(range(count), min(many, count))
        search.select_rows(rows)
        return f"{len(rows)} of {count}"

    def do_search_filter(self) -> str:
        where = self.rng.choice(self.WHERE)
        self.experiments.search.filters.expression.setText(where)
        return repr(where)

    def do_compare(self) -> str:
        """One thing in the Compare tab (issue 18): a tab, a brush, a sort, a reference, a
        scatter axis or click, an importance metric, a diff pair; or back to the plots."""
        experiments, rng = self.experiments, self.rng
        compare = experiments.compare
        if rng.random() < 0.15:
            experiments.right.setCurrentWidget(experiments.plots)
            return "back to plots"
        tab = rng.choice(("table", "parallel", "scatter", "importance", "diff"))
        experiments.show_compare(tab)
        table = compare.data.table if compare.data is not None else None
        if table is None or not len(table):
            return f"{tab} (no runs yet)"
        names, ids = table.names(), table.ids
        if tab == "table":
            compare.table.set_reference(rng.randrange(-1, len(ids)))
            compare.table.sort_by(rng.choice(["run", *names]), rng.random() < 0.5)
            compare.table.copy(rng.choice(["csv", "markdown"]))
        elif tab == "parallel":
            par = compare.parallel
            if rng.random() < 0.2:
                par.clear_brushes()
            elif rng.random() < 0.2:
                par.set_log(rng.choice(names), rng.random() < 0.5)
            elif par.axes:
                low = rng.uniform(-0.3, 0.9)
                par.brush(rng.randrange(len(par.axes)), low, low + rng.uniform(0.05, 1.2))
        elif tab == "scatter":
            compare.scatter.choose(x=rng.choice(names), y=rng.choice(names),
                                   color=rng.choice(names))
            if rng.random() < 0.3:
                compare.scatter.click_run(rng.choice(ids))
        elif tab == "importance":
            compare.importance.set_metric(rng.choice(names))
        else:
            compare.diff.compare(rng.choice(ids), rng.choice(ids))
            compare.diff.set_show_all(rng.random() < 0.3)
        return tab

    def do_toggle_log(self) -> str:
        box = self.experiments.plots.controls.log_y
        box.setChecked(not box.isChecked())
        return f"log y {box.isChecked()}"

    def do_smoothing(self) -> str:
        controls = self.experiments.plots.controls
        controls.smoother.setCurrentIndex(self.rng.randrange(controls.smoother.count()))
        if controls.amount.isEnabled():
            controls.amount.setValue(self.rng.choice([0.0, 0.3, 0.9, 0.99, 5, 50]))
        return f"{controls.smoother.currentText()} {controls.amount.value()}"

    def do_group(self) -> str:
        controls = self.experiments.plots.controls
        if controls.group_by.count():
            controls.group_by.setCurrentIndex(self.rng.randrange(controls.group_by.count()))
        controls.band.setCurrentIndex(self.rng.randrange(controls.band.count()))
        return f"{controls.group_by.currentText()} / {controls.band.currentText()}"

    def do_plot_export(self) -> str:
        kind = self.rng.choice(["png", "svg", "csv"])
        path = self.work / f"runs{self.rng.randrange(1000)}.{kind}"
        try:
            self.experiments.plots.export(kind, path)
        except ValueError as exc:  # nothing plotted: said to the user in the window
            return f"{kind}: {exc}"
        return path.name

    # ---- the conversion wizard ---------------------------------------------------------------
    def do_convert(self) -> str:
        """Start a conversion of a copy of the corpus JSON and stop it, by Stop or by Cancel."""
        if self.convert_source is None:
            return "no corpus JSON"
        from gui.wizard import open_convert_wizard
        from gui.wizard.wizard import PREVIEW, RUN

        self._conversions += 1
        folder = self.work / f"convert{self._conversions}"
        shutil.copytree(self.convert_source, folder, copy_function=shutil.copyfile)
        wizard = open_convert_wizard(self.window, str(folder))
        self.qtbot.waitUntil(lambda: wizard.source.counted is not None
                             and not wizard.source.is_busy(), timeout=SETTLE_MS)
        wizard.next()
        wizard.next()
        if wizard.currentId() != PREVIEW:
            wizard.close()
            return f"stopped before the preview (page {wizard.currentId()})"
        self.qtbot.waitUntil(lambda: wizard.preview.plan is not None, timeout=SETTLE_MS)
        wizard.next()
        how = self.rng.choice(["stop", "cancel", "finish"])
        if wizard.currentId() == RUN and how == "stop":
            wizard.run.stop_button.click()
        elif wizard.currentId() == RUN and how == "cancel":
            wizard.reject()  # asks "Stop it?": close_modal answers
        # "Stop and close" deletes the wizard (WA_DeleteOnClose) while this waits.
        self.qtbot.waitUntil(lambda: not isValid(wizard) or not wizard.is_busy(),
                             timeout=SETTLE_MS)
        if not isValid(wizard):
            return f"{how}: closed"
        state = wizard.run.state
        wizard.close()
        return f"{how}: {state}"
