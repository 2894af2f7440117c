"""The browser panel the GUI tests in this folder open their files in."""

from __future__ import annotations

import pytest
from support import show_widget

from gui.browser.panel import BrowserPanel


@pytest.fixture()
def panel(qtbot) -> BrowserPanel:
    return show_widget(qtbot, BrowserPanel())
