"""The tree model's items, made only for the rows the browser itself reads.

A group's members arrive from the node layer as pages of plain lists (names and link kinds).
The item of the group keeps those lists; a member gets its own :class:`TreeItem` (with a
:class:`NodeInfo`) only when the model reads it: a row drawn on screen, selected, or expanded.
Qt's indexes point at the parent's item and carry the row (see ``TreeModel.index``), so a
``QTreeView`` laying out a page of 5,000 rows makes no Python object per row: 100,000 such
objects both cost time and let Python's full garbage collection (40 ms here) run in the middle
of a frame.

Groups of more than one page show page rows (``0-4,999``...) whose members are their children:
a ``QTreeView`` lays out every row of an expanded parent through Python calls, so one parent
never gets more than a page of rows.
"""

from __future__ import annotations

from storage import ChildPage, NodeInfo, NodeKind, Source, join_path

PAGE_KIND = "page"
NOT_FETCHED, FETCHING, FETCHED = range(3)


class TreeItem:
    """One row that the model has read: its node, its parent, and its listed children."""

    __slots__ = ("node", "parent", "children", "row", "state", "source", "by_name", "names",
                 "kinds", "nodes", "paged", "task")

    def __init__(self, node: NodeInfo, parent: TreeItem | None, row: int,
                 source: Source | None) -> None:
        self.node, self.parent, self.row, self.source = node, parent, row, source
        self.children: list[TreeItem | None] = []  # None: a listed member, no item made yet
        self.state = NOT_FETCHED
        self.by_name: dict[str, int] | None = None
        self.names: list[str] | None = None  # listed member names, one per row
        self.kinds: list[str] = []  # their listed kinds
        self.nodes: list[NodeInfo] | None = None  # full records, when the source had them
        self.paged = False  # children are page rows
        self.task = None  # the listing in progress

    def reset_listing(self) -> None:
        """Back to "not listed" (only for an item outside the shown tree: no signals)."""
        self.children, self.names, self.kinds, self.nodes = [], None, [], None
        self.by_name, self.paged, self.task, self.state = None, False, None, NOT_FETCHED

    # ---- members --------------------------------------------------------------------------
    def add_members(self, page: ChildPage) -> None:
        """Append a page of listed members as rows (items made later, by :meth:`child_at`)."""
        if self.names is None:
            self.names = []
            self.nodes = [] if page.nodes is not None else None
        self.names.extend(page.names)
        self.kinds.extend(page.kinds)
        if self.nodes is not None:
            self.nodes.extend(page.nodes or ())
        self.children.extend([None] * len(page.names))

    def child_at(self, row: int) -> TreeItem:
        """The item of row ``row``, made from its listed name on first use."""
        item = self.children[row]
        if item is None:
            item = self.children[row] = TreeItem(self.member_node(row), self, row, self.source)
        return item

    def member_node(self, row: int) -> NodeInfo:
        """The (undescribed) record of listed member ``row``."""
        if self.nodes is not None and row < len(self.nodes):
            return self.nodes[row]
        name = self.names[row]
        return NodeInfo(join_path(self.node.path, name), name, kind=self.kinds[row])

    def row_has_children(self, row: int) -> bool:
        """For the tree's expander of row ``row``, without making its item when it has none."""
        item = self.children[row]
        if item is None and self.nodes is None:
            return self.kinds[row] in (NodeKind.GROUP, NodeKind.UNKNOWN)
        item = item or self.child_at(row)
        if item.state == FETCHED:
            return bool(item.children)
        if item.node.kind == PAGE_KIND:  # a page whose members are still being listed
            return True
        return not item.node.error and item.node.maybe_has_children

    def child(self, name: str) -> TreeItem | None:
        """The member called ``name``, looking inside pages of a wide group."""
        if self.paged:
            return next((c for c in (p.child(name) for p in self.children) if c), None)
        count = len(self.names) if self.names is not None else len(self.children)
        if self.by_name is None or len(self.by_name) != count:
            keys = self.names if self.names is not None else [c.node.name for c in self.children]
            self.by_name = {name: row for row, name in enumerate(keys)}
        row = self.by_name.get(name)
        return None if row is None else self.child_at(row)


def page_rows(parent: TreeItem, total: int, size: int) -> list[TreeItem]:
    """Rows for the pages of a wide group of ``total`` members, still to be filled.

    All are inserted with the first page, so later pages fill rows that exist (usually
    collapsed) instead of adding rows to the group, which would make QTreeView lay out every
    shown row of the group again, an expanded page's 5,000 included.
    """
    rows = []
    for row, start in enumerate(range(0, total, size)):
        count = min(size, total - start)
        node = NodeInfo(parent.node.path, page_label(start, count), kind=PAGE_KIND,
                        detailed=True, n_children=count)
        item = TreeItem(node, parent, row, parent.source)
        item.state = FETCHING
        rows.append(item)
    return rows


def page_label(start: int, count: int) -> str:
    return f"{start:,}\u2013{start + count - 1:,}"


def match_tree(roots: list[TreeItem], matches: dict[Source, list[NodeInfo]]) -> list[TreeItem]:
    """New top-level items showing only the ``matches`` of each source and their ancestors."""
    tops = []
    for row, full in enumerate(roots):
        top = TreeItem(full.node, None, row, full.source)
        for node in matches.get(full.source, []):
            _add_match(top, node)
        top.state = FETCHED
        tops.append(top)
    return tops


def _add_match(top: TreeItem, node: NodeInfo) -> None:
    item, parts = top, [p for p in node.path.split("/") if p]
    for depth, part in enumerate(parts):
        child = item.child(part)
        item.state = FETCHED  # an ancestor of a match shows only the matches below it
        if child is None:
            path = "/" + "/".join(parts[:depth + 1])
            stub = node if depth == len(parts) - 1 else NodeInfo(path, part, kind=NodeKind.GROUP)
            child = TreeItem(stub, item, len(item.children), item.source)
            child.state = NOT_FETCHED if depth == len(parts) - 1 else FETCHED
            item.children.append(child)
            # Keep the name index in step: ``child()`` rebuilds it whenever its length differs,
            # which made 5,000 matches in one group cost 12.5 million insertions (0.7 s on
            # the GUI thread, found by the monkey test).
            item.by_name[part] = child.row
        item = child
