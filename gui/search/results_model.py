"""The search results as a table model: run, rank, distance, why, metadata, matched text.

Results are at most a few hundred rows (the query's limit), so sorting is a plain Python sort
inside the model; no proxy model is needed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

ID, RANK, DISTANCE, WHY, DOCUMENT = "id", "rank", "distance", "why", "document"
FIXED = {ID: "Run", RANK: "#", DISTANCE: "Distance", WHY: "Why", DOCUMENT: "Matched text"}
# The order of a text query's results fuses meaning, words and states, so the distance (meaning
# alone) is not monotone down the list: "#" keeps the fused place, and both headers say so.
HEADER_TIPS = {
    RANK: "Place in the ranking of the text query (meaning, words and states together); "
          "sort by this column to get that order back",
    DISTANCE: "Cosine distance of the text query by meaning alone (smaller is closer); the "
              "order also counts matching words and states: see # and Why; empty for listings",
}
# Metadata shown first, in this order, when present; the rest follows alphabetically.
PREFERRED = ("hypothesis_id", "architecture", "accuracy", "best_accuracy", "loss", "lr", "epochs",
             "seed", "status")
# Shown until the user chooses otherwise; other fields are one right-click away.
DEFAULT_VISIBLE = (ID, RANK, DISTANCE, WHY, "hypothesis_id", "architecture", "accuracy", "lr",
                   "seed", "status", DOCUMENT)
STATUS_COLORS = {"failed": "#9b2c2c", "diverged": "#b7791f", "running": "#2b6cb0"}
_Index = QModelIndex | QPersistentModelIndex


class ResultsModel(QAbstractTableModel):
    """Rows are :class:`storage.Hit` objects; the matched text is the last column (it stretches)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._hits: list[Any] = []
        self._keys: list[str] = [ID, RANK, DISTANCE, WHY, DOCUMENT]  # metadata before DOCUMENT
        self._rank: dict[int, int] = {}  # id(hit) -> place in the query's order
        self._where = ""  # the filter the hits passed, for the "why" tooltip

    # ---- content ----------------------------------------------------------------------------
    def set_hits(self, hits: Sequence[Any], field_names: Sequence[str] = (),
                 where: str = "") -> None:
        """Show ``hits``; columns are the fixed ones plus every metadata field seen."""
        self.beginResetModel()
        self._hits = list(hits)
        self._where = where
        ranked = any(getattr(h, "score", None) is not None for h in self._hits)
        self._rank = {id(h): i + 1 for i, h in enumerate(self._hits)} if ranked else {}
        names = set(field_names)
        for hit in self._hits:
            names.update(hit.metadata)
        names -= {"_"}
        ordered = [k for k in PREFERRED if k in names]
        ordered += sorted(names - set(ordered))
        self._keys = [ID, RANK, DISTANCE, WHY, *ordered, DOCUMENT]
        self.endResetModel()

    def hit(self, row: int) -> Any:
        return self._hits[row]

    def hits(self) -> list[Any]:
        return list(self._hits)

    def column_keys(self) -> list[str]:
        """Column keys in order: run, distance, metadata names, matched text."""
        return list(self._keys)

    def column_of(self, key: str) -> int:
        return self._keys.index(key) if key in self._keys else -1

    # ---- Qt model API -----------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._hits)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._keys)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._keys):
            return None
        key = self._keys[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return FIXED.get(key, key)
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(key)
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        hit, key = self._hits[index.row()], self._keys[index.column()]
        value = self.value(hit, key)
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(value, key)
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == WHY:
                return why_tooltip(hit, self._where)
            return hit.document if key in (DOCUMENT, ID) else None
        if role == Qt.ItemDataRole.UserRole:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole and _is_number(value):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            color = STATUS_COLORS.get(str(hit.metadata.get("status", "")))
            return QColor(color) if color and key in (ID, "status") else None
        return None

    def value(self, hit: Any, key: str) -> Any:
        if key == ID:
            return hit.id
        if key == RANK:
            return self._rank.get(id(hit))
        if key == DISTANCE:
            return hit.distance
        if key == DOCUMENT:
            return hit.document
        if key == WHY:
            return ", ".join(getattr(hit, "matched", None) or []) or None
        return hit.metadata.get(key)

    def sort(self, column: int,  # noqa: D401 - Qt API
             order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._keys):
            return
        key = self._keys[column]
        descending = order == Qt.SortOrder.DescendingOrder
        present = [h for h in self._hits if self.value(h, key) is not None]
        missing = [h for h in self._hits if self.value(h, key) is None]
        present.sort(key=lambda h: _sort_key(self.value(h, key)), reverse=descending)
        self.layoutAboutToBeChanged.emit()
        self._hits = present + missing  # empty cells last in both directions
        self.layoutChanged.emit()


def why_tooltip(hit: Any, where: str) -> str:
    """Why a run is in the results: the words that matched, its two ranks, the filter."""
    lines = []
    if getattr(hit, "matched", None):
        lines.append("Words that matched: " + ", ".join(hit.matched))
    ranks = [f"{name} #{rank}" for name, rank in (("meaning", getattr(hit, "dense_rank", None)),
                                                   ("words", getattr(hit, "lexical_rank", None)))
             if rank is not None]
    if ranks:
        lines.append("Rank by " + ", by ".join(ranks)
                     + (f"; fused score {hit.score:.4f}" if hit.score is not None else ""))
    elif hit.distance is None:
        lines.append("Listed (no text query)")
    if where:
        lines.append(f"Filter that applied: {where}")
    return "\n".join(lines) or "Close in meaning to the query"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _sort_key(value: Any) -> tuple[int, Any]:
    if _is_number(value):
        return (0, float(value) if math.isfinite(value) else math.inf)
    return (1, str(value).lower())


def _display(value: Any, key: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4f}" if key == DISTANCE else f"{value:.6g}"
    text = str(value)
    if key == DOCUMENT:
        text = " ".join(text.split())
        return text if len(text) <= 160 else text[:157] + "..."
    return text
