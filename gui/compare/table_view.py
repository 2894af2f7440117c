"""The compare table: one row per run, varying columns first, constants folded into one line.

The model reads the columns of a ``storage.CompareTable`` and keeps a row order (a numpy index
array): sorting 10,000 runs is one argsort plus a layout change, with no proxy model (a proxy's
Python-level comparisons took seconds at that size in the search panel's first version).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLabel,
    QPushButton,
    QTableView,
    QWidget,
)

from gui.layouts import column, flow

_Index = QModelIndex | QPersistentModelIndex
DIFF_COLOR = QColor(255, 214, 102, 120)  # cells that differ from the reference run
REF_COLOR = QColor(120, 170, 255, 70)


class CompareTableModel(QAbstractTableModel):
    """Column 0 is the run; then the table's shown columns. ``ref`` is a table row or -1."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.table: Any = None
        self.order = np.zeros(0, dtype=int)
        self.ref = -1
        self._bold = QFont()
        self._bold.setBold(True)

    def set_table(self, table: Any) -> None:
        self.beginResetModel()
        self.table = table
        self.order = np.arange(len(table) if table is not None else 0)
        self.ref = -1
        self.endResetModel()

    def set_reference(self, table_row: int) -> None:
        self.ref = table_row
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(self.rowCount() - 1, self.columnCount() - 1))

    def table_row(self, view_row: int) -> int:
        return int(self.order[view_row])

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() or self.table is None else len(self.order)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() or self.table is None else 1 + len(self.table.columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = int(self.order[index.row()]), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.table.ids[row] if col == 0 else self.table.columns[col - 1].text(row)
        if role == Qt.ItemDataRole.BackgroundRole and self.ref >= 0:
            if row == self.ref:
                return REF_COLOR
            if col > 0 and self.table.differs(row, col - 1, self.ref):
                return DIFF_COLOR
        if role == Qt.ItemDataRole.FontRole and row == self.ref:
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole and col > 0 \
                and self.table.columns[col - 1].numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or self.table is None:
            return None
        column = self.table.columns[section - 1] if section > 0 else None
        if role == Qt.ItemDataRole.DisplayRole:
            return "Run" if column is None else column.name
        if role == Qt.ItemDataRole.ToolTipRole and column is not None:
            return f"{column.name} ({'metric' if column.role == 'metric' else 'setting'})"
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self.table is None or not len(self.table):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        self.layoutAboutToBeChanged.emit()
        if not 0 <= column < self.columnCount():  # -1: Qt asks for the original order
            self.order = np.arange(len(self.table))
        elif column == 0:
            ids = np.array(self.table.ids)
            self.order = np.argsort(ids, kind="stable")[::-1 if descending else 1]
        else:
            self.order = self.table.sort_order(column - 1, descending)
        self.layoutChanged.emit()


class CompareTableView(QWidget):
    """The table, its "same for all" line, the reference run and copy buttons."""

    run_activated = Signal(str)  # a run double-clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = CompareTableModel(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.setWordWrap(False)
        self.same = QLabel(self, wordWrap=True, toolTip="Values every shown run shares")
        self.reference = run_combo(self, "Cells that differ from this run are marked")
        self.copy_csv = QPushButton("Copy CSV", self)
        self.copy_markdown = QPushButton("Copy Markdown", self)
        bar = flow(self, [QLabel("Reference run:", self), self.reference],
                   [self.copy_csv, self.copy_markdown])
        column(self, bar, self.same, self.view, stretch=self.view)
        self.reference.currentIndexChanged.connect(lambda i: self.set_reference(i - 1))
        self.copy_csv.clicked.connect(lambda: self.copy("csv"))
        self.copy_markdown.clicked.connect(lambda: self.copy("markdown"))
        self.view.doubleClicked.connect(self._activated)

    def set_table(self, table: Any) -> None:
        self.model.set_table(table)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.same.setText(f"Same for all: {table.same_for_all()}" if table.constant else "")
        self.same.setVisible(bool(table.constant))
        self.reference.blockSignals(True)
        self.reference.clear()
        self.reference.addItem("(none)")
        self.reference.addItems(table.ids)
        self.reference.blockSignals(False)
        if len(table) <= 200:
            self.view.resizeColumnsToContents()

    # ---- user actions (public, so tests and the window's random walk can drive them) -----------
    def set_reference(self, table_row: int) -> None:
        """Mark the cells of every run that differ from run ``table_row`` (-1: none)."""
        if self.model.table is None or not -1 <= table_row < len(self.model.table):
            return
        self.model.set_reference(table_row)
        if self.reference.currentIndex() != table_row + 1:
            self.reference.setCurrentIndex(table_row + 1)

    def sort_by(self, name: str, descending: bool = False) -> None:
        if self.model.table is None:
            return
        names = ["run"] + [c.name for c in self.model.table.columns]
        if name not in names:
            return
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        self.view.sortByColumn(names.index(name), order)

    def copy(self, fmt: str = "csv") -> str:
        """Copy the rows in their shown order (the selected ones, if any) as CSV or Markdown."""
        table = self.model.table
        if table is None:
            return ""
        selected = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        rows = [self.model.table_row(r) for r in (selected or range(self.model.rowCount()))]
        text = table.export(rows, fmt)
        QGuiApplication.clipboard().setText(text)
        return text

    def _activated(self, index: QModelIndex) -> None:
        self.run_activated.emit(self.model.table.ids[self.model.table_row(index.row())])


def run_combo(parent: QWidget, tip: str) -> QComboBox:
    """A combo box of run ids that does not measure every item to size itself (10,000 ids
    took ~0.5 s on the GUI thread when the box was first shown)."""
    combo = QComboBox(parent, toolTip=tip)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(28)
    return combo
