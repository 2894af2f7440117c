"""Help > Getting Started: what each tab does, the demo lab and the keyboard shortcuts.

The text is ``resources/getting-started.md`` (the README's "What to click first" is a copy of
its first list, checked by a test); the shortcut tables are read from the window's own actions,
so they cannot drift from the menus.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMainWindow,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from gui.resources import resources_dir

GUIDE_FILE = "getting-started.md"


def guide_text() -> str:
    """The guide's markdown (a short fallback if the resource file is missing)."""
    path = resources_dir() / GUIDE_FILE
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return f"# Getting started\n\n(The guide {path} is missing from this installation.)\n"


def _label(action: QAction) -> str:
    return action.text().replace("&", "").rstrip(".\u2026")


def _shortcut(action: QAction) -> str:
    return action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)


def shortcut_rows(window: QMainWindow) -> list[tuple[str, str, str]]:
    """(where, what, keys) of every action with a shortcut: the menus, then the Files tab."""
    rows = []
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        for action in menu.actions() if menu is not None else []:
            if not action.shortcut().isEmpty():
                rows.append((_label(menu_action), _label(action), _shortcut(action)))
    browser = getattr(window, "browser", None)
    for action in browser.findChildren(QAction) if browser is not None else []:
        if not action.shortcut().isEmpty():
            rows.append(("Files tab", _label(action), _shortcut(action)))
    return rows


def guide_markdown(window: QMainWindow | None) -> str:
    """The guide, with the shortcut table of ``window`` appended."""
    text = guide_text()
    rows = shortcut_rows(window) if window is not None else []
    if rows:
        table = ["", "| Where | What | Keys |", "| --- | --- | --- |"]
        table += [f"| {where} | {what} | {keys} |" for where, what, keys in rows]
        text = text.rstrip("\n") + "\n" + "\n".join(table) + "\n"
    return text


class GettingStartedDialog(QDialog):
    """A non-modal window with the guide; links open in the system's browser."""

    def __init__(self, window: QMainWindow | None, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setWindowTitle("Getting Started with Loupe")
        self.resize(720, 640)
        self.text = QTextBrowser(self)
        self.text.setOpenExternalLinks(True)
        self.text.setMarkdown(guide_markdown(window))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)


def show_getting_started(window: QMainWindow) -> GettingStartedDialog:
    """Open the guide beside the window (one at a time; shown again if already open)."""
    dialog = getattr(window, "_getting_started", None)
    if dialog is None:
        dialog = GettingStartedDialog(window)
        window._getting_started = dialog
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
