"""Find Loupe's icons and stylesheet, in a source tree, an installed wheel or a frozen bundle."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path


@cache
def resources_dir() -> Path:
    """The folder holding ``icons/`` and ``style.qss``."""
    here = Path(__file__).resolve().parent
    candidates = [
        here / "_resources",  # copied in by the wheel build
        here.parent / "resources",  # source tree
        Path(getattr(sys, "_MEIPASS", here)) / "resources",  # PyInstaller bundle
    ]
    for candidate in candidates:
        if (candidate / "icons").is_dir():
            return candidate
    return candidates[1]


def icon_path(name: str) -> Path:
    """Path of ``icons/NAME.svg``."""
    return resources_dir() / "icons" / f"{name}.svg"


def stylesheet() -> str:
    path = resources_dir() / "style.qss"
    return path.read_text(encoding="utf-8") if path.exists() else ""
