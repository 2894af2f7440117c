"""Remembered settings (QSettings) and the recent-files list."""

from __future__ import annotations

from PySide6.QtCore import QSettings

ORGANIZATION = "Loupe"
APPLICATION = "Loupe"
MAX_RECENT = 12


def settings() -> QSettings:
    """Loupe's settings store (per user; tests point it at a temporary folder)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION,
                     APPLICATION)


def recent_items(key: str = "recent/files") -> list[str]:
    value = settings().value(key, [])
    if isinstance(value, str):  # QSettings returns a lone string for a one-item list
        value = [value]
    return [str(v) for v in value or []]


def add_recent(item: str, key: str = "recent/files") -> list[str]:
    items = [item] + [i for i in recent_items(key) if i != item]
    items = items[:MAX_RECENT]
    settings().setValue(key, items)
    return items


def clear_recent(key: str = "recent/files") -> None:
    settings().setValue(key, [])
