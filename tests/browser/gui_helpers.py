"""Helpers for the browser's GUI tests: wait until idle, walk the tree."""

from __future__ import annotations

import time

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QAbstractItemView, QApplication

from gui.workers import pending_tasks

IDLE_TIMEOUT_MS = 20_000
WAKE_MS = 20  # longest a wait blocks without an event before the deadline is checked again


def wait_idle(qtbot, panel, timeout: int = IDLE_TIMEOUT_MS) -> None:  # noqa: ARG001 (API)
    """Until the panel is idle: checked at once, then each time an event arrives.

    A task counts as pending until its answer has been applied on the GUI thread (gui.workers),
    so pending == 0 and not busy means settled, except for what that answer posted (zero-delay
    timers, queued calls): processing events once more and checking again covers those.
    No fixed-interval polls: this runs thousands of times per corpus file, and qtbot.waitUntil's
    10 ms waits made a 1000-member group take 115 s (py-spy: 94 % of it in qtbot.wait). A
    worker's answer is a posted event, so blocking until the next event wakes up as soon as it
    lands; a repeating timer bounds each block so the deadline is always checked.
    """

    def settled() -> bool:
        return not (panel.is_busy() or pending_tasks())

    def idle() -> bool:
        QApplication.processEvents()
        if not settled():
            return False
        QApplication.processEvents()
        return settled()

    deadline = time.monotonic() + timeout / 1000
    wake = QTimer()
    wake.start(WAKE_MS)
    try:
        while not idle():
            if time.monotonic() > deadline:
                raise TimeoutError(f"the panel was still busy after {timeout} ms")
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    finally:
        wake.stop()


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
        # reversed, so that rows pop (and are selected later) in the tree's top-down order
        stack += [(model.index(r, 0, current), depth + 1)
                  for r in reversed(range(model.rowCount(current)))]
    return found


def select(qtbot, panel, index) -> None:
    """Select ``index`` as a user paging down would: a row below the viewport is scrolled to the
    top first, so the rows painted (and described in workers) arrive a page at a time, not one
    row per selection (each new row costs the tree's 30 ms batching wait)."""
    tree = panel.tree
    if not tree.viewport().rect().contains(tree.visualRect(index).bottomLeft()):
        tree.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtTop)
    tree.setCurrentIndex(index)
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
