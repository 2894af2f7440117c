"""How a node reads in the tree: column texts, icons and tooltips."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from gui.browser.tree_items import PAGE_KIND
from gui.icons import icon
from storage import NodeInfo, NodeKind

_KIND_TEXT = {NodeKind.SOFT_LINK: "soft link", NodeKind.EXTERNAL_LINK: "external link"}
_ICONS = {PAGE_KIND: "group", NodeKind.GROUP: "group", NodeKind.DATASET: "dataset",
          NodeKind.DATATYPE: "datatype", NodeKind.BROKEN: "broken", NodeKind.UNREADABLE: "broken"}


def human_bytes(n: int | None) -> str:
    if n is None:
        return ""
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            return f"{int(size)} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(n)


def kind_text(node: NodeInfo) -> str:
    if node.kind in _KIND_TEXT:
        target = f" \u2192 {node.link_target}" if node.link_target else ""
        return _KIND_TEXT[node.kind] + target
    if node.kind == "unknown":
        return "\u2026"
    if node.kind == PAGE_KIND:
        return f"{node.n_children:,} members"
    return node.kind


def column_text(node: NodeInfo, column: int) -> str:
    if column == 0:
        return node.name
    if column == 1:
        return kind_text(node)
    if column == 2:
        return node.shape_text
    if column == 3:
        return node.dtype
    if column == 4:
        return human_bytes(node.size_on_disk)
    if column == 5:
        return node.compression
    return ""


def icon_for(node: NodeInfo, top_level: bool = False) -> QIcon:
    if top_level:
        return icon("json" if node.dtype in ("object", "list") else "file")
    if node.error and node.kind in (NodeKind.BROKEN, NodeKind.UNREADABLE):
        return icon("broken")
    if node.kind in (NodeKind.SOFT_LINK, NodeKind.EXTERNAL_LINK):
        return icon("link")
    return icon(_ICONS.get(node.kind, "dataset"))


def tooltip_for(node: NodeInfo) -> str:
    lines = [node.path]
    if node.link_target:
        lines.append(f"{kind_text(node)}")
    if node.error:
        lines.append(f"Problem: {node.error}")
    if node.warning:
        lines.append(f"Note: {node.warning}")
    return "\n".join(lines)
