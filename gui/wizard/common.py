"""Small helpers shared by the wizard pages, the report view and the restore dialog.

The one place that asks the user a yes/no question (tests replace :func:`ask` to play the user),
revealing a file in the desktop's file manager and remembered choices. Sizes, durations and error
text come from :mod:`gui.messages`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from gui import settings as loupe_settings
from gui.messages import error_text

SETTINGS_PREFIX = "wizard/"


def ask(parent: QWidget | None, title: str, text: str, yes: str = "Yes", no: str = "No") -> bool:
    """A modal yes/no question; True when the user chose ``yes``.

    Every question of the wizard goes through here, so a test can answer for the user.
    """
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton,
                      parent)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(yes_button)
    box.exec()
    return box.clickedButton() is yes_button


def tell_error(parent: QWidget | None, title: str, exc: BaseException) -> None:
    """A titled warning with the error's own message (storage errors say what to do)."""
    QMessageBox.warning(parent, title, error_text(exc))


def reveal_target(path: Path) -> Path:
    """The folder to show for ``path``: the file's folder (the file itself when it is a folder)."""
    return path if path.is_dir() else path.parent


def reveal(path: Path) -> bool:
    """Show ``path``'s folder in the desktop's file manager; False when nothing could open it."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(reveal_target(Path(path)))))


def remembered(key: str, default: Any) -> Any:
    """A remembered wizard choice, converted to the type of ``default``."""
    value = loupe_settings.settings().value(SETTINGS_PREFIX + key, default)
    if isinstance(default, bool):
        return value in (True, "true", "True", "1", 1)
    if isinstance(default, int):
        try:
            return int(value)
        except (TypeError, ValueError):
            return default
    return default if value is None else str(value)


def remember(key: str, value: Any) -> None:
    loupe_settings.settings().setValue(SETTINGS_PREFIX + key, value)


def split_patterns(text: str) -> tuple[str, ...]:
    """``"*.json, runs/*.json"`` -> ``("*.json", "runs/*.json")``: commas or spaces separate."""
    parts = text.replace(",", " ").split()
    return tuple(p for p in parts if p)


def hint(text: str) -> QLabel:
    """A one-line grey explanation under an option."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setObjectName("hint")
    label.setStyleSheet("color: #5a6b7d;")
    return label

