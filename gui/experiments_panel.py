"""The Experiments tab: the search panel on the left, the training plots of the selection right.

The main window relies on the ``open_files_requested`` and ``status_message`` signals,
``open_lab(path)``, ``is_busy()``, ``confirm_close()`` and ``show_target(what)`` (what: "search",
"plots" or "experiments", for ``--screenshot --show``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QSplitter, QTabWidget, QVBoxLayout, QWidget

from gui import settings as loupe_settings
from gui.compare.compare_view import TABS as COMPARE_TABS
from gui.compare.compare_view import CompareView
from gui.plots.plot_panel import PlotPanel
from gui.plots.series_data import LabSource, RunRef
from gui.search.search_panel import SearchPanel

SHOWCASE_RUNS = 5  # runs selected for a screenshot when nothing is selected yet


class ExperimentsPanel(QWidget):
    open_files_requested = Signal(list)  # paths the main window opens in the Files tab
    status_message = Signal(str)  # a line for the window's status bar

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = SearchPanel(self)
        self.plots = PlotPanel(self)
        self.compare = CompareView(self)
        self.right = QTabWidget(self)
        self.right.addTab(self.plots, "Plots")
        self.right.addTab(self.compare, "Compare")
        self._compare_stale = True
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.search)
        self.splitter.addWidget(self.right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([520, 880])
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.splitter)
        self.search.selection_changed.connect(self._plot_hits)
        self.search.open_files_requested.connect(self.open_files_requested)
        self.search.status.connect(self._status)
        self.plots.status.connect(self._status)
        self._connect_compare()

    def _connect_compare(self) -> None:
        """The Compare tab follows the selection (or the listed runs), read only when shown."""
        self.search.selection_changed.connect(lambda _: self._compare_changed())
        self.search.results_shown.connect(lambda _: self._compare_changed())
        self.right.currentChanged.connect(lambda _: self._refresh_compare())
        self.compare.filter_requested.connect(self.search.add_filter)
        self.compare.run_clicked.connect(self.select_run)
        self.compare.status.connect(self._status)

    def open_lab(self, path: str) -> None:
        self.search.open_lab(str(path))

    def is_busy(self) -> bool:
        return self.search.is_busy() or self.plots.is_busy() or self.compare.is_busy()

    def show_target(self, what: str) -> None:
        """For screenshots: with results but no selection, plot the top runs.

        ``compare`` or ``compare:TAB`` (TAB: table, parallel, scatter, importance, diff) shows
        the Compare view of all listed runs.
        """
        if what in ("search", "plots") and not self.search.selected_hits():
            self.search.select_rows(self._showcase_rows())
        if what == "plots":
            self.right.setCurrentWidget(self.plots)
            self.splitter.setSizes([380, 1020])
        if what.startswith("compare"):
            tab = what.partition(":")[2] or "table"
            self.show_compare(tab if tab in COMPARE_TABS else "table")
            self.compare.showcase()
            self.splitter.setSizes([340, 1060])

    # ---- the Compare tab (public actions: tests and the window's random walk) -----------------
    def show_compare(self, tab: str = "table") -> None:
        self.right.setCurrentWidget(self.compare)
        self.compare.show_tab(tab)

    def select_run(self, run_id: str) -> None:
        """Select one run in the results (and so in the plots and Compare view)."""
        rows = [i for i, h in enumerate(self.search.model.hits()) if h.id == run_id]
        if rows:
            self.search.select_rows(rows)

    def _compare_changed(self) -> None:
        self._compare_stale = True
        self._refresh_compare()

    def _refresh_compare(self) -> None:
        if not self._compare_stale or self.right.currentWidget() is not self.compare:
            return
        self._compare_stale = False
        selected = self.search.selected_hits()
        hits = selected if len(selected) >= 2 else self.search.model.hits()
        self.compare.set_runs(self.search.lab, hits, selected=len(selected))

    def _showcase_rows(self) -> list[int]:
        """The top rows (best runs first in a listing): visible, and worth comparing."""
        return list(range(min(SHOWCASE_RUNS, self.search.model.rowCount())))

    def _plot_hits(self, hits: list) -> None:
        lab = self.search.lab
        refs = [RunRef(h.id, LabSource(lab, h.id), metadata=h.metadata) for h in hits
                if lab is not None]
        self.plots.set_runs(refs)

    def _status(self, text: str) -> None:
        if text:
            self.status_message.emit(text)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        QTimer.singleShot(0, self._open_remembered_lab)

    def _open_remembered_lab(self) -> None:
        """First time the tab shows with no lab open: reopen the last one (in a worker)."""
        if self.search.lab_path is not None:
            return
        last = str(loupe_settings.settings().value("experiments/lab", "") or "")
        if last:
            self.open_lab(last)

    def confirm_close(self) -> bool:
        """The window is closing: stop live refresh and release open time-series files."""
        self.plots.shutdown()
        return True
