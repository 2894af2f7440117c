"""The small table beside the plot: per run, last value, best value and where the best was."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from gui.plots.plot_data import X_AXES, Curve, lower_is_better, summarize
from gui.plots.run_colors import RunColors, group_key

ERROR_COLOR = QColor("#9b2c2c")


class SummaryTable(QTableWidget):
    """Rows follow the plotted runs; a run that could not be read shows its reason."""

    def __init__(self, colors: RunColors, parent: QWidget | None = None) -> None:
        super().__init__(0, 4, parent)
        self._colors = colors
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().setVisible(False)
        self.setAlternatingRowColors(True)
        # Names are shown whole: wrapped at "-" and elided twice they read "...t-...1". The
        # column fits the longest name and the table scrolls sideways when it is narrow.
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setMinimumWidth(300)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setMaximumSectionSize(280)  # a very long name is elided in the middle, once
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.set_curves([], "value", "epoch")

    def set_curves(self, curves: Sequence[Curve], metric: str, axis: str,
                   group_of: Mapping[str, str] | None = None) -> None:
        """One row per run; a grouped run's swatch is its group's colour (what the plot shows)."""
        best = "min" if lower_is_better(metric) else "max"
        where = X_AXES.get(axis, axis).split(" ")[0].lower()
        self.setHorizontalHeaderLabels(["Run", "Last", f"Best ({best})", f"at {where}"])
        self.setRowCount(len(curves))
        for row, curve in enumerate(curves):
            self._fill_row(row, curve, metric, (group_of or {}).get(curve.run_id))

    def _fill_row(self, row: int, curve: Curve, metric: str, group: str | None) -> None:
        name = QTableWidgetItem(curve.label)
        key = curve.run_id if group is None else group_key(group)
        name.setIcon(_swatch(self._colors.hex(key)))
        name.setData(Qt.ItemDataRole.UserRole, curve.run_id)
        self.setItem(row, 0, name)
        if curve.error is not None:
            name.setForeground(ERROR_COLOR)
            name.setToolTip(curve.error)
            self.setItem(row, 1, QTableWidgetItem("unreadable"))
            self.item(row, 1).setForeground(ERROR_COLOR)
            self.item(row, 1).setToolTip(curve.error)
            for col in (2, 3):
                self.setItem(row, col, QTableWidgetItem(""))
            return
        stats = curve.stats if curve.stats is not None else summarize(curve, metric)
        name.setToolTip(f"{curve.run_id}: {stats['points']} points"
                        + (f", group {group}" if group is not None else ""))
        for col, key in ((1, "last"), (2, "best"), (3, "best_at")):
            self.setItem(row, col, _number_item(stats[key], integer=(key == "best_at")))

    def row_values(self, row: int) -> list[str]:
        """The texts of one row (tests read the table like a user does)."""
        return [self.item(row, c).text() for c in range(self.columnCount())]


def _number_item(value: float | None, integer: bool = False) -> QTableWidgetItem:
    if value is None:
        text = "-"
    elif integer and float(value).is_integer():
        text = str(int(value))
    else:
        text = f"{value:.4g}"
    item = QTableWidgetItem(text)
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _swatch(color: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)
