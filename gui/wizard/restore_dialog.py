"""Put the originals back, from a folder (its journal and reports) or from one report file.

The dialog first lists what would change (``plan_restore``, in a worker): which originals come
back from which backup and which converted files are removed. That list is the confirmation; the
Restore button names how many files it will touch. The restore itself runs in a worker with a
progress bar, and ends with a summary of what was restored, removed, skipped and what failed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.messages import error_text
from gui.wizard.common import remember, remembered
from gui.workers import Task, submit

ACTION_TEXT = {"restore": "Put back", "remove": "Remove converted file"}


class RestoreDialog(QDialog):
    """Choose a folder or report, see what will change, restore, read the summary."""

    restored = Signal(object)  # the RestoreResult

    def __init__(self, parent: QWidget | None = None, source: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore originals")
        self.resize(1000, 620)
        self.changes: list[Any] = []
        self.result: Any = None
        self.state = "idle"  # planning, planned, restoring, done, failed
        self.source_edit = QLineEdit(self)
        self.summary = QLabel(self)
        self.list = QTreeWidget(self)
        self.progress = QProgressBar(self)
        self.buttons = QDialogButtonBox(self)
        self.restore_button = QPushButton("Restore", self)
        self._task: Task | None = None
        self._close_when_done = False
        self._build()
        self.source_edit.setText(str(source) if source else remembered("restore_source", ""))
        if self.source():
            self.plan()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("From:", self))
        self.source_edit.setPlaceholderText("A converted folder, or a loupe-report-*.json file")
        self.source_edit.returnPressed.connect(self.plan)
        row.addWidget(self.source_edit, 1)
        for text, slot in (("Folder...", self._browse_folder), ("Report...", self._browse_report)):
            button = QPushButton(text, self)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            row.addWidget(button)
        layout.addLayout(row)
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-size: 14px;")
        layout.addWidget(self.summary)
        self.list.setHeaderLabels(["File", "Change", "Detail"])
        self.list.setRootIsDecorated(False)
        self.list.setAlternatingRowColors(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.list.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        layout.addWidget(self.list, 1)
        self.progress.hide()
        layout.addWidget(self.progress)
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self.restore)
        self.buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def source(self) -> Path | None:
        text = self.source_edit.text().strip()
        return Path(text).expanduser() if text else None

    def _browse_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Converted folder",
                                                  str(self.source() or Path.home()))
        if folder:
            self.source_edit.setText(folder)
            self.plan()

    def _browse_report(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Conversion report",
                                              str(self.source() or Path.home()),
                                              "Loupe reports (loupe-report-*.json *.json)")
        if path:
            self.source_edit.setText(path)
            self.plan()

    # ---- planning ---------------------------------------------------------------------------
    def plan(self) -> None:
        """List what a restore from the chosen source would change (in a worker)."""
        from storage import plan_restore

        source = self.source()
        if source is None or self.state == "restoring":
            return
        remember("restore_source", str(source))
        self.state = "planning"
        self.list.clear()
        self.restore_button.setEnabled(False)
        self.summary.setText(f"Reading what was converted in {source}...")
        self._task = submit(plan_restore, source, on_done=self._planned, on_error=self._failed)

    def _planned(self, changes: list[Any]) -> None:
        self._task = None
        self.state = "planned"
        self.changes = list(changes)
        for change in self.changes:
            QTreeWidgetItem(self.list, [str(change.path),
                                        ACTION_TEXT.get(change.action, change.action),
                                        change.detail or ""])
        self.list.resizeColumnToContents(0)
        self.list.resizeColumnToContents(1)
        restores = sum(1 for c in self.changes if c.action == "restore")
        removes = sum(1 for c in self.changes if c.action == "remove")
        if not self.changes:
            self.summary.setText("Nothing to restore here: no backups made by Loupe were found.")
            return
        self.summary.setText(
            f"<b>{restores}</b> originals will be put back from their backups and "
            f"<b>{removes}</b> converted files Loupe made will be removed. No other file is "
            "touched. Check the list, then press Restore.")
        self.restore_button.setText(f"Restore {restores} originals")
        self.restore_button.setShortcut(QKeySequence("Ctrl+Return"))
        self.restore_button.setEnabled(True)

    # ---- restoring --------------------------------------------------------------------------
    def restore(self) -> None:
        """Put the listed originals back (in a worker)."""
        from storage import restore_originals

        source = self.source()
        if source is None or self.state != "planned" or not self.changes:
            return
        self.state = "restoring"
        self.restore_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.summary.setText("Restoring...")
        self._task = submit(restore_originals, source, wants_cancel=True,
                            on_progress=self._on_progress, on_done=self._restored,
                            on_error=self._failed)

    def _on_progress(self, event: Any) -> None:
        total = getattr(event, "files_total", 0)
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(getattr(event, "files_done", 0))

    def _restored(self, result: Any) -> None:
        self._task = None
        self.state = "done"
        self.result = result
        self.progress.hide()
        self.summary.setText(result_text(result))
        self.list.clear()
        rows = [(p, "Put back", "") for p in result.restored]
        rows += [(p, "Removed", "converted file") for p in result.removed]
        rows += [(p, "Skipped", "") for p in result.skipped]
        rows += [(p, "Error", message) for p, message in result.errors]
        for path, change, detail in rows:
            item = QTreeWidgetItem(self.list, [str(path), change, detail])
            if change == "Error":
                item.setForeground(1, Qt.GlobalColor.darkRed)
        self.restore_button.setText("Restored")
        self.restored.emit(result)
        if self._close_when_done:
            super().reject()

    def _failed(self, exc: BaseException) -> None:
        self._task = None
        self.state = "failed"
        self.progress.hide()
        self.summary.setText(f"<b>Could not restore from {self.source()}.</b> {error_text(exc)}")

    def is_busy(self) -> bool:
        return self._task is not None

    def reject(self) -> None:
        if self.state == "restoring":  # never leave a restore half-seen; it finishes quickly
            self.summary.setText("Restoring... the dialog closes when it is done.")
            self._close_when_done = True
            return
        super().reject()


def result_text(result: Any) -> str:
    """``"Put back 12 originals, removed 3 converted files, skipped 0; no errors."``"""
    text = (f"<b>Put back {len(result.restored)} originals</b>, removed "
            f"{len(result.removed)} converted files, skipped {len(result.skipped)}")
    if result.errors:
        return text + f"; <b>{len(result.errors)} errors</b> (listed below)."
    return text + "; no errors."


def open_restore_dialog(parent: QWidget | None, source: Path | None = None) -> RestoreDialog:
    """Show the restore dialog (non-modal) and return it."""
    dialog = RestoreDialog(parent, source)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
