"""Sources: something that gives the browser a tree of nodes, whatever holds the bytes.

:class:`Source` is the interface every backend offers (list, describe, attributes, properties,
read a slice, find by name). Opening one (picking the backend) is ``_open``'s job. Only the
local opener looks at the file system; the rest of the layer works on h5py-like objects.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from ._node import AttrInfo, NodeInfo
from ._pages import PAGE_SIZE, OnPage, pages_of
from ._slicing import DEFAULT_BUDGET, SliceResult, read_slice


class Source:
    """A tree of groups and datasets, opened read-only. Subclasses implement the methods."""

    format = "?"
    # Members of a group whose kind is probed while listing; a remote source sets 0 (one
    # request per member is too slow) and lets describe() fill kinds for visible rows.
    probe_limit = 2000

    def __init__(self, location: str, name: str | None = None, local_dir: str | None = None):
        self.location = location
        self.name = name or location.rstrip("/").rpartition("/")[2] or location
        self.local_dir = local_dir  # folder of a local file (external links), else None
        self.lock = threading.RLock()  # h5py serialises anyway; this keeps close() safe

    # -- the tree ---------------------------------------------------------------------------
    def root(self) -> NodeInfo:
        return self.info("/")

    def info(self, path: str) -> NodeInfo:
        raise NotImplementedError

    def list_children(self, path: str) -> list[NodeInfo]:
        raise NotImplementedError

    def stream_children(self, path: str, on_page: OnPage, *, page_size: int = PAGE_SIZE,
                        cancel: threading.Event | None = None) -> int:
        """Call ``on_page`` with each :class:`ChildPage` of the members of ``path``, in order, as
        soon as it is listed; return how many members were listed.

        This default pages :meth:`list_children`; a source whose listing can stream (a local
        HDF5 file) overrides it so the first page arrives before the listing is complete.
        """
        return pages_of(self.list_children(path), on_page, page_size, cancel)

    def describe(self, path: str, names: list[str]) -> list[NodeInfo]:
        raise NotImplementedError

    def find(self, text: str, *, cancel: threading.Event | None = None,
             limit: int = 100_000) -> list[NodeInfo]:
        """Every node whose name contains ``text`` (case-insensitive), without following links."""
        raise NotImplementedError

    # -- one node ---------------------------------------------------------------------------
    def attributes(self, path: str) -> list[AttrInfo]:
        raise NotImplementedError

    def properties(self, path: str) -> list[tuple[str, str]]:
        raise NotImplementedError

    def array(self, path: str):
        """The dataset at ``path`` as an array-like (``shape``, ``dtype``, ``__getitem__``)."""
        raise NotImplementedError

    def read(self, path: str, selection=(), *, budget: int = DEFAULT_BUDGET,
             allow_stride: bool = True, cancel: threading.Event | None = None,
             progress: Callable[[float], None] | None = None) -> SliceResult:
        """Read a window of the dataset at ``path`` (see :func:`read_slice`)."""
        with self.lock:
            return read_slice(self.array(path), selection, budget=budget,
                              allow_stride=allow_stride, cancel=cancel, progress=progress)

    def snippet(self, path: str) -> str:
        """Python code that reads the object at ``path`` with the usual library."""
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.location!r}>"
