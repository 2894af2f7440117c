"""``*`` on a tree row: expand every group below it, all levels, one group at a time.

Each group is listed by the tree model's worker (``when_listed``); the GUI thread only expands
rows between listings, yielding to the event loop after each group, so the window stays live.
Esc stops it. It stops by itself after ``MAX_ROWS`` shown rows: QTreeView lays out every row
of an expanded parent, and a 100,000-member file fully expanded is no use to anyone.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, QTimer

from gui.browser.tree_items import TreeItem

if TYPE_CHECKING:
    from gui.browser.panel import BrowserPanel

MAX_ROWS = 20_000


class ExpandBelow(QObject):
    def __init__(self, panel: BrowserPanel) -> None:
        super().__init__(panel)
        self.panel = panel
        self._queue: deque[TreeItem] = deque()
        self._running = False
        self._groups = self._rows = 0
        self._top = ""

    @property
    def busy(self) -> bool:
        return self._running

    def start(self, index: QModelIndex) -> None:
        item = self.panel.model.item(index)
        if item is None:
            return
        self.cancel(quiet=True)
        self._queue = deque([item])
        self._running, self._groups, self._rows, self._top = True, 0, 0, item.node.path or "/"
        self._next()

    def cancel(self, quiet: bool = False) -> None:
        if self._running and not quiet:
            self.panel.status(f"Stopped expanding below {self._top} ({self._groups:,} groups)")
        self._running = False
        self._queue.clear()

    def _next(self) -> None:
        model, tree = self.panel.model, self.panel.tree
        while self._running and self._queue:
            item = self._queue.popleft()
            if not model.contains(item):
                continue  # closed, filtered or reloaded meanwhile
            index = model.index_of(item)
            tree.expand(index)
            model.when_listed(index, lambda it=item: self._listed(it))
            return
        if self._running:
            self._running = False
            self.panel.status(f"Expanded {self._groups:,} groups below {self._top}")

    def _listed(self, item: TreeItem) -> None:
        model = self.panel.model
        if not self._running or not model.contains(item):
            QTimer.singleShot(0, self._next)
            return
        index = model.index_of(item)
        count = model.rowCount(index)
        self._groups += 1
        self._rows += count
        for row in range(count):
            child = model.index(row, 0, index)
            if model.hasChildren(child):
                self._queue.append(model.item(child))
        if self._rows >= MAX_ROWS:
            self._running = False
            self._queue.clear()
            self.panel.status(f"Expanded {self._groups:,} groups below {self._top}; stopped "
                              f"at {self._rows:,} rows (expand further by hand)")
            return
        self.panel.status(f"Expanding below {self._top}: {self._groups:,} groups, "
                          f"{self._rows:,} rows (Esc stops)")
        QTimer.singleShot(0, self._next)  # one group per turn of the event loop
