"""The Compare view: the selected runs (or all listed ones when fewer than two are selected).

User actions are public methods (tests and the window's random walk drive them): ``show_tab``;
``table.set_reference/sort_by/copy``; ``parallel.brush/clear_brushes/set_log/show_axis``;
``scatter.choose/click_run``; ``importance.set_metric``; ``diff.compare/set_show_all``. Each
accepts any input in any state (no runs yet, an unknown name) and then does nothing.

Runs' records are read in a worker (``LatestOnly``: a newer selection drops an older answer);
the five views get the loaded table. ``filter_requested(text, field)`` carries a brush to the
search panel; ``run_clicked(id)`` asks the Experiments tab to select that run everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import shiboken6
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from gui.compare import compare_jobs
from gui.compare.diff_view import RunDiffView
from gui.compare.importance_view import ImportanceView
from gui.compare.parallel_view import ParallelView
from gui.compare.scatter_view import ScatterView
from gui.compare.table_view import CompareTableView
from gui.workers import LatestOnly

PREFERRED_METRICS = ("accuracy", "val_accuracy", "loss")
TABS = ("table", "parallel", "scatter", "importance", "diff")


class CompareView(QWidget):
    filter_requested = Signal(str, str)
    run_clicked = Signal(str)
    loaded = Signal(int)  # after each load (tests and --screenshot wait on it)
    status = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data: compare_jobs.Loaded | None = None
        self._loader = LatestOnly()
        self._lab: Any = None
        self._showcase = False
        self._unfilled: set[str] = set()
        self.caption = QLabel("Select runs, or list some: all listed runs are compared.", self)
        self.table = CompareTableView(self)
        self.parallel = ParallelView(self)
        self.scatter = ScatterView(self)
        self.importance = ImportanceView(self)
        self.diff = RunDiffView(self)
        self.tabs = QTabWidget(self)
        for view, title in ((self.table, "Table"), (self.parallel, "Parallel coordinates"),
                            (self.scatter, "Scatter"), (self.importance, "Importance"),
                            (self.diff, "Diff")):
            self.tabs.addTab(view, title)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.caption)
        box.addWidget(self.tabs, 1)
        self.tabs.currentChanged.connect(lambda i: self._fill(TABS[i]))
        self.parallel.brushed.connect(self.filter_requested)
        self.scatter.run_clicked.connect(self.run_clicked)
        self.table.run_activated.connect(self.run_clicked)

    def set_runs(self, lab: Any, hits: Sequence[Any], selected: int = 0) -> None:
        """Compare ``hits`` (read in a worker); ``selected`` says how many were chosen by hand."""
        hits = list(hits)
        if self.data is not None and [h.id for h in hits] == self.data.table.ids \
                and lab is self._lab:
            return  # the same runs (a click selected one of them): keep views and brushes
        self._lab = lab
        what = "selected" if selected >= 2 else "listed"
        self.caption.setText(f"Comparing {len(hits)} {what} run{'s' if len(hits) != 1 else ''}"
                             + ("" if selected >= 2 else " (select two or more to narrow)"))
        self._loader.submit(compare_jobs.load_runs, lab, hits, wants_cancel=True,
                            on_done=self._on_loaded, on_error=self._on_failed)

    def _on_loaded(self, data: compare_jobs.Loaded) -> None:
        if not shiboken6.isValid(self):  # closed while the runs were read
            return
        self.data = data
        # Only the shown tab is filled now, the others when first shown: filling all five
        # held the GUI thread ~0.4 s for 10,000 runs, one at a time stays near 0.1 s.
        self._unfilled = set(TABS)
        self._fill(TABS[self.tabs.currentIndex()])
        if self._showcase:
            self.showcase()
        self.loaded.emit(len(data.runs))

    def _fill(self, name: str) -> None:
        if self.data is None or name not in self._unfilled:
            return
        self._unfilled.discard(name)
        table = self.data.table
        metrics = table.names(role="metric", numeric=True)
        metric = next((m for m in PREFERRED_METRICS if m in metrics), None)
        if name == "diff":
            self.diff.set_runs(self.data.runs)
        elif name == "table":
            self.table.set_table(table)
        else:
            getattr(self, name).set_table(table, metric)

    def _on_failed(self, exc: BaseException) -> None:
        self.caption.setText(f"Could not read the runs: {exc}")
        self.status.emit(f"Compare: {exc}")
        self.loaded.emit(0)

    # ---- user actions -------------------------------------------------------------------------
    def show_tab(self, name: str) -> None:
        """One of TABS: table, parallel, scatter, importance, diff."""
        self.tabs.setCurrentIndex(TABS.index(name))
        self._fill(name)

    def showcase(self) -> None:
        """For screenshots: best runs first, the best one as reference, the best two diffed."""
        self._showcase = True
        if self.data is None or not len(self.data.table):
            return
        for name in TABS:
            self._fill(name)
        table = self.data.table
        metric = self.parallel.metric_box.currentText()
        if metric:
            self.table.sort_by(metric, descending=True)
            best = [table.ids[self.table.model.table_row(r)] for r in range(min(2, len(table)))]
            self.table.set_reference(self.table.model.table_row(0))
            if len(best) == 2:
                self.diff.compare(*best)
        if "lr" in table.names(role="param"):
            self.scatter.choose(x="lr")
            self.parallel.set_log("lr", True)
        if self.parallel.axes:  # the best runs brushed on the metric axis (not a filter)
            self.parallel.brush(len(self.parallel.axes) - 1, 0.6, 1.05, emit=False)

    def is_busy(self) -> bool:
        return self._loader.busy or self.parallel.is_busy()
