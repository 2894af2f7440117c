"""Step 1: the folder to convert, recursion, include and exclude patterns.

Counting the matching files walks the folder, so it runs in a worker (the newest request wins)
after the user stops typing. The same worker looks for an unfinished journal: when one is found a
banner offers to resume that run instead of starting a new one.
"""

from __future__ import annotations

import fnmatch
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWizardPage,
)

from gui.messages import error_text, human_bytes
from gui.wizard.common import hint, remember, remembered, split_patterns
from gui.workers import LatestOnly

COUNT_DELAY_MS = 300


@dataclass
class FolderCount:
    files: int
    bytes: int
    journal: Path | None
    truncated: bool = False


def _matches(rel: str, name: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(rel, p) for p in patterns)


def count_files(root: Path, recursive: bool, include: tuple[str, ...], exclude: tuple[str, ...],
                cancel: threading.Event | None = None) -> FolderCount:
    """How many files below ``root`` match, their bytes, and an unfinished journal if any.

    Backups and Loupe's own reports are not counted; symlinked folders are not followed (a loop
    would never end). The dry run on the next pages is the exact answer; this is the quick one.
    """
    from storage import find_unfinished_journal

    files = size = 0
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        if cancel is not None and cancel.is_set():
            return FolderCount(files, size, None, truncated=True)
        if not recursive:
            dirnames.clear()
        dirnames[:] = [d for d in dirnames if not d.startswith(".loupe")]
        for name in filenames:
            rel = os.path.relpath(os.path.join(dirpath, name), root)
            if ".backup" in name or name.startswith("loupe-report-"):
                continue
            if not _matches(rel, name, include) or _matches(rel, name, exclude):
                continue
            try:
                size += os.stat(os.path.join(dirpath, name)).st_size
            except OSError:
                pass  # unreadable or vanished: the plan will report it
            files += 1
    return FolderCount(files, size, find_unfinished_journal(root))


class SourcePage(QWizardPage):
    """Folder, recursion and patterns; a live count; the offer to resume an unfinished run."""

    resume_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setTitle("Choose the folder to convert")
        self.setSubTitle("Loupe finds the JSON result files in it. Nothing is written until the "
                         "Run step; every original is backed up first.")
        self.setAcceptDrops(True)
        self.folder_edit = QLineEdit(self)
        self.recursive = QCheckBox("Include subfolders", self)
        self.include_edit = QLineEdit(self)
        self.exclude_edit = QLineEdit(self)
        self.count_label = QLabel(self)
        self.banner = QFrame(self)
        self.banner_label = QLabel(self.banner)
        self.resume_button = QPushButton("Resume it", self.banner)
        self.undo_button = QPushButton("Undo it...", self.banner)
        self.journal: Path | None = None
        self.counted: FolderCount | None = None
        self._counter = LatestOnly()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COUNT_DELAY_MS)
        self._timer.timeout.connect(self.recount)
        self._build()
        self._load_choices()

    def _build(self) -> None:
        form = QFormLayout(self)
        browse = QPushButton("Browse...", self)
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder_edit, 1)
        row.addWidget(browse)
        self.folder_edit.setPlaceholderText("A folder of JSON results (or drop one here)")
        form.addRow("Folder:", row)
        form.addRow("", self.recursive)
        form.addRow("", hint("Look into every subfolder too (symlinked folders are not followed)."))
        self.include_edit.setPlaceholderText("*.json")
        form.addRow("Include:", self.include_edit)
        form.addRow("", hint("File name patterns to convert, separated by commas."))
        self.exclude_edit.setPlaceholderText("e.g. *_config.json, raw/*")
        form.addRow("Exclude:", self.exclude_edit)
        form.addRow("", hint("Patterns to leave alone (matched on the name or the path below "
                              "the folder)."))
        self.count_label.setObjectName("countLabel")
        self.count_label.setStyleSheet("font-size: 14px; padding: 8px 0;")
        form.addRow("Found:", self.count_label)
        self._build_banner()
        form.addRow(self.banner)
        earlier = QPushButton("Earlier reports of this folder...", self)
        earlier.setToolTip("Open the reports of earlier conversions of this folder")
        earlier.clicked.connect(self._open_reports)
        row = QHBoxLayout()
        row.addWidget(earlier)
        row.addStretch(1)
        form.addRow("", row)
        for edit in (self.folder_edit, self.include_edit, self.exclude_edit):
            edit.textChanged.connect(self._changed)
        self.recursive.toggled.connect(self._changed)

    def _build_banner(self) -> None:
        self.banner.setObjectName("resumeBanner")
        self.banner.setStyleSheet("#resumeBanner { background: #fff4d6; border: 1px solid #e0b84a;"
                                  " border-radius: 4px; }")
        layout = QHBoxLayout(self.banner)
        self.banner_label.setWordWrap(True)
        layout.addWidget(self.banner_label, 1)
        self.resume_button.clicked.connect(self.resume_requested)
        self.resume_button.setDefault(True)
        layout.addWidget(self.resume_button)
        self.undo_button.setToolTip("Put the originals of that run back, then plan a new one")
        self.undo_button.clicked.connect(self._undo)
        layout.addWidget(self.undo_button)
        self.banner.hide()

    def _load_choices(self) -> None:
        self.folder_edit.setText(remembered("folder", ""))
        self.recursive.setChecked(remembered("recursive", True))
        self.include_edit.setText(remembered("include", "*.json"))
        self.exclude_edit.setText(remembered("exclude", ""))

    # ---- values -----------------------------------------------------------------------------
    def folder(self) -> Path | None:
        text = self.folder_edit.text().strip()
        return Path(text).expanduser() if text else None

    def set_folder(self, folder: str | Path) -> None:
        self.folder_edit.setText(str(folder))

    def include(self) -> tuple[str, ...]:
        return split_patterns(self.include_edit.text()) or ("*.json",)

    def exclude(self) -> tuple[str, ...]:
        return split_patterns(self.exclude_edit.text())

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        folder = self.folder()
        # A folder with an unfinished run must be resumed or undone first (the engine refuses
        # to start a second run over a journal).
        return folder is not None and folder.is_dir() and self.journal is None

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        remember("folder", str(self.folder()))
        remember("recursive", self.recursive.isChecked())
        remember("include", self.include_edit.text().strip() or "*.json")
        remember("exclude", self.exclude_edit.text().strip())
        return True

    # ---- counting ---------------------------------------------------------------------------
    def _changed(self) -> None:
        self.completeChanged.emit()
        self._timer.start()

    def recount(self) -> None:
        """Count the matching files (and look for a journal) in a worker."""
        self._timer.stop()
        folder = self.folder()
        self.banner.hide()
        self.journal = None
        self.completeChanged.emit()
        if folder is None or not folder.is_dir():
            self.count_label.setText("Choose an existing folder." if folder else "")
            return
        self.count_label.setText("Counting...")
        self._counter.submit(count_files, folder, self.recursive.isChecked(), self.include(),
                             self.exclude(), wants_cancel=True, on_done=self._counted,
                             on_error=self._count_failed)

    def is_busy(self) -> bool:
        return self._timer.isActive() or self._counter.busy

    def _counted(self, count: FolderCount) -> None:
        self.counted = count
        self.count_label.setText(f"{count.files} JSON files, {human_bytes(count.bytes)}")
        self.journal = count.journal
        if count.journal is not None:
            self.banner_label.setText(
                "<b>An unfinished conversion was found in this folder.</b> Resume it to finish "
                "the files it did not reach with the options it started with (the files already "
                "converted stay as they are), or undo it to put the originals back before "
                "planning a new run.")
            self.banner.show()
        self.completeChanged.emit()

    def _count_failed(self, exc: BaseException) -> None:
        self.count_label.setText(f"Could not list the folder: {error_text(exc)}")

    def _browse(self) -> None:
        start = str(self.folder() or Path.home())
        folder = QFileDialog.getExistingDirectory(self, "Folder to convert", start)
        if folder:
            self.set_folder(folder)

    def _undo(self) -> None:
        from gui.wizard.restore_dialog import open_restore_dialog

        folder = self.folder()
        if folder is not None:
            dialog = open_restore_dialog(self.window(), folder)
            dialog.restored.connect(lambda _result: self.recount())

    def _open_reports(self) -> None:
        from gui.wizard import open_report_dialog

        folder = self.folder()
        if folder is not None and folder.is_dir():
            open_report_dialog(self.window().parent() or self.window(), folder)

    # ---- drag and drop ----------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt API
        urls = event.mimeData().urls()
        if urls and Path(urls[0].toLocalFile()).is_dir():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt API
        self.set_folder(event.mimeData().urls()[0].toLocalFile())
        event.acceptProposedAction()

