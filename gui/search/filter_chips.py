"""Filter chips: the filters a query names in words, offered to accept or dismiss.

"runs on svhn with sgd" offers ``dataset == "svhn"`` and ``optimizer == "sgd"``. A chip is never
applied by itself (a wrong guess would hide runs the researcher wanted): clicking it adds the
filter to the filter box, its ✕ dismisses it until the suggestions change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget


class FilterChips(QWidget):
    """A row of suggested filters; ``accepted(expression)`` when one is clicked."""

    accepted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._suggestions: list[Any] = []
        self._dismissed: set[str] = set()
        self.buttons: list[QToolButton] = []  # the accept buttons, one per chip
        self._widgets: list[QToolButton] = []  # accept and dismiss buttons
        self._box = QHBoxLayout(self)
        self._box.setContentsMargins(0, 0, 0, 0)
        self._box.addWidget(QLabel("Suggested filters:", self))
        self._box.addStretch(1)
        self.hide()

    def set_suggestions(self, suggestions: Sequence[Any]) -> None:
        """Show these ``storage.FilterSuggestion``s (minus the dismissed ones)."""
        if [s.expression for s in suggestions] != [s.expression for s in self._suggestions]:
            self._dismissed.clear()  # a new query: what was dismissed may be wanted again
        self._suggestions = list(suggestions)
        self._rebuild()

    def expressions(self) -> list[str]:
        """The chips on show (tests)."""
        return [b.property("expression") for b in self.buttons]

    def dismiss(self, expression: str) -> None:
        self._dismissed.add(expression)
        self._rebuild()

    def _rebuild(self) -> None:
        for button in self._widgets:
            self._box.removeWidget(button)
            button.deleteLater()
        self.buttons, self._widgets = [], []
        shown = [s for s in self._suggestions if s.expression not in self._dismissed]
        for s in shown:
            self._add_chip(s.expression, s.words)
        self.setVisible(bool(shown))

    def _add_chip(self, expression: str, words: str) -> None:
        accept = QToolButton(self, text=f"+ {expression}", autoRaise=False)
        accept.setProperty("expression", expression)
        accept.setToolTip(f'Read from "{words}" in your query. Click to add this filter; '
                          "nothing is filtered until you do.")
        accept.clicked.connect(lambda: self.accepted.emit(expression))
        drop = QToolButton(self, text="✕", toolTip="Dismiss this suggestion")
        drop.clicked.connect(lambda: self.dismiss(expression))
        at = self._box.count() - 1  # before the stretch
        self._box.insertWidget(at, accept)
        self._box.insertWidget(at + 1, drop)
        self.buttons.append(accept)
        self._widgets += [accept, drop]
