"""Table models for the dry-run plan and the conversion report, and a status/text filter.

Both wrap plain lists of the storage dataclasses (``PlanItem``, ``ReportItem``); a column is a
header, a display function and a sort key, so sorting compares numbers as numbers (sizes, times)
rather than their text. Plans and reports hold one row per file (thousands, not millions), so a
``QSortFilterProxyModel`` on top is cheap here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from gui.messages import human_bytes, human_seconds

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_ROLE = Qt.ItemDataRole.UserRole + 2  # the row's status or action, for the filter

# Failed first: the broken files are what a researcher looks for.
ORDER = {"fail": 0, "failed": 0, "pending": 1, "convert": 2, "converted": 2, "skip": 3,
         "skipped": 3}
COLOURS = {"fail": "#9b2c2c", "failed": "#9b2c2c", "pending": "#8a5a00", "skip": "#5a6b7d",
           "skipped": "#5a6b7d", "convert": "#1f5f2e", "converted": "#1f5f2e"}

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    header: str
    text: Callable[[Any], str]
    key: Callable[[Any], Any]
    align_right: bool = False


def relative(path: Path | None, root: Path | None) -> str:
    """``path`` relative to ``root`` when it lies below it, else the full path."""
    if path is None:
        return ""
    if root is not None:
        try:
            return str(Path(path).relative_to(root))
        except ValueError:
            pass
    return str(path)


def reason_text(item: Any) -> str:
    """The reason, with ``line L, column C`` for broken JSON."""
    reason = getattr(item, "reason", "") or ""
    line, column = getattr(item, "line", None), getattr(item, "column", None)
    if line is not None:
        where = f"line {line}" + (f", column {column}" if column is not None else "")
        if where not in reason:
            reason = f"{reason} ({where})" if reason else where
    return reason


def size_ratio(item: Any) -> float | None:
    """size_after / size_before of one report row (None when not converted)."""
    if not item.size_after or not item.size_before:
        return None
    return item.size_after / item.size_before


class RowsModel(QAbstractTableModel):
    """A read-only table over a list of dataclass rows, described by ``columns``."""

    def __init__(self, columns: Sequence[Column], kind_attr: str, parent=None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._kind_attr = kind_attr
        self._rows: list[Any] = []
        self.root: Path | None = None

    def set_rows(self, rows: Sequence[Any], root: Path | None = None) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.root = Path(root) if root is not None else None
        self.endResetModel()

    def row_item(self, row: int) -> Any:
        return self._rows[row]

    def rows(self) -> list[Any]:
        return list(self._rows)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section].header
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item, column = self._rows[index.row()], self._columns[index.column()]
        kind = getattr(item, self._kind_attr)
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(item)
        if role == SORT_ROLE:
            return column.key(item)
        if role == KIND_ROLE:
            return kind
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(t for t in (str(item.path), reason_text(item)) if t)
        if role == Qt.ItemDataRole.ForegroundRole and index.column() <= 1 and kind in COLOURS:
            return QBrush(QColor(COLOURS[kind]))
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _file_column(model_ref: list[RowsModel]) -> Column:
    def text(item: Any) -> str:
        return relative(item.path, model_ref[0].root if model_ref else None)

    return Column("File", text, lambda item: str(item.path).lower())


def plan_model(parent=None) -> RowsModel:
    """Rows of a dry run: file, action, reason, size."""
    ref: list[RowsModel] = []
    model = RowsModel([
        _file_column(ref),
        Column("Action", lambda i: i.action, lambda i: ORDER.get(i.action, 9)),
        Column("Reason", reason_text, lambda i: reason_text(i).lower()),
        Column("Size", lambda i: human_bytes(i.size), lambda i: i.size or 0, True),
    ], "action", parent)
    ref.append(model)
    model.setObjectName("planModel")
    return model


def report_model(parent=None) -> RowsModel:
    """Rows of a report: status, file, format, sizes, ratio, time, reason."""
    ref: list[RowsModel] = []

    def ratio_text(item: Any) -> str:
        ratio = size_ratio(item)
        return "" if ratio is None else f"{ratio:.2f}"

    model = RowsModel([
        Column("Status", lambda i: i.status, lambda i: ORDER.get(i.status, 9)),
        _file_column(ref),
        Column("Format", lambda i: i.target_format or "", lambda i: i.target_format or ""),
        Column("Before", lambda i: human_bytes(i.size_before), lambda i: i.size_before or 0,
               True),
        Column("After", lambda i: human_bytes(i.size_after) if i.size_after else "",
               lambda i: i.size_after or 0, True),
        Column("Ratio", ratio_text, lambda i: size_ratio(i) or 0.0, True),
        Column("Time", lambda i: human_seconds(i.seconds) if i.seconds else "",
               lambda i: i.seconds or 0.0, True),
        Column("Reason", reason_text, lambda i: reason_text(i).lower()),
    ], "status", parent)
    ref.append(model)
    model.setObjectName("reportModel")
    return model


class KindFilter(QSortFilterProxyModel):
    """Keeps rows of one status (or action) and whose file or reason contains a text."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._kind: str | None = None
        self._text = ""
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(False)

    def set_kind(self, kind: str | None) -> None:
        self._change_filter("_kind", kind or None)

    def set_text(self, text: str) -> None:
        self._change_filter("_text", text.strip().lower())

    def _change_filter(self, name: str, value: Any) -> None:
        # Qt 6.10 deprecates invalidateFilter() for the begin/end pair; 6.8 has only the former.
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            setattr(self, name, value)
            self.endFilterChange()
        else:
            setattr(self, name, value)
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent: _Index) -> bool:  # noqa: N802 - Qt API
        model = self.sourceModel()
        if not isinstance(model, RowsModel):
            return True
        item = model.row_item(row)
        if self._kind is not None and model.index(row, 0).data(KIND_ROLE) != self._kind:
            return False
        if self._text:
            haystack = f"{item.path} {reason_text(item)}".lower()
            return self._text in haystack
        return True

    def lessThan(self, left: _Index, right: _Index) -> bool:  # noqa: N802 - Qt API
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        try:
            return a < b
        except TypeError:
            return str(a) < str(b)


def totals_lines(totals: dict[str, Any]) -> list[tuple[str, str]]:
    """The report's totals as (label, value) pairs, in reading order."""
    ratio = totals.get("ratio")
    return [
        ("Converted", str(totals.get("converted", 0))),
        ("Skipped", str(totals.get("skipped", 0))),
        ("Failed", str(totals.get("failed", 0))),
        ("Pending", str(totals.get("pending", 0))),
        ("Before", human_bytes(totals.get("bytes_before"))),
        ("After", human_bytes(totals.get("bytes_after"))),
        ("Ratio", "\u2014" if ratio is None else f"{ratio:.2f}"),
        ("Time", human_seconds(totals.get("seconds"))),
        ("Speed", _speed(totals)),
    ]


def _speed(totals: dict[str, Any]) -> str:
    files, mb = totals.get("files_per_s"), totals.get("mb_per_s")
    if not files and not mb:
        return "\u2014"
    return f"{files or 0:.1f} files/s, {mb or 0:.1f} MB/s"
