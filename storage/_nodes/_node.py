"""Plain records the browser shows: one node of a tree, one attribute.

They hold text and numbers only (no h5py objects), so they cross threads freely and a GUI item
model can keep 100,000 of them without keeping 100,000 HDF5 objects open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class NodeKind(StrEnum):
    """What a node of the tree is. A ``StrEnum``: each member equals its plain string value, so
    records that crossed a process or JSON boundary as text compare equal to it."""

    GROUP = "group"
    DATASET = "dataset"
    DATATYPE = "datatype"
    SOFT_LINK = "soft-link"
    EXTERNAL_LINK = "external-link"
    BROKEN = "broken"
    UNREADABLE = "unreadable"
    UNKNOWN = "unknown"  # a name listed but not described yet (hard link, kind not probed)


GROUP, DATASET, DATATYPE = NodeKind.GROUP, NodeKind.DATASET, NodeKind.DATATYPE
SOFT_LINK, EXTERNAL_LINK = NodeKind.SOFT_LINK, NodeKind.EXTERNAL_LINK
BROKEN, UNREADABLE, UNKNOWN = NodeKind.BROKEN, NodeKind.UNREADABLE, NodeKind.UNKNOWN

KINDS = tuple(NodeKind)


def join_path(parent: str, name: str) -> str:
    """``/a`` + ``b`` -> ``/a/b``; the root is ``/``."""
    return f"/{name}" if parent in ("", "/") else f"{parent}/{name}"


def parent_path(path: str) -> str:
    head = path.rstrip("/").rpartition("/")[0]
    return head or "/"


@dataclass
class NodeInfo:
    """What the tree shows for one link or object.

    ``kind`` is the link's kind for soft and external links (``target_kind`` then tells what the
    link resolves to), else the object's kind. ``error`` marks a row that cannot be used (broken
    link, missing file, unavailable filter); ``warning`` marks one that can, with a caveat.
    """

    path: str
    name: str
    kind: str = UNKNOWN
    target_kind: str = ""
    shape: tuple[int, ...] | None = None
    dtype: str = ""
    size_on_disk: int | None = None
    compression: str = ""
    filters_ok: bool = True
    link_target: str = ""
    n_children: int | None = None
    n_attrs: int | None = None
    error: str = ""
    warning: str = ""
    detailed: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def object_kind(self) -> str:
        """The kind of what the name resolves to (a link's target kind, or the kind itself)."""
        return self.target_kind or self.kind

    @property
    def is_group(self) -> bool:
        return self.object_kind == GROUP

    @property
    def is_dataset(self) -> bool:
        return self.object_kind == DATASET and not self.error

    @property
    def maybe_has_children(self) -> bool:
        """Cheap answer for a tree's expander: unknown kinds say yes until described."""
        if self.object_kind == UNKNOWN:
            return True
        return self.is_group and (self.n_children is None or self.n_children > 0)

    @property
    def shape_text(self) -> str:
        if self.shape is None:
            return "" if self.object_kind != DATASET else "empty"
        if self.shape == ():
            return "scalar"
        return " \u00d7 ".join(str(n) for n in self.shape)


@dataclass
class AttrInfo:
    """One attribute: its name, type text, shape and value as display text (and the value)."""

    name: str
    dtype: str
    shape: tuple[int, ...] | None
    text: str
    value: object = None
    error: str = ""
