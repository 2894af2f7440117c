"""The lazy HDF5/JSON tree: names listed in a worker when a group expands, details for rows shown.

Never wraps the tree in a QSortFilterProxyModel (silx issue 2017: 30 s on a file h5py lists in
2 s): filtering walks the file in a worker and shows a tree of the matches (``show_matches``).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor

from gui.browser.node_text import column_text, icon_for, tooltip_for
from gui.workers import submit
from storage import NodeInfo, Source
from storage._nodes import GROUP, UNKNOWN

PAGE_KIND = "page"

COLUMNS = ("Name", "Kind", "Shape", "Type", "Size", "Compression")
PAGE = 5_000  # members of a wide group shown under one page row
DESCRIBE_BATCH = 200  # rows described per worker call
NOT_FETCHED, FETCHING, FETCHED = range(3)
ERROR_BRUSH = QBrush(QColor("#b42318"))
WARNING_BRUSH = QBrush(QColor("#9a6700"))


class _Item:
    __slots__ = ("node", "parent", "children", "row", "state", "source", "by_name")

    def __init__(self, node: NodeInfo, parent: _Item | None, row: int, source: Source) -> None:
        self.node, self.parent, self.row, self.source = node, parent, row, source
        self.children: list[_Item] = []
        self.state = NOT_FETCHED
        self.by_name: dict[str, _Item] | None = None

    def child(self, name: str) -> _Item | None:
        """The member called ``name``, looking inside pages of a wide group."""
        if self.children and self.children[0].node.kind == PAGE_KIND:
            return next((c for c in (p.child(name) for p in self.children) if c), None)
        if self.by_name is None or len(self.by_name) != len(self.children):
            self.by_name = {c.node.name: c for c in self.children}
        return self.by_name.get(name)


def build_children(item: _Item) -> list[_Item]:
    """List ``item``'s members (in a worker) as tree items; wide groups are split in pages.

    QTreeView lays out every row of an expanded parent through Python calls (about 3 us a row),
    so 100,000 rows under one parent freeze the window for a second or more; pages of
    ``PAGE`` rows keep each expansion within a frame or two.
    """
    nodes = item.source.list_children(item.node.path)
    if len(nodes) <= PAGE:
        return _items(nodes, item)
    pages = []
    for row, start in enumerate(range(0, len(nodes), PAGE)):
        chunk = nodes[start:start + PAGE]
        label = f"{start:,}\u2013{start + len(chunk) - 1:,}"
        page = _Item(NodeInfo(item.node.path, label, kind=PAGE_KIND, detailed=True,
                              n_children=len(chunk)), item, row, item.source)
        page.children, page.state = _items(chunk, page), FETCHED
        pages.append(page)
    return pages


def _items(nodes: list[NodeInfo], parent: _Item) -> list[_Item]:
    return [_Item(n, parent, i, parent.source) for i, n in enumerate(nodes)]


class TreeModel(QAbstractItemModel):
    """Top-level rows are opened sources; below them, their groups and datasets."""

    children_loaded = Signal(QModelIndex)
    failed = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._roots: list[_Item] = []
        self._saved_roots: list[_Item] | None = None  # the full tree while a filter is shown
        self._waiters: dict[int, list[Callable[[], None]]] = {}
        self._wanted: OrderedDict[int, _Item] = OrderedDict()
        self._describing = 0
        self._listing = 0
        self._describe_timer = QTimer(self, singleShot=True, interval=30)
        self._describe_timer.timeout.connect(self._describe_wanted)

    # ---- sources ------------------------------------------------------------------------
    def add_source(self, source: Source, root: NodeInfo) -> QModelIndex:
        row = len(self._roots)
        self.beginInsertRows(QModelIndex(), row, row)
        root.name = source.name
        self._roots.append(_Item(root, None, row, source))
        self.endInsertRows()
        return self.index(row, 0)

    def remove_source(self, source: Source) -> None:
        self.clear_matches()
        for row, item in enumerate(self._roots):
            if item.source is source:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._roots[row]
                for i, other in enumerate(self._roots):
                    other.row = i
                self.endRemoveRows()
                return

    def sources(self) -> list[Source]:
        return [item.source for item in (self._saved_roots or self._roots)]

    def source_index(self, source: Source) -> QModelIndex:
        for row, item in enumerate(self._roots):
            if item.source is source:
                return self.index(row, 0)
        return QModelIndex()

    def is_busy(self) -> bool:
        return bool(self._listing or self._describing or self._wanted)

    # ---- Qt model API -------------------------------------------------------------------
    def item(self, index: QModelIndex) -> _Item | None:
        return index.internalPointer() if index.isValid() else None

    def node(self, index: QModelIndex) -> NodeInfo | None:
        item = self.item(index)
        return item.node if item else None

    def index(self, row: int, column: int, parent: QModelIndex = QModelIndex()) -> QModelIndex:
        items = self._roots if not parent.isValid() else parent.internalPointer().children
        if 0 <= row < len(items) and 0 <= column < len(COLUMNS):
            return self.createIndex(row, column, items[row])
        return QModelIndex()

    def parent(self, index: QModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        parent = index.internalPointer().parent
        return QModelIndex() if parent is None else self.createIndex(parent.row, 0, parent)

    def index_of(self, item: _Item) -> QModelIndex:
        return self.createIndex(item.row, 0, item)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._roots if not parent.isValid() else parent.internalPointer().children)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return len(COLUMNS)

    def hasChildren(self, parent: QModelIndex = QModelIndex()) -> bool:  # noqa: N802
        if not parent.isValid():
            return bool(self._roots)
        item = parent.internalPointer()
        if item.state == FETCHED:
            return bool(item.children)
        return not item.node.error and item.node.maybe_has_children

    def canFetchMore(self, parent: QModelIndex) -> bool:  # noqa: N802
        item = self.item(parent)
        return item is not None and item.state == NOT_FETCHED and self.hasChildren(parent)

    def fetchMore(self, parent: QModelIndex) -> None:  # noqa: N802
        item = self.item(parent)
        if item is None or item.state != NOT_FETCHED:
            return
        item.state = FETCHING
        self._listing += 1
        submit(build_children, item,
               on_done=lambda children: self._listed(item, children),
               on_error=lambda exc: self._list_failed(item, exc))

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        item = index.internalPointer()
        node = item.node
        if not node.detailed and item.parent is not None:
            self._want(item)
        if role == Qt.ItemDataRole.DisplayRole:
            return column_text(node, index.column())
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 0:
            return icon_for(node, top_level=item.parent is None)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip_for(node)
        if role == Qt.ItemDataRole.ForegroundRole:
            return ERROR_BRUSH if node.error else WARNING_BRUSH if node.warning else None
        return None

    # ---- listing ------------------------------------------------------------------------
    def _alive(self, item: _Item) -> bool:
        while item.parent is not None:
            siblings = item.parent.children
            if item.row >= len(siblings) or siblings[item.row] is not item:
                return False
            item = item.parent
        return item.row < len(self._roots) and self._roots[item.row] is item

    def _listed(self, item: _Item, children: list[_Item]) -> None:
        self._listing -= 1
        if not self._alive(item):
            return
        if children:  # one insertion: QTreeView lays the parent out once
            self.beginInsertRows(self.index_of(item), 0, len(children) - 1)
            item.children = children
            self.endInsertRows()
        item.state = FETCHED
        self.children_loaded.emit(self.index_of(item))
        for waiter in self._waiters.pop(id(item), []):
            waiter()

    def _list_failed(self, item: _Item, exc: BaseException) -> None:
        self._listing -= 1
        if not self._alive(item):
            return
        item.state = FETCHED
        item.node.error = f"cannot list members: {exc}"
        index = self.index_of(item)
        self.dataChanged.emit(index, index.siblingAtColumn(len(COLUMNS) - 1))
        self.failed.emit(f"{item.node.path}: {exc}")
        for waiter in self._waiters.pop(id(item), []):
            waiter()

    # ---- details for visible rows --------------------------------------------------------
    def _want(self, item: _Item) -> None:
        key = id(item)
        if key in self._wanted:
            return
        self._wanted[key] = item
        if not self._describe_timer.isActive():
            self._describe_timer.start()

    def _describe_wanted(self) -> None:
        # The most recently painted rows first; rows scrolled past are dropped (asked again
        # if they come back on screen).
        items = list(self._wanted.values())[-DESCRIBE_BATCH * 2:]
        self._wanted.clear()
        by_parent: dict[int, list[_Item]] = {}
        for it in items:
            if not it.node.detailed and it.parent is not None:
                by_parent.setdefault(id(it.parent), []).append(it)
        for group in by_parent.values():
            for start in range(0, len(group), DESCRIBE_BATCH):
                self._submit_describe(group[start:start + DESCRIBE_BATCH])

    def _submit_describe(self, items: list[_Item]) -> None:
        parent = items[0].parent
        for it in items:
            it.node.detailed = True  # asked once; the answer replaces the node
        self._describing += 1
        submit(parent.source.describe, parent.node.path, [it.node.name for it in items],
               on_done=lambda nodes: self._described(items, nodes),
               on_error=lambda exc: self._describe_failed(items, exc))

    def _described(self, items: list[_Item], nodes: list[NodeInfo]) -> None:
        self._describing -= 1
        found = {n.name: n for n in nodes}
        for it in items:
            if it.node.name in found:
                it.node = found[it.node.name]
                if self._alive(it):
                    index = self.index_of(it)
                    self.dataChanged.emit(index, index.siblingAtColumn(len(COLUMNS) - 1))

    def _describe_failed(self, items: list[_Item], exc: BaseException) -> None:
        self._describing -= 1
        for it in items:
            it.node.error = f"cannot read details: {exc}"

    # ---- finding paths --------------------------------------------------------------------
    def locate(self, top: QModelIndex, path: str, on_found: Callable[[QModelIndex], None]) -> None:
        """Find ``path`` below the source row ``top``, listing groups on the way; then call
        ``on_found`` with its index (invalid when it does not exist)."""
        parts = [p for p in path.split("/") if p]
        state = {"item": self.item(top)}

        def step() -> None:
            item = state["item"]
            while item is not None and parts:
                if item.state != FETCHED:
                    self._waiters.setdefault(id(item), []).append(step)
                    if item.state == NOT_FETCHED:
                        self._force_fetch(item)
                    return
                item = item.child(parts.pop(0))
                state["item"] = item
            on_found(self.index_of(item) if item is not None and self._alive(item)
                     else QModelIndex())

        step()

    def _force_fetch(self, item: _Item) -> None:
        if item.node.is_group or item.node.object_kind == UNKNOWN:
            self.fetchMore(self.index_of(item))
        else:
            item.state = FETCHED
            for waiter in self._waiters.pop(id(item), []):
                waiter()

    # ---- filtering ------------------------------------------------------------------------
    def show_matches(self, matches: dict[Source, list[NodeInfo]]) -> None:
        """Replace the tree by the matches and their ancestors, per source."""
        self.beginResetModel()
        if self._saved_roots is None:
            self._saved_roots = self._roots
        roots = []
        for row, full in enumerate(self._saved_roots):
            top = _Item(full.node, None, row, full.source)
            for node in matches.get(full.source, []):
                self._add_match(top, node)
            top.state = FETCHED
            roots.append(top)
        self._roots = roots
        self.endResetModel()

    def _add_match(self, top: _Item, node: NodeInfo) -> None:
        item, parts = top, [p for p in node.path.split("/") if p]
        for depth, part in enumerate(parts):
            child = item.child(part)
            item.state = FETCHED  # an ancestor of a match shows only the matches below it
            if child is None:
                path = "/" + "/".join(parts[:depth + 1])
                stub = node if depth == len(parts) - 1 else NodeInfo(path, part, kind=GROUP)
                child = _Item(stub, item, len(item.children), item.source)
                child.state = NOT_FETCHED if depth == len(parts) - 1 else FETCHED
                item.children.append(child)
            item = child

    def clear_matches(self) -> None:
        if self._saved_roots is None:
            return
        self.beginResetModel()
        self._roots, self._saved_roots = self._saved_roots, None
        self.endResetModel()

    @property
    def filtered(self) -> bool:
        return self._saved_roots is not None

    def path_of(self, index: QModelIndex) -> tuple[Source, str] | None:
        item = self.item(index)
        return (item.source, item.node.path) if item is not None else None
