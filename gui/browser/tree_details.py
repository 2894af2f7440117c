"""Details (kind, shape, dtype, size, compression) for the rows a tree view paints.

Listing gives names only; opening a member to describe it costs about 0.2 ms locally and 35 ms
on HSDS, so only painted rows are described, in workers, a batch per parent at a time.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from gui.browser.tree_items import TreeItem
from gui.workers import submit
from storage import NodeInfo

DESCRIBE_BATCH = 200  # rows described per worker call
WAIT_MS = 30  # painted rows gathered this long before a batch goes out


class RowDetails(QObject):
    """Collects painted rows that have no details yet and describes them in workers."""

    def __init__(self, changed: Callable[[TreeItem], None],
                 expanders_changed: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._changed = changed  # called with each item whose node was replaced
        # Called once per batch in which a row's expander came or went: QTreeView keeps each
        # row's "has children" from its last layout and dataChanged does not refresh it (a
        # dataset of a wide group kept its arrow until the next key press, issue 13).
        self._expanders_changed = expanders_changed
        self._wanted: OrderedDict[int, TreeItem] = OrderedDict()
        self._running = 0
        self._timer = QTimer(self, singleShot=True, interval=WAIT_MS)
        self._timer.timeout.connect(self._describe_wanted)

    @property
    def busy(self) -> bool:
        return bool(self._running or self._wanted)

    def want(self, item: TreeItem) -> None:
        """``item`` was painted without details: describe it soon."""
        key = id(item)
        if key in self._wanted:
            return
        self._wanted[key] = item
        if not self._timer.isActive():
            self._timer.start()

    def _describe_wanted(self) -> None:
        # The most recently painted rows first; rows scrolled past are dropped (asked again
        # if they come back on screen).
        items = list(self._wanted.values())[-DESCRIBE_BATCH * 2:]
        self._wanted.clear()
        by_parent: dict[int, list[TreeItem]] = {}
        for it in items:
            if not it.node.detailed and it.parent is not None:
                by_parent.setdefault(id(it.parent), []).append(it)
        for group in by_parent.values():
            for start in range(0, len(group), DESCRIBE_BATCH):
                self._submit(group[start:start + DESCRIBE_BATCH])

    def _submit(self, items: list[TreeItem]) -> None:
        parent = items[0].parent  # a page row's path is its group's path
        for it in items:
            it.node.detailed = True  # asked once; the answer replaces the node
        self._running += 1
        submit(parent.source.describe, parent.node.path, [it.node.name for it in items],
               on_done=lambda nodes: self._described(items, nodes),
               on_error=lambda exc: self._failed(items, exc))

    def _described(self, items: list[TreeItem], nodes: list[NodeInfo]) -> None:
        self._running -= 1
        found = {n.name: n for n in nodes}
        moved = False
        for it in items:
            if it.node.name in found:
                before = it.node.maybe_has_children
                it.node = found[it.node.name]
                moved |= before != it.node.maybe_has_children
                self._changed(it)
        if moved:
            self._expanders_changed()

    def _failed(self, items: list[TreeItem], exc: BaseException) -> None:
        self._running -= 1
        for it in items:
            it.node.error = f"cannot read details: {exc}"
            self._changed(it)
