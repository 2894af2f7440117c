"""Build metadata filters point-and-click: rows of field, operator and value, joined by AND/OR.

The rows write an expression in storage's filter language (``accuracy > 0.9 and lr < 1e-3``)
into an editable line, so what is searched is always visible and can be typed by hand too.
``and`` binds tighter than ``or``, as in the language itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui.layouts import column, hbox

OPERATORS = {
    "number": [">", ">=", "<", "<=", "==", "!="],
    "text": ["==", "!=", "in", "not in"],
    "bool": ["==", "!="],
}


class FilterRow(QWidget):
    """One condition. ``changed`` fires on every edit; ``remove`` asks the builder to drop it."""

    changed = Signal()
    remove = Signal(object)

    def __init__(self, fields: Mapping[str, Any], first: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self._fields = fields
        self.joiner = QComboBox(self, toolTip="How this condition joins the ones before it")
        self.joiner.addItems(["and", "or"])
        self.joiner.setVisible(not first)
        self.field = QComboBox(self, toolTip="Metadata field (from the index)")
        self.field.addItems(sorted(fields))
        self.op = QComboBox(self)
        self.value = QComboBox(self, editable=True, toolTip="Value (a list for 'in': a, b, c)")
        self.value.setMinimumContentsLength(10)
        drop = QToolButton(self, text="✕", toolTip="Remove this condition")
        line = QHBoxLayout(self)
        line.setContentsMargins(0, 0, 0, 0)
        for w in (self.joiner, self.field, self.op, self.value, drop):
            line.addWidget(w)
        line.addStretch(1)
        self.field.currentTextChanged.connect(self._field_changed)
        for box in (self.joiner, self.op):
            box.currentIndexChanged.connect(lambda _: self.changed.emit())
        self.value.currentTextChanged.connect(lambda _: self.changed.emit())
        drop.clicked.connect(lambda: self.remove.emit(self))
        self._field_changed(self.field.currentText())

    def _field_changed(self, name: str) -> None:
        info = self._fields.get(name)
        kind = getattr(info, "kind", "text")
        for box in (self.op, self.value):
            box.blockSignals(True)
        self.op.clear()
        self.op.addItems(OPERATORS.get(kind, OPERATORS["text"]))
        self.value.clear()
        if kind == "bool":
            self.value.addItems(["true", "false"])
        elif kind == "text":
            self.value.addItems([str(v) for v in getattr(info, "values", [])])
        else:
            self.value.setEditText("")
            lo, hi = getattr(info, "minimum", None), getattr(info, "maximum", None)
            if lo is not None and hi is not None:
                self.value.lineEdit().setPlaceholderText(f"{lo:.4g} … {hi:.4g}")
                self.value.setToolTip(f"{name} ranges from {lo:.6g} to {hi:.6g} in the index")
        for box in (self.op, self.value):
            box.blockSignals(False)
        self.changed.emit()

    def set_condition(self, field: str, op: str, value: str, joiner: str = "and") -> None:
        """Fill the row programmatically (tests and restored state)."""
        self.field.setCurrentText(field)
        self.op.setCurrentText(op)
        self.value.setEditText(value)
        self.joiner.setCurrentText(joiner)

    def expression(self) -> str:
        """``field op value`` in the filter language, or "" while the value is empty."""
        name, op, raw = self.field.currentText(), self.op.currentText(), self.value.currentText()
        if not name or not raw.strip():
            return ""
        kind = getattr(self._fields.get(name), "kind", "text")
        if op in ("in", "not in"):
            items = [_literal(v.strip(), kind) for v in raw.split(",") if v.strip()]
            return f"{name} {op} ({', '.join(items)})"
        return f"{name} {op} {_literal(raw.strip(), kind)}"


def _literal(text: str, kind: str) -> str:
    """Numbers and booleans bare; text quoted, so values with spaces or keywords survive."""
    if kind == "number":
        return text
    if kind == "bool":
        return "true" if text.lower() in ("true", "yes", "1") else "false"
    return json.dumps(text)


class FilterBuilder(QWidget):
    """The rows plus the resulting expression; ``changed(expression)`` on every edit."""

    changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fields: Mapping[str, Any] = {}
        self.rows: list[FilterRow] = []
        self.expression = QLineEdit(self, clearButtonEnabled=True)
        self.expression.setPlaceholderText('Filter, e.g. accuracy > 0.9 and lr < 1e-3')
        self.expression.setToolTip(
            "Metadata filter: ==, !=, >, >=, <, <=, in (a, b), and, or, parentheses. "
            "Built by the rows below, or type it.")
        self.add_button = QPushButton("Add condition", self)
        self.add_button.setEnabled(False)
        self.error = QLabel(self, objectName="errorState", wordWrap=True)
        self.error.hide()
        self._rows_box = QVBoxLayout()
        self._rows_box.setContentsMargins(0, 0, 0, 0)
        column(self, hbox(self.expression, self.add_button, stretch=self.expression),
               self._rows_box, self.error)
        self.add_button.clicked.connect(lambda: self.add_row())
        self.expression.textChanged.connect(self.changed.emit)

    def set_fields(self, fields: Mapping[str, Any]) -> None:
        """The fields the index knows (``storage.FieldInfo`` by name)."""
        self._fields = dict(fields)
        self.add_button.setEnabled(bool(self._fields))

    def add_row(self) -> FilterRow:
        row = FilterRow(self._fields, first=not self.rows, parent=self)
        row.changed.connect(self._rebuild)
        row.remove.connect(self._remove_row)
        self.rows.append(row)
        self._rows_box.addWidget(row)
        self._rebuild()
        return row

    def _remove_row(self, row: FilterRow) -> None:
        self.rows.remove(row)
        row.deleteLater()
        if self.rows:
            self.rows[0].joiner.setVisible(False)
        self._rebuild()

    def _rebuild(self) -> None:
        parts = []
        for row in self.rows:
            text = row.expression()
            if text:
                parts.append(f"{row.joiner.currentText()} {text}" if parts else text)
        self.expression.setText(" ".join(parts))

    def clear(self) -> None:
        """No rows, no expression, no error (another lab was opened)."""
        for row in list(self.rows):
            self._remove_row(row)
        self.expression.clear()
        self.show_error("")

    def text(self) -> str:
        return self.expression.text().strip()

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))
