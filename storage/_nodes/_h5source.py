"""An HDF5 tree through h5py (or any h5py-like ``File``: h5pyd, h5py on a file object)."""

from __future__ import annotations

import threading
from pathlib import Path

import h5py
import numpy as np

from .._errors import CorruptFileError
from .._formats._h5open import open_h5_file
from ._attrs import read_attributes
from ._bitshuffle import damaged_chunk
from ._h5errors import DAMAGE_ADVICE, HDF5_ERRORS, row_error, translated, typed_error
from ._h5heap import looping_heaps
from ._listing import describe, fill_object, list_children
from ._node import GROUP, UNREADABLE, NodeInfo, join_path, parent_path
from ._pages import PAGE_SIZE, OnPage, stream_members
from ._properties import object_properties
from ._slicing import DEFAULT_BUDGET, SliceResult, normalize
from ._source import Source


class H5Source(Source):
    """A tree over an open h5py-like ``File``."""

    format = "hdf5"

    def __init__(self, file, location: str, name: str | None = None,
                 local_dir: str | None = None, owns_file: bool = True) -> None:
        super().__init__(location, name, local_dir)
        self.file = file
        self._owns_file = owns_file
        self._vlen_refusal: str | None = None  # see vlen_refusal()

    @classmethod
    def open_path(cls, path: Path) -> H5Source:
        path = Path(path)
        return cls(open_h5_file(path), str(path), path.name, str(path.resolve().parent))

    # -- the tree ---------------------------------------------------------------------------
    @translated("read it")
    def info(self, path: str) -> NodeInfo:
        if path in ("", "/"):
            node = NodeInfo("/", self.name)
            with self.lock:
                fill_object(node, self.file)
            return node
        parent = parent_path(path)
        with self.lock:
            return describe(self.file[parent], parent, [path.rpartition("/")[2]],
                            self.local_dir)[0]

    @translated("list its members")
    def list_children(self, path: str) -> list[NodeInfo]:
        with self.lock:
            return list_children(self.file[path or "/"], path or "/", self.probe_limit)

    @translated("list its members")
    def stream_children(self, path: str, on_page: OnPage, *, page_size: int = PAGE_SIZE,
                        cancel: threading.Event | None = None) -> int:
        if type(self).list_children is not H5Source.list_children:
            # a subclass lists its own way (HSDS reads a link list and keeps it for describe)
            return super().stream_children(path, on_page, page_size=page_size, cancel=cancel)
        with self.lock:
            return stream_members(self.file[path or "/"], on_page, page_size=page_size,
                                  probe_limit=self.probe_limit, cancel=cancel)

    def describe(self, path: str, names: list[str]) -> list[NodeInfo]:
        with self.lock:
            try:
                group = self.file[path or "/"]
            except Exception as exc:
                error = row_error(f"cannot open {path or '/'}", exc)
                return [NodeInfo(join_path(path, n), n, kind=UNREADABLE, error=error,
                                 detailed=True) for n in names]
            return describe(group, path or "/", names, self.local_dir)

    def find(self, text: str, *, cancel: threading.Event | None = None,
             limit: int = 100_000) -> list[NodeInfo]:
        needle = text.lower()
        found: list[NodeInfo] = []

        def visit(name: str | bytes) -> object:
            if cancel is not None and cancel.is_set():
                return True  # a non-None answer stops h5py's walk
            if isinstance(name, bytes):  # h5py passes a name that is not UTF-8 as bytes
                name = name.decode("utf-8", "surrogateescape")  # as the listing decodes it
            if needle in name.rpartition("/")[2].lower():
                found.append(NodeInfo("/" + name, name.rpartition("/")[2]))
                if len(found) >= limit:
                    return True
            return None

        with self.lock:
            try:
                if hasattr(self.file, "visit_links"):
                    self.file.visit_links(visit)
                else:  # h5py-like APIs without visit_links: visit() follows hard links only
                    self.file.visit(visit)
            except HDF5_ERRORS as exc:  # the walk stops at a damaged group: say so
                raise typed_error(exc, self.name, "/", f"search it for {text!r}") from exc
        return found

    # -- one node ---------------------------------------------------------------------------
    def _get(self, path: str):
        try:
            return self.file[path or "/"]
        except KeyError as exc:
            raise KeyError(f"{path}: {exc}") from None

    @translated("read its attributes")
    def attributes(self, path: str):
        with self.lock:
            return read_attributes(self._get(path), self.vlen_refusal)

    @translated("read its properties")
    def properties(self, path: str) -> list[tuple[str, str]]:
        with self.lock:
            return object_properties(self._get(path), path or "/")

    def array(self, path: str):
        obj = self._get(path)
        if not isinstance(obj, h5py.Dataset):
            raise TypeError(f"{path} is not a dataset")
        return obj

    @translated("read it")
    def read(self, path: str, selection=(), **kwargs) -> SliceResult:
        if self.local_dir is not None:  # a local file: what would crash or hang HDF5 first
            with self.lock:
                problem = self._unsafe_read(self.array(path), selection)
            if problem:
                raise CorruptFileError(f"{self.name}: {path}: {problem}", path=self.location)
        try:
            return super().read(path, selection, **kwargs)
        except OSError as exc:
            # Opaque types have no conversion path in h5py: read their bytes as they are.
            if "conversion path" not in str(exc):
                raise
            with self.lock:
                return _read_raw(self.array(path), kwargs.get("budget", DEFAULT_BUDGET))

    def _unsafe_read(self, dset, selection) -> str:
        """Why reading ``selection`` of ``dset`` would hang or crash the process ('' if not)."""
        if dset.dtype.hasobject and self.vlen_refusal():
            return self.vlen_refusal()
        if not dset.shape:
            return ""
        full = tuple(selection) + (slice(None),) * (len(dset.shape) - len(selection))
        problem = damaged_chunk(dset, normalize(full, dset.shape))
        return f"{problem}; {DAMAGE_ADVICE}" if problem else ""

    def vlen_refusal(self) -> str:
        """Why variable-length values of this file are not read ('' when they are): HDF5
        would never finish decoding a damaged global heap collection (see ``_h5heap``)."""
        if self._vlen_refusal is None:
            looping = looping_heaps(self.location) if self.local_dir is not None else []
            self._vlen_refusal = (
                f"the global heap collection at byte {looping[0]} is damaged (HDF5 would never "
                f"finish decoding it), so variable-length values are not read; {DAMAGE_ADVICE}"
                if looping else "")
        return self._vlen_refusal

    def snippet(self, path: str) -> str:
        node_kind = self.info(path).object_kind if path not in ("", "/") else GROUP
        read = "[()]" if node_kind == "dataset" else ""
        comment = "  # a numpy array" if read else ""
        return (f"import h5py\nimport hdf5plugin  # noqa: F401 (compressed data)\n\n"
                f"with h5py.File({self.location!r}, \"r\", locking=False) as f:\n"
                f"    obj = f[{path or '/'!r}]{read}{comment}\n")

    def close(self) -> None:
        if self._owns_file:
            with self.lock:
                try:
                    self.file.close()
                except Exception:  # closing twice or after an I/O error: nothing left to do
                    pass


def _read_raw(dset, budget: int) -> SliceResult:
    """The whole dataset with its file type as memory type (no conversion), if it fits."""
    if dset.dtype.kind != "V" or dset.size * dset.dtype.itemsize > budget:
        raise OSError(f"{dset.name}: h5py cannot convert this type ({dset.dtype}) for reading")
    out = np.empty(dset.shape, dtype=dset.dtype)
    dset.id.read(h5py.h5s.ALL, h5py.h5s.ALL, out, mtype=dset.id.get_type())
    return SliceResult(out, tuple(slice(0, n, 1) for n in dset.shape))
