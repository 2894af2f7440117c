"""The lazy HDF5/JSON tree: names listed in a worker when a group expands, details for rows shown.

A worker streams a group's members as pages of names (``Source.stream_children``); each page is
in the tree as soon as it is listed, so the first rows of a 100,000-member group show while the
rest is still being read. Groups of more than ``PAGE`` members show page rows, all inserted
with the first page; later pages fill their (usually collapsed) row, which costs QTreeView no
new layout of the group. Only rows that are painted get described (``RowDetails``).

Never wraps the tree in a QSortFilterProxyModel (silx issue 2017: 30 s on a file h5py lists in
2 s): filtering walks the file in a worker and shows a tree of the matches (``show_matches``).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from gui.browser.node_text import column_text, icon_for, tooltip_for
from gui.browser.tree_details import RowDetails
from gui.browser.tree_items import (
    FETCHED,
    FETCHING,
    NOT_FETCHED,
    PAGE_KIND,
    TreeItem,
    match_tree,
    page_label,
    page_rows,
)
from gui.workers import submit
from storage import ChildPage, NodeInfo, NodeKind, Source

__all__ = ["COLUMNS", "PAGE", "PAGE_KIND", "TreeModel"]

COLUMNS = ("Name", "Kind", "Shape", "Type", "Size", "Compression")
PAGE = 2_000  # members of a wide group shown under one page row
ERROR_BRUSH = QBrush(QColor("#b42318"))
WARNING_BRUSH = QBrush(QColor("#9a6700"))


def _stream(source: Source, node: NodeInfo, page_size: int, progress, cancel
            ) -> NodeInfo | None:
    """Worker: list ``node``'s members, sending each page to the GUI thread as it is listed.

    A node whose kind was not known (a filter match, a member of a group too wide to probe)
    is described first: listing a dataset would list its rows as members (issue 13). Returns
    that description when the node turned out to have no members to list, else None.
    """
    if not node.is_group:
        described = node if node.detailed else source.info(node.path)
        if not described.is_group:
            return described
    source.stream_children(node.path, progress, page_size=page_size, cancel=cancel)
    return None


class TreeModel(QAbstractItemModel):
    """Top-level rows are opened sources; below them, their groups and datasets."""

    children_loaded = Signal(QModelIndex)
    failed = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        # The invisible parent of the top-level rows (the opened sources): every index points
        # at the item of its parent and carries its row (see ``index``).
        self._top = TreeItem(NodeInfo("", ""), None, 0, None)
        self._top.state = FETCHED
        self._saved_roots: list[TreeItem] | None = None  # the full tree while a filter is shown
        self._orders: dict[int, int] = {}  # id(source) -> when it was asked for (add_source)
        self._waiters: dict[int, list[Callable[[], None]]] = {}
        self._listing = 0
        self._details = RowDetails(self._row_changed, self._expanders_changed, self)

    @property
    def _roots(self) -> list[TreeItem]:
        return self._top.children

    @_roots.setter
    def _roots(self, items: list[TreeItem]) -> None:
        self._top.children = items

    # ---- sources ------------------------------------------------------------------------
    def add_source(self, source: Source, root: NodeInfo, order: int | None = None
                   ) -> QModelIndex:
        """Add a file's row. ``order`` is when it was asked for: files open in workers and
        finish in any order, but they are listed in the order they were given."""
        self._orders[id(source)] = len(self._orders) + 1_000_000 if order is None else order
        mine = self._orders[id(source)]
        row = sum(1 for item in self._roots if self._orders.get(id(item.source), 0) < mine)
        self.beginInsertRows(QModelIndex(), row, row)
        root.name = source.name
        self._roots.insert(row, TreeItem(root, None, row, source))
        for i in range(row + 1, len(self._roots)):
            self._roots[i].row = i
        self.endInsertRows()
        return self.index(row, 0)

    def remove_source(self, source: Source) -> None:
        self.clear_matches()
        for row, item in enumerate(self._roots):
            if item.source is source:
                self.beginRemoveRows(QModelIndex(), row, row)
                self._orders.pop(id(source), None)
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
        return bool(self._listing or self._details.busy)

    # ---- Qt model API -------------------------------------------------------------------
    # An index's internal pointer is the item of its PARENT (``_top`` for a source row) and
    # its row says which child: QTreeView asks for an index and an expander for every row of
    # an expanded parent, and answering that must not make an object per row.
    def item(self, index: QModelIndex) -> TreeItem | None:
        """The item of ``index``, made from its listed name if this is its first use."""
        return index.internalPointer().child_at(index.row()) if index.isValid() else None

    def node(self, index: QModelIndex) -> NodeInfo | None:
        item = self.item(index)
        return item.node if item else None

    def index(self, row: int, column: int, parent: QModelIndex = QModelIndex()) -> QModelIndex:
        if parent.isValid():  # inline self.item(): Qt calls this once per row of a page
            above, at = parent.internalPointer(), parent.row()
            owner = above.children[at] or above.child_at(at)
        else:
            owner = self._top
        if 0 <= row < len(owner.children) and 0 <= column < len(COLUMNS):
            return self.createIndex(row, column, owner)
        return QModelIndex()

    def parent(self, index: QModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        owner = index.internalPointer()
        return QModelIndex() if owner is self._top else self.index_of(owner)

    def index_of(self, item: TreeItem) -> QModelIndex:
        return self.createIndex(item.row, 0, item.parent or self._top)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        if not parent.isValid():
            return len(self._roots)
        if parent.column() != 0:
            return 0
        item = parent.internalPointer().children[parent.row()]
        return 0 if item is None else len(item.children)  # no item yet: nothing listed below

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return len(COLUMNS)

    def hasChildren(self, parent: QModelIndex = QModelIndex()) -> bool:  # noqa: N802
        if not parent.isValid():
            return bool(self._roots)
        return parent.internalPointer().row_has_children(parent.row())

    def canFetchMore(self, parent: QModelIndex) -> bool:  # noqa: N802
        item = self.item(parent)
        return item is not None and item.state == NOT_FETCHED and self.hasChildren(parent)

    def fetchMore(self, parent: QModelIndex) -> None:  # noqa: N802
        item = self.item(parent)
        if item is None or item.state != NOT_FETCHED:
            return
        item.state = FETCHING
        self._listing += 1
        item.task = submit(_stream, item.source, item.node, PAGE,
                           on_progress=lambda page: self._page_listed(item, page),
                           on_done=lambda node: self._listed(item, node),
                           on_error=lambda exc: self._list_failed(item, exc),
                           wants_cancel=True)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        item = self.item(index)
        node = item.node
        if not node.detailed and item.parent is not None:
            self._details.want(item)
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
    def contains(self, item: TreeItem) -> bool:
        """Is ``item`` in the tree shown now (not closed, not hidden behind a filter)?"""
        return self._alive(item)

    def _alive(self, item: TreeItem) -> bool:
        while item.parent is not None:
            siblings = item.parent.children
            if item.row >= len(siblings) or siblings[item.row] is not item:
                return False
            item = item.parent
        return item.row < len(self._roots) and self._roots[item.row] is item

    def _page_listed(self, item: TreeItem, page: ChildPage) -> None:
        """A page of members arrived while the listing goes on: show it at once."""
        if not self._alive(item):
            if item.task is not None:
                item.task.cancel()  # the file was closed or the tree filtered: stop listing
            return
        if not item.children and page.total > PAGE:  # the first page of a wide group
            rows = page_rows(item, page.total, PAGE)
            self.beginInsertRows(self.index_of(item), 0, len(rows) - 1)
            item.children, item.paged = rows, True
            self.endInsertRows()
        if item.paged:
            self._fill_page(item, page)
        else:
            first = len(item.children)
            self.beginInsertRows(self.index_of(item), first, first + len(page.names) - 1)
            item.add_members(page)
            self.endInsertRows()

    def _fill_page(self, item: TreeItem, page: ChildPage) -> None:
        row, first = page.start // PAGE, len(item.children)
        if row >= first:  # more members than the group had when the listing began
            self.beginInsertRows(self.index_of(item), first, row)
            item.children += page_rows(item, page.start + len(page.names), PAGE)[first:]
            self.endInsertRows()
        holder = item.children[row]
        label = page_label(page.start, len(page.names))
        if holder.node.name != label:
            holder.node.name, holder.node.n_children = label, len(page.names)
            index = self.index_of(holder)
            self.dataChanged.emit(index, index.siblingAtColumn(len(COLUMNS) - 1))
        self.beginInsertRows(self.index_of(holder), 0, len(page.names) - 1)
        holder.add_members(page)
        holder.state = FETCHED
        self.endInsertRows()

    def _drop_unfilled_pages(self, item: TreeItem) -> None:
        """Page rows left empty (the group lost members while it was listed)."""
        keep = sum(1 for p in item.children if p.state == FETCHED) if item.paged else 0
        if item.paged and keep < len(item.children):
            self.beginRemoveRows(self.index_of(item), keep, len(item.children) - 1)
            del item.children[keep:]
            self.endRemoveRows()

    def _listed(self, item: TreeItem, described: NodeInfo | None = None) -> None:
        self._listing -= 1
        item.task = None
        if not self._alive(item):
            self._drop_listing(item)
            return
        self._drop_unfilled_pages(item)
        item.state = FETCHED
        if described is not None:  # not a group after all: no members, no expander
            described.name = item.node.name
            item.node = described
            self._row_changed(item)
            self._expanders_changed()
        self.children_loaded.emit(self.index_of(item))
        self._wake(item)

    def _drop_listing(self, item: TreeItem) -> None:
        # Not in the shown tree (closed, or hidden behind a filter): forget what was listed, so
        # the group lists again when it is shown again instead of staying half-listed.
        item.reset_listing()

    def _wake(self, item: TreeItem) -> None:
        for waiter in self._waiters.pop(id(item), []):
            waiter()

    def _list_failed(self, item: TreeItem, exc: BaseException) -> None:
        self._listing -= 1
        item.task = None
        if not self._alive(item):
            self._drop_listing(item)
            return
        self._drop_unfilled_pages(item)  # the members listed before the failure stay
        item.state = FETCHED
        item.node.error = f"cannot list members: {exc}"
        self._row_changed(item)
        self.failed.emit(f"{item.node.path}: {exc}")
        self._wake(item)

    def _expanders_changed(self) -> None:
        """Make views ask ``hasChildren`` again (a layout of the shown rows: about 2 ms for an
        expanded page of 2,000, once per batch of described rows)."""
        self.layoutAboutToBeChanged.emit()
        self.layoutChanged.emit()

    def _row_changed(self, item: TreeItem) -> None:
        if self._alive(item):
            index = self.index_of(item)
            self.dataChanged.emit(index, index.siblingAtColumn(len(COLUMNS) - 1))

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

    def _force_fetch(self, item: TreeItem) -> None:
        if item.node.is_group or item.node.object_kind == NodeKind.UNKNOWN:
            self.fetchMore(self.index_of(item))
        else:
            item.state = FETCHED
            self._wake(item)

    def when_listed(self, index: QModelIndex, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the members of ``index`` are all listed (listing them now if
        nobody has asked yet)."""
        item = self.item(index)
        if item is None or item.state == FETCHED:
            callback()
            return
        self._waiters.setdefault(id(item), []).append(callback)
        if item.state == NOT_FETCHED:
            self._force_fetch(item)

    # ---- filtering ------------------------------------------------------------------------
    def show_matches(self, matches: dict[Source, list[NodeInfo]]) -> None:
        """Replace the tree by the matches and their ancestors, per source."""
        self.beginResetModel()
        if self._saved_roots is None:
            self._saved_roots = self._roots
        self._roots = match_tree(self._saved_roots, matches)
        self.endResetModel()

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
