"""Helpers for the browser's GUI tests: wait until idle, walk the tree."""

from __future__ import annotations

from gui.workers import pending_tasks

IDLE_TIMEOUT_MS = 20_000


def wait_idle(qtbot, panel, timeout: int = IDLE_TIMEOUT_MS) -> None:
    """Idle for three polls in a row: a worker leaves the pending set before its queued
    answer reaches the GUI thread, so one idle poll can come too early."""
    calm = [0]

    def idle() -> bool:
        calm[0] = 0 if panel.is_busy() or pending_tasks() else calm[0] + 1
        return calm[0] >= 3

    qtbot.waitUntil(idle, timeout=timeout)


def expand_all(qtbot, panel, index, max_depth: int = 12) -> list:
    """Expand every group below ``index`` (listing them in workers); return every index."""
    model, tree = panel.model, panel.tree
    found = []
    stack = [(index, 0)]
    while stack:
        current, depth = stack.pop()
        found.append(current)
        if depth >= max_depth:
            continue
        node = model.node(current)
        if model.hasChildren(current) and node.kind == "group" or current == index:
            tree.expand(current)
            wait_idle(qtbot, panel)
        stack += [(model.index(r, 0, current), depth + 1) for r in range(model.rowCount(current))]
    return found


def select(qtbot, panel, index) -> None:
    panel.tree.setCurrentIndex(index)
    wait_idle(qtbot, panel)


def show_in_every_view(qtbot, panel) -> list[str]:
    """Switch through every enabled view tab for the current node; return their titles."""
    tabs = panel.viewer.tabs
    shown = []
    for i in range(tabs.count()):
        if tabs.isTabEnabled(i):
            tabs.setCurrentIndex(i)
            wait_idle(qtbot, panel)
            shown.append(tabs.tabText(i))
    return shown
