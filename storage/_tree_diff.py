"""What differs between two HDF5 (or DL-JSON) files or groups, through the node layer.

Both trees are walked side by side from the two starting groups. For each member path (relative
to its start) it reports members only in one side, a change of kind, shape or dtype, and each
attribute added, removed or changed (``/grp/data@units``). Dataset values are not read: a diff
of two 10 GB files must stay a listing, and attribute values are where the settings live.
Links are compared as links (their target text), never followed, so a cycle cannot loop.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import numpy as np

from ._diff import ADDED, CHANGED, MISSING, REMOVED, SAME, Difference, diff_values
from ._nodes import NodeInfo, NodeKind, Source, join_path, open_source

MAX_DEPTH = 64
MAX_NODES = 200_000


class DiffCancelled(Exception):
    """The caller's cancel event was set during a tree diff."""


def diff_files(location_a: str, location_b: str, group_a: str = "/", group_b: str = "/", *,
               include_same: bool = False, cancel: threading.Event | None = None
               ) -> list[Difference]:
    """Open two files (paths or URLs) and diff ``group_a`` of one with ``group_b`` of the other.

    Raises the node layer's typed errors (file not found, corrupt, unsupported) when one cannot
    be opened, and ``KeyError`` when a group does not exist.
    """
    with open_source(location_a) as a, open_source(location_b) as b:
        return diff_sources(a, b, group_a, group_b, include_same=include_same, cancel=cancel)


def diff_sources(a: Source, b: Source, group_a: str = "/", group_b: str = "/", *,
                 include_same: bool = False, cancel: threading.Event | None = None
                 ) -> list[Difference]:
    """The differences between two open sources' subtrees (see the module text)."""
    start_a, start_b = a.info(group_a), b.info(group_b)
    for start, where in ((start_a, group_a), (start_b, group_b)):
        if start.error:
            raise KeyError(f"{where}: {start.error}")
    out: list[Difference] = []
    _diff_node(a, start_a, b, start_b, "/", out, include_same)
    if start_a.is_group and start_b.is_group:
        _walk(a, group_a, b, group_b, "/", 0, out, include_same, cancel)
    return out


def _walk(a: Source, path_a: str, b: Source, path_b: str, rel: str, depth: int,
          out: list[Difference], same: bool, cancel: threading.Event | None) -> None:
    if depth >= MAX_DEPTH:
        return
    if cancel is not None and cancel.is_set():
        raise DiffCancelled("the comparison was cancelled")
    left, right = _members(a, path_a), _members(b, path_b)
    for name in sorted(set(left) | set(right)):
        sub = join_path(rel, name)
        node_a, node_b = left.get(name), right.get(name)
        if node_b is None:
            out.append(Difference(sub, REMOVED, _summary(node_a), MISSING))
        elif node_a is None:
            out.append(Difference(sub, ADDED, MISSING, _summary(node_b)))
        else:
            _diff_node(a, node_a, b, node_b, sub, out, same)
            if node_a.kind == NodeKind.GROUP and node_b.kind == NodeKind.GROUP:
                _walk(a, node_a.path, b, node_b.path, sub, depth + 1, out, same, cancel)
        if len(out) > MAX_NODES:
            return


def _members(source: Source, path: str) -> dict[str, NodeInfo]:
    names = [n.name for n in source.list_children(path)]
    return {node.name: node for node in source.describe(path, names)}


def _diff_node(a: Source, node_a: NodeInfo, b: Source, node_b: NodeInfo, rel: str,
               out: list[Difference], same: bool) -> None:
    before = len(out)
    for label, va, vb in _facts(node_a, node_b):
        if va != vb:
            out.append(Difference(rel, CHANGED, va, vb, label))
    if node_a.kind not in (NodeKind.SOFT_LINK, NodeKind.EXTERNAL_LINK) and not node_a.error \
            and not node_b.error:
        _diff_attributes(a, node_a.path, b, node_b.path, rel, out, same)
    if same and len(out) == before:
        out.append(Difference(rel, SAME, _summary(node_a), _summary(node_b)))


def _facts(node_a: NodeInfo, node_b: NodeInfo) -> Iterator[tuple[str, object, object]]:
    yield "kind", str(node_a.kind), str(node_b.kind)
    if node_a.is_dataset or node_b.is_dataset:
        yield "shape", _shape(node_a), _shape(node_b)
        yield "dtype", node_a.dtype, node_b.dtype
    if node_a.link_target or node_b.link_target:
        yield "link target", node_a.link_target, node_b.link_target


def _diff_attributes(a: Source, path_a: str, b: Source, path_b: str, rel: str,
                     out: list[Difference], same: bool) -> None:
    attrs_a = {x.name: x for x in a.attributes(path_a)}
    attrs_b = {x.name: x for x in b.attributes(path_b)}
    for name in sorted(set(attrs_a) | set(attrs_b)):
        where = f"{rel}@{name}"
        x, y = attrs_a.get(name), attrs_b.get(name)
        if y is None:
            out.append(Difference(where, REMOVED, _attr_value(x), MISSING, "attribute"))
        elif x is None:
            out.append(Difference(where, ADDED, MISSING, _attr_value(y), "attribute"))
        elif x.dtype != y.dtype:
            out.append(Difference(where, CHANGED, _attr_value(x), _attr_value(y),
                                  f"attribute dtype {x.dtype} -> {y.dtype}"))
        else:
            found = diff_values(_attr_value(x), _attr_value(y), where, include_same=same)
            out.extend(Difference(d.path, d.kind, d.a, d.b, d.note or "attribute")
                       for d in found)


def _attr_value(attr) -> object:
    value = attr.value if not attr.error else f"({attr.error})"
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def _shape(node: NodeInfo) -> str:
    return "" if node.shape is None else "x".join(map(str, node.shape)) or "scalar"


def _summary(node: NodeInfo | None) -> str:
    """One side of an added or removed member: its kind, shape and dtype."""
    if node is None:
        return ""
    parts = [str(node.kind)]
    if node.is_dataset:
        parts += [_shape(node), node.dtype]
    return " ".join(p for p in parts if p)
