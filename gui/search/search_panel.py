"""Search a lab's experiments: free text, metadata filters, results table.

Opening a lab indexes it in a worker when it has no index or its files changed. Queries run in a
one-thread pool of their own (Chroma and the embedding model are used by one thread at a time)
through :class:`LatestOnly`, so typing never blocks and only the newest answer is shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QWidget,
)

from gui import settings as loupe_settings
from gui.layouts import column, hbox
from gui.search import search_jobs
from gui.search.filter_builder import FilterBuilder
from gui.search.filter_chips import FilterChips
from gui.search.results_columns import ColumnChooser
from gui.search.results_model import ResultsModel
from gui.search.search_state import SearchState
from gui.workers import LatestOnly, submit

DEBOUNCE_MS = 150
LIMIT = 200


class SearchPanel(QWidget):
    """Query box, filter builder, and the results (or a state page saying why there are none)."""

    selection_changed = Signal(list)  # the selected storage.Hit objects
    open_files_requested = Signal(list)
    results_shown = Signal(int)  # after each answer (tests and --screenshot wait on it)
    status = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lab: Any = None
        self.fields: dict[str, Any] = {}
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._queries = LatestOnly(self._pool)
        self._file_finder = LatestOnly()
        self._index_task = None
        self._opening = False
        self._lab_path = ""
        self._added_filters: dict[str, str] = {}  # key -> clause added by add_filter
        self.lab_label = QLabel("No lab open", self)
        self.reindex_button = QPushButton("Re-index", self, toolTip="Index new and changed "
                                          "result files (F5)")
        self.settings_button = QPushButton("Settings...", self)
        self.query = QLineEdit(self, clearButtonEnabled=True)
        self.query.setPlaceholderText("Describe the run, its state or its id: vit that diverged, "
                                      "still training, h017  (Ctrl+F)")
        self.filters = FilterBuilder(self)
        self.chips = FilterChips(self)
        self.count_label = QLabel(self)
        self.model = ResultsModel(self)
        self.table = self._make_table()
        self.columns = ColumnChooser(self.table, self.model)
        self.state = SearchState(self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.state)
        self.stack.addWidget(self.table)
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._layout()
        self._connect()
        self.reindex_button.setEnabled(False)

    def _make_table(self) -> QTableView:
        table = QTableView(self)
        table.setModel(self.model)
        table.setSortingEnabled(True)
        table.setAlternatingRowColors(True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(22)
        table.horizontalHeader().setStretchLastSection(True)
        table.setWordWrap(False)
        return table

    def _layout(self) -> None:
        top = hbox(self.lab_label, self.reindex_button, self.settings_button,
                   stretch=self.lab_label)
        column(self, top, self.query, self.filters, self.chips, self.count_label, self.stack,
               stretch=self.stack, margin=4)

    def _connect(self) -> None:
        self.query.textChanged.connect(lambda _: self._debounce.start())
        self.filters.changed.connect(lambda _: self._debounce.start())
        self._debounce.timeout.connect(self.run_query)
        self.chips.accepted.connect(self.add_filter)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.doubleClicked.connect(lambda index: self.open_row(index.row()))
        self.reindex_button.clicked.connect(self.reindex)
        self.settings_button.clicked.connect(self.edit_settings)
        self.state.cancel_requested.connect(self.cancel_indexing)
        self.state.retry_requested.connect(lambda: self.open_lab(self._lab_path))
        QShortcut(QKeySequence.StandardKey.Find, self, self.query.setFocus)
        QShortcut(QKeySequence("F5"), self, self.reindex)
        # Only while the table has focus: a window-wide Return (the default context) also fired
        # from the plot's spin boxes and reopened the run in the Files tab. (PySide6 ignores a
        # context passed with a callable, hence setContext.)
        enter = QShortcut(QKeySequence(Qt.Key.Key_Return), self.table,
                          lambda: self.open_row(self.table.currentIndex().row()))
        enter.setContext(Qt.ShortcutContext.WidgetShortcut)

    # ---- opening and indexing ---------------------------------------------------------------
    def open_lab(self, path: str) -> None:
        """Open a lab folder; index it in a worker if needed, then list its runs."""
        from gui.search.settings_dialog import load

        if self._lab_path and str(path) != self._lab_path:
            self._clear_query()  # another lab: the last one's words and filter mean nothing
        self._lab_path = str(path)
        self.lab, self.fields = None, {}
        self.model.set_hits([])
        self.selection_changed.emit([])  # a model reset clears the selection without a signal
        loupe_settings.settings().setValue("experiments/lab", str(path))
        where = load()
        self.lab_label.setText(f"Lab: {path}" + (f"  (server {where.host}:{where.port})"
                                                  if where.uses_server else ""))
        self._show_state("indexing", "Opening the lab...", progress=True)
        self._opening = True
        self._index_task = submit(search_jobs.open_lab, str(path), where.chroma_config(),
                                  pool=self._pool, wants_cancel=True,
                                  on_done=self._on_opened, on_error=self._on_open_failed,
                                  on_progress=self._on_index_progress)

    def _clear_query(self) -> None:
        for box in (self.query, self.filters.expression):
            box.blockSignals(True)
            box.clear()
            box.blockSignals(False)
        self.filters.clear()
        self._added_filters.clear()

    def reindex(self) -> None:
        if self.lab is None or self._opening:
            return
        self._opening = True
        self._show_state("indexing", "Re-indexing changed result files...", progress=True)
        self._index_task = submit(search_jobs.reindex, self.lab, pool=self._pool,
                                  wants_cancel=True, on_done=self._on_opened,
                                  on_error=self._on_open_failed,
                                  on_progress=self._on_index_progress)

    def cancel_indexing(self) -> None:
        if self._index_task is not None:
            self._index_task.cancel()
            self.state.cancel.setEnabled(False)

    def _on_index_progress(self, value: tuple[int, int, str]) -> None:
        if self.stack.currentWidget() is self.state and self.state.kind == "indexing":
            self.state.title.setText("Indexing the lab's results...")
            self.state.set_progress(*value)

    def _on_opened(self, opened: search_jobs.Opened) -> None:
        self._opening = False
        self.lab, self.fields = opened.lab, opened.fields
        self.filters.set_fields(self.fields)
        self.reindex_button.setEnabled(True)
        self.status.emit(opened.describe())
        self.run_query()

    def _on_open_failed(self, exc: BaseException) -> None:
        self._opening = False
        self.reindex_button.setEnabled(self.lab is not None)
        title, message = search_jobs.explain(exc)
        self._show_state("error", title, message, retry=True)
        self.results_shown.emit(0)

    # ---- querying ---------------------------------------------------------------------------
    def run_query(self) -> None:
        """Send the current text and filter to the index (newest wins)."""
        if self.lab is None or self._opening:
            return
        where = self.filters.text()
        problem = search_jobs.check_where(where, self.fields)
        self.filters.show_error(problem)
        if problem:
            return
        text = self.query.text().strip()
        sort_by = "accuracy" if "accuracy" in self.fields else None  # listings: best runs first
        self._queries.submit(search_jobs.search, self.lab, text, where, LIMIT, sort_by,
                             wants_cancel=True, on_done=lambda hits: self._on_hits(hits, text,
                                                                                    where),
                             on_error=self._on_query_failed)

    def _on_hits(self, hits: list | None, text: str, where: str) -> None:
        if hits is None:  # superseded before it started
            return
        # The selection survives a new query or filter (a brush in Compare adds one): the runs
        # still listed stay selected. A model reset would drop it without a signal.
        was_selected = {h.id for h in self.selected_hits()}
        self.model.set_hits(hits, list(self.fields), where)
        still = [row for row, h in enumerate(hits) if h.id in was_selected]
        if still:
            self.select_rows(still)
        elif was_selected:
            self.selection_changed.emit([])
        self.chips.set_suggestions(self._suggestions(text, where))
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.columns.apply()
        kind = "best matches first" if text else "listing"
        self.count_label.setText(f"{len(hits)} run{'s' if len(hits) != 1 else ''} ({kind})"
                                 + (f", filter: {where}" if where else ""))
        if hits:
            self.stack.setCurrentWidget(self.table)
        elif not text and not where:
            from storage import sources_looked_for

            self._show_state("no-results", "This lab has no indexed runs yet.",
                             f"Loupe looks for\n{sources_looked_for(chr(10))}\n\n"
                             "Add some and press Re-index (F5).")
        else:
            self._show_state("no-results", "No runs match.",
                             "Try other words, or loosen the filter.")
        self.results_shown.emit(len(hits))

    def _suggestions(self, text: str, where: str) -> list:
        """Filters the query names in words (a few regexes over the field summary: no disk)."""
        if not text:
            return []
        from storage import suggest_filters

        return [s for s in suggest_filters(text, self.fields) if s.expression not in where]

    def add_filter(self, expression: str, key: str = "") -> None:
        """AND a clause to the filter box, which shows and keeps it (and re-runs the query).

        Used by the suggested filter chips and by the Compare view's brushes. A clause added
        again under the same ``key`` (a brush on one axis) replaces the previous one; an empty
        clause just removes it. Clauses with ``or`` are parenthesised, so ``and`` keeps them
        whole.
        """
        text = self.filters.text()
        old = self._added_filters.pop(key, None) if key else None
        if old:
            text = _without_clause(text, old)
        if expression:
            clause = _grouped(expression)
            text = f"{_grouped(text)} and {clause}" if text else clause
            if key:
                self._added_filters[key] = clause
        self.filters.expression.setText(text.strip())

    def _on_query_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValueError) and not search_jobs.is_index_error(exc):
            self.filters.show_error(str(exc))  # the index refused the filter: keep the results
            self.results_shown.emit(self.model.rowCount())
            return
        title, message = search_jobs.explain(exc)
        self._show_state("error", title, message, retry=True)
        self.results_shown.emit(0)

    def _show_state(self, kind: str, title: str, message: str = "", **flags: bool) -> None:
        flags.setdefault("cancel", kind == "indexing")
        self.state.show_state(kind, title, message, **flags)
        self.stack.setCurrentWidget(self.state)
        self.count_label.setText("")

    # ---- selection and opening --------------------------------------------------------------
    def selected_hits(self) -> list:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.hit(r) for r in rows]

    def select_rows(self, rows: list[int]) -> None:
        """Select these rows in one change: one plot request, not one per row (each of them
        started a read of its own in the worker pool)."""
        wanted = QItemSelection()
        last = self.model.columnCount() - 1
        for row in sorted(set(rows)):
            wanted.select(self.model.index(row, 0), self.model.index(row, max(last, 0)))
        flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
                 | QItemSelectionModel.SelectionFlag.Rows)
        self.table.selectionModel().select(wanted, flags)

    def _on_selection(self, *_: Any) -> None:
        self.selection_changed.emit(self.selected_hits())

    def open_row(self, row: int) -> None:
        """Ask the window to open a run's time series and results files in the Files tab."""
        if not 0 <= row < self.model.rowCount():
            return
        # Finding the files may parse the lab's manifest (or scan its results) and stats each
        # candidate: a worker does it, the newest request wins.
        self.status.emit("Finding the run's files...")
        self._file_finder.submit(search_jobs.files_of, self.lab, self.model.hit(row),
                                 on_done=self._on_files_found,
                                 on_error=lambda exc: self.status.emit(
                                     f"Could not find the run's files: {exc}"))

    def _on_files_found(self, paths: list[str]) -> None:
        if paths:
            self.open_files_requested.emit(paths)
        else:
            self.status.emit("This run has no files on disk to open.")

    def edit_settings(self) -> None:
        from gui.search.settings_dialog import SettingsDialog, load, save

        dialog = SettingsDialog(load(), self)
        if dialog.exec():
            values = dialog.values()
            save(values)
            if values.lab:
                self.open_lab(values.lab)

    def is_busy(self) -> bool:
        return (self._opening or self._queries.busy or self._file_finder.busy
                or self._debounce.isActive())

    @property
    def lab_path(self) -> Path | None:
        return Path(self._lab_path) if self._lab_path else None


def _grouped(expression: str) -> str:
    """``expression`` in parentheses when it holds an ``or`` (``and`` binds tighter)."""
    return f"({expression})" if " or " in f" {expression.lower()} " else expression


def _without_clause(text: str, clause: str) -> str:
    """``text`` with an ``and``-joined ``clause`` taken out (unchanged if it was edited away)."""
    for candidate in (f" and {clause}", f"{clause} and ", clause):
        if candidate in text:
            return text.replace(candidate, "", 1).strip()
    return text
