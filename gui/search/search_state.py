"""The search panel's state page: what to do next, indexing progress, or why nothing is shown.

One widget for every non-result state keeps the table page simple: the panel flips a stack
between "results" and this page, and this page says what is going on in plain words.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget


class SearchState(QWidget):
    """A title, a message, optional progress and Cancel / Retry buttons."""

    cancel_requested = Signal()
    retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = "empty"
        self.title = QLabel(self, objectName="emptyState", wordWrap=True)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message = QLabel(self, wordWrap=True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar(self)
        self.cancel = QPushButton("Cancel", self)
        self.retry = QPushButton("Retry", self)
        self.cancel.clicked.connect(self.cancel_requested.emit)
        self.retry.clicked.connect(self.retry_requested.emit)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.retry)
        buttons.addStretch(1)
        box = QVBoxLayout(self)
        box.addStretch(1)
        box.addWidget(self.title)
        box.addWidget(self.message)
        box.addWidget(self.progress)
        box.addLayout(buttons)
        box.addStretch(2)
        self.show_state("empty", "Open a lab folder to search its runs.",
                        "File > Open Lab Folder (Ctrl+L), or drop a lab folder on the window.")

    def show_state(self, kind: str, title: str, message: str = "", *, progress: bool = False,
                   cancel: bool = False, retry: bool = False) -> None:
        """``kind`` is a short machine name ("empty", "indexing", "error", "no-results"...)."""
        self.kind = kind
        self.title.setObjectName("errorState" if kind == "error" else "emptyState")
        self.title.style().unpolish(self.title)
        self.title.style().polish(self.title)
        self.title.setText(title)
        self.message.setText(message)
        self.message.setVisible(bool(message))
        self.progress.setVisible(progress)
        self.progress.setRange(0, 0)
        self.cancel.setVisible(cancel)
        self.cancel.setEnabled(True)
        self.retry.setVisible(retry)

    def set_progress(self, done: int, total: int, name: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.message.setText(f"{done} of {total}: {name}" if name else f"{done} of {total}")
        self.message.show()
