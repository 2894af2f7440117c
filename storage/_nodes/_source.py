"""Sources: something that gives the browser a tree of nodes, whatever holds the bytes.

:class:`Source` is the interface every backend offers (list, describe, attributes, properties,
read a slice, find by name). :func:`open_source` picks the backend: a local HDF5 file through
h5py, a DL-friendly JSON file, or (later) a URL through an opener registered for its scheme
(``register_opener("hsds", fn)``), e.g. an h5pyd domain or h5py on an fsspec file object. Only
the local opener looks at the file system; the rest of the layer works on h5py-like objects.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

from .._errors import (
    CorruptFileError,
    MissingDependencyError,
    StorageFileNotFoundError,
    StoragePermissionError,
    UnsupportedFormatError,
)
from ._node import AttrInfo, NodeInfo
from ._pages import PAGE_SIZE, OnPage, pages_of
from ._slicing import DEFAULT_BUDGET, SliceResult, read_slice

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
HDF5_SUFFIXES = (".h5", ".hdf5", ".hdf", ".he5", ".nxs", ".nx5", ".nc", ".nc4", ".cdf", ".mat")

Opener = Callable[[str], "Source"]
_OPENERS: dict[str, Opener] = {}


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


def register_opener(scheme: str, opener: Opener) -> None:
    """Let :func:`open_source` open ``scheme://...`` locations with ``opener(location)``."""
    _OPENERS[scheme.lower()] = opener


def open_source(location: str | os.PathLike[str]) -> Source:
    """Open a local HDF5 or DL-friendly JSON file, or a URL with a registered opener."""
    text = os.fspath(location)
    scheme = text.partition("://")[0].lower() if "://" in text else ""
    if scheme and scheme != "file":
        opener = _OPENERS.get(scheme)
        if opener is None:  # HSDS and fsspec schemes; h5pyd/fsspec load only when opening
            from .._remote import register_remote_openers

            register_remote_openers()
            opener = _OPENERS.get(scheme)
        if opener is None:
            raise MissingDependencyError(
                f"cannot open {scheme}:// locations: install the remote extra "
                "(pip install 'loupe-lab[remote]')")
        return opener(text)
    return open_local(Path(text.removeprefix("file://")))


def open_local(path: Path) -> Source:
    """A local file, by its content: HDF5 (also with a user block) or JSON."""
    head = _head(path)
    if _is_hdf5(path, head):
        from ._h5source import H5Source

        return H5Source.open_path(path)
    if _looks_like_json(head):
        from ._dljson_nodes import JsonSource

        return JsonSource.open_path(path)
    if path.suffix.lower() in HDF5_SUFFIXES:
        raise CorruptFileError(f"{path.name}: not an HDF5 file (no HDF5 signature): it may be "
                               "truncated or another format", path=path)
    raise UnsupportedFormatError(
        f"{path.name} is neither HDF5 nor JSON (first bytes {head[:8]!r}): open an .h5/.nc/.nxs "
        "or a JSON results file")


def _head(path: Path) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read(64)
    except FileNotFoundError:
        raise StorageFileNotFoundError(f"{path} does not exist: check the path") from None
    except IsADirectoryError:
        raise UnsupportedFormatError(f"{path} is a folder: open a file inside it") from None
    except PermissionError:
        raise StoragePermissionError(f"{path} cannot be read: check its permissions") from None


def _is_hdf5(path: Path, head: bytes) -> bool:
    if head.startswith(HDF5_SIGNATURE):
        return True
    # A user block moves the superblock to 512, 1024, 2048... bytes.
    with open(path, "rb") as f:
        offset = 512
        while True:
            f.seek(offset)
            block = f.read(8)
            if len(block) < 8:
                return False
            if block == HDF5_SIGNATURE:
                return True
            offset *= 2


def _looks_like_json(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    return text[:1] in (b"{", b"[", b'"') or head.startswith(ZSTD_MAGIC) or (
        text[:1].isdigit() or text[:4] in (b"true", b"fals", b"null"))
