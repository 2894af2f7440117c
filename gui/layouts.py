"""Small layout helpers the panels share: a row of controls, a column filling a widget, a
combo box refilled without emitting its change signals, and a flow of controls that wraps."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QHBoxLayout,
    QLayout,
    QLayoutItem,
    QVBoxLayout,
    QWidget,
)


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


class FlowLayout(QLayout):
    """Items left to right, wrapping onto more rows when the width runs out (Qt's flow layout
    example). A row of controls in an HBox sets a minimum width for the whole window: the plot
    controls alone asked for 810 px, so the window could not be narrower than 1,075 px (half a
    laptop screen is less), and a narrower one clipped them to "Epo" and "Smoothi...".
    """

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt API
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt API
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt API
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt API
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt API
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt API
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt API
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt API
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect: QRect, move: bool) -> int:
        """Place the items (``move``) in rows within ``rect``; the height they take."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, row_height = area.x(), area.y(), 0
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            if x + hint.width() > area.right() + 1 and row_height:
                x, y, row_height = area.x(), y + row_height + self._spacing, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            row_height = max(row_height, hint.height())
        return y + row_height - rect.y() + margins.bottom()


def flow(parent: QWidget, *groups: Sequence[QWidget], spacing: int = 10) -> QWidget:
    """A widget holding ``groups`` of controls side by side, wrapping onto more rows when
    narrow; the controls of one group stay on one row (a label beside its box)."""
    holder = QWidget(parent)
    layout = FlowLayout(holder, spacing=spacing)
    layout.setContentsMargins(0, 0, 0, 0)
    for widgets in groups:
        chunk = QWidget(holder)
        _fill(QHBoxLayout(chunk), widgets, None).setContentsMargins(0, 0, 0, 0)
        layout.addWidget(chunk)
    return holder
