"""Small helpers shared by the wizard pages, the report view and the restore dialog.

Formatting (bytes, durations), the one place that asks the user a yes/no question (tests replace
:func:`ask` to play the user), revealing a file in the desktop's file manager, remembered choices
and turning storage errors into one readable line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from gui import settings as loupe_settings

SETTINGS_PREFIX = "wizard/"


def human_bytes(n: int | float | None) -> str:
    """``1536`` -> ``"1.5 KB"``; ``None`` -> an em dash (size not known)."""
    if n is None:
        return "\u2014"
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if abs(value) < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TB"  # unreachable, keeps type checkers calm


def human_seconds(seconds: float | None) -> str:
    """``75.2`` -> ``"1 min 15 s"``; small values keep a decimal, under a second in ms (a file
    converted in 40 ms showed "0.0 s"); ``None`` -> an em dash."""
    if seconds is None:
        return "\u2014"
    if seconds <= 0:
        return "0 s"
    if seconds < 0.9995:
        return f"{seconds * 1000:.0f} ms" if seconds >= 0.0005 else f"{seconds * 1000:.2f} ms"
    if seconds < 10:
        return f"{seconds:.1f} s"
    total = int(round(seconds))
    if total < 60:
        return f"{total} s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


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


def error_text(exc: BaseException) -> str:
    """One readable line for an exception; typed storage errors already carry the fix."""
    message = str(exc).strip() or type(exc).__name__
    if isinstance(exc, OSError) and not _is_storage_error(exc):
        return f"{type(exc).__name__}: {message}"
    return message


def _is_storage_error(exc: BaseException) -> bool:
    try:
        from storage import StorageError
    except ImportError:  # pragma: no cover - storage is part of this distribution
        return False
    return isinstance(exc, StorageError)


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
