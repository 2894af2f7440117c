"""The file browser panel (placeholder until the HDF5 browser lands: lists opened files)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel, QListWidget, QVBoxLayout, QWidget

from gui.icons import icon


class BrowserPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._list = QListWidget(self)
        self._empty = QLabel("Open an HDF5 or JSON file: File > Open, or drop it here.", self)
        self._empty.setObjectName("emptyState")
        layout = QVBoxLayout(self)
        layout.addWidget(self._empty)
        layout.addWidget(self._list)

    def open_paths(self, paths: list[str]) -> None:
        for p in paths:
            self._list.addItem(Path(p).name)
            self._list.item(self._list.count() - 1).setIcon(icon("file"))
        self._empty.setVisible(self._list.count() == 0)

    def close_current(self) -> None:
        self._list.takeItem(self._list.currentRow())

    def reload_current(self) -> None:
        pass

    def is_busy(self) -> bool:
        return False

    def show_target(self, what: str) -> None:
        pass
