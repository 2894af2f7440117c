"""Help > Getting Started: opens in the window, says what each tab does, lists the real
shortcuts; the README's "What to click first" is the same text."""

from __future__ import annotations

import re

from conftest import REPO

from gui.help_dialog import GettingStartedDialog, guide_text, shortcut_rows
from gui.main_window import MainWindow


def _help_action(window: MainWindow, text: str):
    help_menu = next(a.menu() for a in window.menuBar().actions()
                     if a.text().replace("&", "") == "Help")
    return next(a for a in help_menu.actions() if a.text().replace("&", "") == text)


def test_help_menu_opens_getting_started(qtbot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    _help_action(window, "Getting Started").trigger()
    dialog = window.findChild(GettingStartedDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    text = dialog.text.toPlainText()
    for words in ("The tabs", "Files", "Experiments", "The demo lab", "~/loupe-demo-lab",
                  "Keyboard shortcuts", "Open Lab Folder", "Ctrl+L", "Copy h5py Snippet"):
        assert words in text, words
    _help_action(window, "Getting Started").trigger()  # a second time: the same dialog, shown
    assert window.findChildren(GettingStartedDialog) == [dialog]
    dialog.close()


def test_shortcut_table_comes_from_the_window(qtbot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    rows = {(where, what): keys for where, what, keys in shortcut_rows(window)}
    assert rows[("File", "Open Lab Folder")] == "Ctrl+L"
    assert rows[("Tools", "Convert JSON Results")] == "Ctrl+Shift+C"
    assert rows[("Help", "Getting Started")]  # F1 on most platforms
    assert rows[("Files tab", "Export Data")] == "Ctrl+E"


def _first_clicks(text: str) -> str:
    found = re.search(r"<!-- first-clicks.*?-->\n(.*?)<!-- /first-clicks -->", text, re.S)
    assert found, "first-clicks markers missing"
    return found.group(1).strip()


def test_readme_first_clicks_match_the_guide() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert _first_clicks(readme) == _first_clicks(guide_text())
