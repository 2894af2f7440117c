"""The experiments panel (placeholder until the search panel lands)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class ExperimentsPanel(QWidget):
    open_files_requested = Signal(list)  # paths the main window opens in the Files tab

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._label = QLabel("Open a lab folder (File > Open Lab Folder) to search its runs.", self)
        self._label.setObjectName("emptyState")
        QVBoxLayout(self).addWidget(self._label)

    def open_lab(self, path: str) -> None:
        self._label.setText(f"Lab: {path}")

    def is_busy(self) -> bool:
        return False

    def show_target(self, what: str) -> None:
        pass
