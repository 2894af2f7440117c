"""Small layout helpers the panels share: a row of controls, a column filling a widget, a
combo box refilled without emitting its change signals."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QBoxLayout, QComboBox, QHBoxLayout, QLayout, QVBoxLayout, QWidget


def _fill(box: QBoxLayout, items: Sequence[QWidget | QLayout], stretch: object) -> QBoxLayout:
    for item in items:
        if isinstance(item, QLayout):
            box.addLayout(item, 1 if item is stretch else 0)
        else:
            box.addWidget(item, 1 if item is stretch else 0)
    return box


def hbox(*items: QWidget | QLayout, stretch: object = None) -> QHBoxLayout:
    """``items`` left to right; ``stretch`` (one of them) takes the spare width."""
    return _fill(QHBoxLayout(), items, stretch)


def column(parent: QWidget, *items: QWidget | QLayout, stretch: object = None,
           margin: int = 0) -> QVBoxLayout:
    """``parent``'s layout: ``items`` top to bottom with ``margin`` around them; ``stretch``
    (one of them) takes the spare height."""
    box = QVBoxLayout(parent)
    box.setContentsMargins(margin, margin, margin, margin)
    return _fill(box, items, stretch)


def refill(combo: QComboBox, names: Sequence[str], current: str | None = None) -> None:
    """Replace ``combo``'s items with ``names`` (``current`` selected when among them) without
    emitting its change signals: the caller updates what depends on it once, afterwards."""
    combo.blockSignals(True)
    combo.clear()
    combo.addItems(list(names))
    if current in names:
        combo.setCurrentText(current)
    combo.blockSignals(False)
