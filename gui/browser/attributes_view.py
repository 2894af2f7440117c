"""All attributes of the selected object: name, type, shape, value (full text below)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from storage import AttrInfo

COLUMNS = ("Name", "Type", "Shape", "Value")


class AttributesView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.detail = QPlainTextEdit(self)
        self.detail.setReadOnly(True)
        self.detail.setFont(QFont("monospace"))
        self.detail.setPlaceholderText("Select an attribute to see its full value")
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setSizes([200, 80])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._attrs: list[AttrInfo] = []
        self.table.currentCellChanged.connect(self._show_detail)

    def set_attributes(self, attrs: list[AttrInfo]) -> None:
        self._attrs = list(attrs)
        self.table.setRowCount(len(attrs))
        for row, attr in enumerate(attrs):
            shape = "" if attr.shape is None else "scalar" if attr.shape == () else \
                " \u00d7 ".join(map(str, attr.shape))
            value = attr.error or attr.text.replace("\n", " ")
            for col, text in enumerate((attr.name, attr.dtype, shape, value)):
                item = QTableWidgetItem(text[:500])
                item.setToolTip(attr.error or attr.text[:2000])
                if attr.error:
                    item.setForeground(QBrush(QColor("#b42318")))
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        self.detail.clear()
        if attrs:
            self.table.setCurrentCell(0, 0)

    def set_message(self, text: str) -> None:
        self.set_attributes([])
        self.detail.setPlainText(text)

    def _show_detail(self, row: int, *_args) -> None:
        if 0 <= row < len(self._attrs):
            attr = self._attrs[row]
            self.detail.setPlainText(attr.error or attr.text)

    def row_count(self) -> int:
        return self.table.rowCount()
