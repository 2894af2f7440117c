"""Stream a group's member names in pages, as HDF5's link iteration produces them.

A page is plain lists (names, link kinds), not one record per member: 100,000 records cost a
worker about 0.3 s of Python, all of it holding the GIL the GUI thread needs to draw. The caller
gets each page as soon as it is full, so the first rows of a wide group show while the rest is
still being listed, and turns a name into a :class:`NodeInfo` only when a row is shown.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import NamedTuple

import h5py
import numpy as np

from ._node import (
    DATASET,
    DATATYPE,
    EXTERNAL_LINK,
    GROUP,
    SOFT_LINK,
    UNKNOWN,
    UNREADABLE,
    NodeInfo,
)

PAGE_SIZE = 5_000
# Link callbacks between two GIL hand-overs: each callback is ~0.5 us of Python, so the GUI
# thread waits at most about a millisecond for its turn (CPython's own switch is every 5 ms).
YIELD_EVERY = 2_000
# A real pause between the pages sent after the iteration: the GUI thread is busy showing the
# first page then, and ``sleep(0)`` rarely hands it the GIL (this thread takes it back first).
PAGE_PAUSE = 0.001
MAX_NUMPY_NAME = 256  # longer names are sorted by Python (numpy pads every name to the longest)

HARD = h5py.h5l.TYPE_HARD
_LINK_KINDS = {h5py.h5l.TYPE_SOFT: SOFT_LINK, h5py.h5l.TYPE_EXTERNAL: EXTERNAL_LINK}
_OBJ_KINDS = {h5py.h5o.TYPE_GROUP: GROUP, h5py.h5o.TYPE_DATASET: DATASET,
              h5py.h5o.TYPE_NAMED_DATATYPE: DATATYPE}


class ChildPage(NamedTuple):
    """Members ``start`` to ``start + len(names) - 1`` of a group of ``total``, in name order.

    ``kinds`` holds the link kind (soft, external), the probed object kind, or ``UNKNOWN`` (a
    hard link not probed). ``nodes`` is set when the source already had full records.
    """

    start: int
    names: list[str]
    kinds: list[str]
    total: int
    nodes: list[NodeInfo] | None = None


OnPage = Callable[[ChildPage], None]


def stream_members(group, on_page: OnPage, *, page_size: int = PAGE_SIZE,
                   probe_limit: int = 2000, cancel: threading.Event | None = None) -> int:
    """Call ``on_page`` with each page of ``group``'s members in name order; return how many
    were sent.

    Links are iterated in the group's native order. HDF5's own name-order iteration of a
    new-style ("dense") group first sorts every name in C while holding the GIL (53 ms per
    100,000 names here, a frozen window); native order hands the GIL over every
    ``YIELD_EVERY`` links. Where native order is name order (old-style groups: a B-tree by
    name), pages go out as the iteration produces them; where it is not (dense groups: hash
    order), the names are sorted by numpy (GIL released) when the iteration ends. Groups of at
    most ``probe_limit`` members also get their members' object kinds (about 8 us each
    locally), so small groups show exact expanders at once. Stops early when ``cancel`` is set.
    """
    total = len(group)
    links = getattr(getattr(group, "id", None), "links", None)
    if links is None or not hasattr(links, "iterate"):  # h5pyd and other h5py-like APIs
        return _stream_names(group, total, on_page, page_size, cancel)
    pager = _Pager(group if total <= probe_limit else None, total, on_page, page_size, cancel)
    try:
        links.iterate(pager.callback(), info=True, order=h5py.h5.ITER_NATIVE)
    except Exception:  # damaged link storage: the members listed before it still show
        pager.finish()
        raise
    pager.finish()
    return pager.sent


class _Pager:
    """Buffers the raw names of HDF5's link iteration and sends them as pages."""

    def __init__(self, probe_group, total: int, on_page: OnPage, page_size: int,
                 cancel: threading.Event | None) -> None:
        self.probe_group, self.total, self.on_page = probe_group, total, on_page
        self.page_size, self.cancel = max(1, page_size), cancel
        self.names: list[bytes] = []  # listed, not sent yet
        self.types: list[int] = []
        self.in_order = True  # native order has been name order so far
        self.last_sent = b""
        self.sent = 0
        self.stop = min(YIELD_EVERY, self.page_size)  # buffer length of the next checkpoint

    def callback(self) -> Callable[[bytes, object], bool | None]:
        """The per-link callback: two appends and a length test (it runs 100,000 times)."""
        names, add_name, add_type = self.names, self.names.append, self.types.append

        def collect(name: bytes, info) -> bool | None:
            add_name(name)
            add_type(info.type)
            return self.checkpoint() if len(names) >= self.stop else None

        return collect

    def checkpoint(self) -> bool | None:
        """Every ``YIELD_EVERY`` links: yield the GIL, send a full page while native order is
        name order, stop when cancelled (anything but None stops h5py's iteration)."""
        time.sleep(0)
        if self.cancelled:
            return True
        if self.in_order and len(self.names) >= self.page_size:
            page = self.names[:self.page_size]
            if page[0] > self.last_sent and page == sorted(page):
                self._send(page, self.types[:self.page_size])
                self.last_sent = page[-1]
                del self.names[:self.page_size], self.types[:self.page_size]
            else:  # hash order (dense storage): keep everything, sort at the end
                self.in_order = False
        room = self.page_size - len(self.names) if self.in_order else YIELD_EVERY
        self.stop = len(self.names) + max(1, min(YIELD_EVERY, room))
        return None

    @property
    def cancelled(self) -> bool:
        return self.cancel is not None and self.cancel.is_set()

    def finish(self) -> None:
        """Send what is left, sorted by name if native order was not name order.

        A group whose native order stopped being name order after some pages went out (not
        seen in HDF5's storage kinds) gets the rest sorted after them: every member is still
        listed once.
        """
        names, types = self.names, self.types
        if len(names) > 1 and not (self.in_order and names == sorted(names)):
            names, types = _by_name(names, types)
        for start in range(0, len(names), self.page_size):
            if self.cancelled:
                return
            self._send(names[start:start + self.page_size], types[start:start + self.page_size])
            time.sleep(PAGE_PAUSE)

    def _send(self, raw: list[bytes], types: list[int]) -> None:
        names = _decode(raw)
        kinds = [UNKNOWN] * len(raw)
        for i, link_type in enumerate(types):
            if link_type != HARD:
                kinds[i] = _LINK_KINDS.get(link_type, UNKNOWN)
        if self.probe_group is not None:
            kinds = [_probe_kind(self.probe_group, name) if kind == UNKNOWN else kind
                     for name, kind in zip(raw, kinds, strict=True)]
        self.on_page(ChildPage(self.sent, names, kinds, max(self.total, self.sent + len(names))))
        self.sent += len(names)


def _decode(raw: list[bytes]) -> list[str]:
    """UTF-8 names as text; ASCII ones (nearly all) converted by numpy in one call."""
    if raw and max(map(len, raw)) <= MAX_NUMPY_NAME:
        try:
            return np.array(raw, dtype=bytes).astype(str).tolist()
        except UnicodeDecodeError:  # numpy converts ASCII only
            pass
    return [n.decode("utf-8", "surrogateescape") for n in raw]


def _by_name(names: list[bytes], types: list[int]) -> tuple[list[bytes], list[int]]:
    """``names`` and their ``types`` in HDF5's name order (byte order, as ``strcmp``)."""
    if max(map(len, names)) <= MAX_NUMPY_NAME:  # numpy sorts without the GIL
        array = np.array(names, dtype=bytes)
        order = np.argsort(array, kind="stable")
        return array[order].tolist(), np.asarray(types)[order].tolist()
    order = sorted(range(len(names)), key=names.__getitem__)
    return [names[i] for i in order], [types[i] for i in order]


def _probe_kind(group, raw_name: bytes) -> str:
    try:
        return _OBJ_KINDS.get(h5py.h5o.get_info(group.id, raw_name).type, UNREADABLE)
    except Exception:
        return UNKNOWN  # described later, where the reason is recorded


def _stream_names(group, total: int, on_page: OnPage, page_size: int,
                  cancel: threading.Event | None) -> int:
    seen, names = 0, []
    for name in group:
        names.append(name)
        if len(names) >= page_size:
            on_page(ChildPage(seen, names, [UNKNOWN] * len(names), max(total, seen + page_size)))
            seen, names = seen + len(names), []
            if cancel is not None and cancel.is_set():
                return seen
    if names:
        on_page(ChildPage(seen, names, [UNKNOWN] * len(names), max(total, seen + len(names))))
    return seen + len(names)


def pages_of(nodes: list[NodeInfo], on_page: OnPage, page_size: int = PAGE_SIZE,
             cancel: threading.Event | None = None) -> int:
    """Pages of records a source already has (JSON, HSDS link lists)."""
    total = len(nodes)
    for start in range(0, total, max(1, page_size)):
        if cancel is not None and cancel.is_set():
            return start
        chunk = nodes[start:start + page_size]
        on_page(ChildPage(start, [n.name for n in chunk], [n.kind for n in chunk], total, chunk))
    return total


def page_nodes(page: ChildPage, parent: str) -> list[NodeInfo]:
    """The page's members as (undescribed) records."""
    if page.nodes is not None:
        return page.nodes
    prefix = "/" if parent in ("", "/") else parent + "/"
    return [NodeInfo(prefix + name, name, kind=kind)
            for name, kind in zip(page.names, page.kinds, strict=True)]
