"""The Experiments tab: the search panel on the left, the training plots of the selection right.

The main window relies on the ``open_files_requested`` and ``status_message`` signals,
``open_lab(path)``, ``is_busy()``, ``confirm_close()`` and ``show_target(what)`` (what: "search",
"plots" or "experiments", for ``--screenshot --show``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from gui import settings as loupe_settings
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
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.search)
        self.splitter.addWidget(self.plots)
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

    def open_lab(self, path: str) -> None:
        self.search.open_lab(str(path))

    def is_busy(self) -> bool:
        return self.search.is_busy() or self.plots.is_busy()

    def show_target(self, what: str) -> None:
        """For screenshots: with results but no selection, plot the top runs."""
        if what in ("search", "plots") and not self.search.selected_hits():
            self.search.select_rows(self._showcase_rows())
        if what == "plots":
            self.splitter.setSizes([380, 1020])

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
