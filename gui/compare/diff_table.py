"""A list of differences (``storage.Difference``): path, what changed, A, B.

Shared by the run diff of the Compare view and the browser's "Compare with..." dialog.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QTableWidget, QTableWidgetItem, QWidget

from storage import diff_value_text

HEADERS = ("Path", "Change", "A", "B")
KIND_COLORS = {"added": "#2f855a", "removed": "#c53030", "changed": "#b7791f", "same": "#718096"}


class DiffTable(QTableWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(HEADERS), parent)
        self.setHorizontalHeaderLabels(HEADERS)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setStretchLastSection(True)
        self.setWordWrap(False)
        self.differences: list[Any] = []

    def set_differences(self, differences: Sequence[Any]) -> None:
        self.differences = list(differences)
        self.setRowCount(len(self.differences))
        for row, d in enumerate(self.differences):
            change = d.kind + (f" ({d.note})" if d.note else "")
            cells = (d.path or "/", change, diff_value_text(d.a), diff_value_text(d.b))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if col == 1:
                    item.setForeground(QColor(KIND_COLORS.get(d.kind, "#000")))
                self.setItem(row, col, item)
        self.resizeColumnsToContents()
