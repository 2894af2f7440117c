"""QIcons for Loupe's SVG resources, cached."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from gui.resources import icon_path


@cache
def icon(name: str) -> QIcon:
    """The icon ``resources/icons/NAME.svg`` (an empty icon when it does not exist)."""
    path = icon_path(name)
    return QIcon(str(path)) if path.exists() else QIcon()


def app_icon() -> QIcon:
    return icon("loupe")
