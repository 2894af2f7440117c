"""Ask before a remote read moves more bytes than the read budget (Preferences in Open URL).

Remote sources raise :class:`ReadBudgetExceededError` before reading; the read runner calls
:func:`ask_to_read_more` and, when the user agrees, raises that source's budget and reads again.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from gui.messages import human_bytes
from storage import ReadBudgetExceededError


def ask_to_read_more(parent: QObject | None, exc: BaseException) -> bool:
    """True if ``exc`` is a budget error and the user agreed to the bigger read."""
    source = getattr(exc, "source", None)
    if not isinstance(exc, ReadBudgetExceededError) or source is None:
        return False
    widget = parent if isinstance(parent, QWidget) else None
    answer = QMessageBox.question(
        widget, "Large remote read",
        f"{exc}.\n\nRead {human_bytes(exc.nbytes)} from {source.location} now?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No)
    if answer != QMessageBox.StandardButton.Yes:
        return False
    source.read_budget = max(source.read_budget, exc.nbytes)  # for this source, until closed
    return True
