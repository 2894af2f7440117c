"""Step 3: the dry run as a table (file, action, reason, size); nothing is written.

The plan reads every file (to find the broken ones), so it runs in a worker with a progress bar;
going Back cancels it. Failed files sort first, so the broken ones are visible at once.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QTableView,
    QVBoxLayout,
    QWizardPage,
)

from gui.messages import error_text, human_bytes
from gui.wizard.report_model import KindFilter, plan_model
from gui.workers import Task, submit

ACTIONS = (("fail", "Will fail"), ("convert", "To convert"), ("skip", "Skipped"))


class PreviewPage(QWizardPage):
    """Runs ``plan_migration`` for the wizard's options and shows the plan."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setTitle("Preview")
        self.setSubTitle("What would happen to each file. Nothing has been written yet.")
        self.plan: Any = None
        self.model = plan_model(self)
        self.proxy = KindFilter(self)
        self.proxy.setSourceModel(self.model)
        self.summary = QLabel(self)
        self.progress = QProgressBar(self)
        self.action_filter = QComboBox(self)
        self.text_filter = QLineEdit(self)
        self.table = QTableView(self)
        self._task: Task | None = None
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-size: 14px;")
        layout.addWidget(self.summary)
        layout.addWidget(self.progress)
        row = QHBoxLayout()
        row.addWidget(QLabel("Show:", self))
        self.action_filter.addItem("All files", None)
        for key, label in ACTIONS:
            self.action_filter.addItem(label, key)
        self.action_filter.currentIndexChanged.connect(
            lambda: self.proxy.set_kind(self.action_filter.currentData()))
        row.addWidget(self.action_filter)
        self.text_filter.setPlaceholderText("Filter by file name or reason")
        self.text_filter.setClearButtonEnabled(True)
        self.text_filter.textChanged.connect(self.proxy.set_text)
        row.addWidget(self.text_filter, 1)
        layout.addLayout(row)
        table = self.table
        table.setModel(self.proxy)
        table.setSortingEnabled(True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)  # the reason
        header.setStretchLastSection(False)
        layout.addWidget(table, 1)

    # ---- planning ---------------------------------------------------------------------------
    def initializePage(self) -> None:  # noqa: N802 - Qt API
        from storage import MigrationOptions, plan_migration

        self.plan = None
        self.model.set_rows([])
        self.completeChanged.emit()
        try:
            options = MigrationOptions(**self.wizard().option_values())
        except (TypeError, ValueError) as exc:
            self.summary.setText(f"These options cannot be used: {error_text(exc)}")
            return
        self.summary.setText(f"Reading the files in {options.root}...")
        self.progress.setRange(0, 0)
        self.progress.show()
        self._task = submit(plan_migration, options, wants_cancel=True,
                            on_progress=self._on_progress, on_done=self._planned,
                            on_error=self._failed)

    def cleanupPage(self) -> None:  # noqa: N802 - Qt API
        """Back: stop planning (a late answer is ignored)."""
        self.cancel()
        self.plan = None

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def is_busy(self) -> bool:
        return self._task is not None

    def _on_progress(self, event: Any) -> None:
        if self._task is None or not getattr(event, "files_total", 0):
            return
        self.progress.setRange(0, event.files_total)
        self.progress.setValue(event.files_done)
        self.progress.setFormat(f"%v of %m files  {event.message or ''}".rstrip())

    def _planned(self, plan: Any) -> None:
        if self._task is None:  # cancelled by Back: the user has moved on
            return
        self._task = None
        self.plan = plan
        self.progress.hide()
        self.model.set_rows(plan.items, self.wizard().option_values()["root"])
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # failures first
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(0, min(self.table.columnWidth(0), 420))
        self.summary.setText(summary_text(plan))
        self.completeChanged.emit()

    def _failed(self, exc: BaseException) -> None:
        self._task = None
        self.progress.hide()
        self.summary.setText(f"<b>Could not plan the conversion.</b> {error_text(exc)}")

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        return self.plan is not None and self.plan.counts().get("convert", 0) > 0


def summary_text(plan: Any) -> str:
    """``"12 files to convert (3.1 MB), 4 skipped, 2 will fail. Nothing written yet."``"""
    counts = plan.counts()
    convert, skip, fail = (counts.get(k, 0) for k in ("convert", "skip", "fail"))
    convert_bytes = sum(i.size for i in plan.items if i.action == "convert")
    text = (f"<b>{convert}</b> files to convert ({human_bytes(convert_bytes)}), "
            f"<b>{skip}</b> skipped, <b>{fail}</b> will fail and stay untouched. "
            "Nothing has been written yet.")
    if not convert:
        text += " There is nothing to convert here."
    return text
