"""The ``hdf5`` format: groups, chunked datasets and attributes (see ``_hdf5_write``).

Reading follows each group's ``__dl__`` index back to the same Python types. An HDF5 file that
Loupe did not write (no index) loads generically: groups as dicts, datasets as arrays, and
attributes under ``"@name"`` keys. h5py is imported only when an HDF5 file is saved or loaded.
"""

from __future__ import annotations

import errno
import json
import shutil
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from .._atomic import atomic_path
from .._dljson import loads
from .._errors import CorruptFileError
from ._h5open import SIGNATURE, open_h5_file
from ._hdf5_write import INDEX, Writer
from ._options import LoadOptions, SaveOptions
from ._scan import array_bytes

NAME = "hdf5"
SUFFIXES = (".h5", ".hdf5", ".hdf", ".he5")
TEXT = False
DESCRIPTION = "an HDF5 file (already DL-friendly)"
# Suffixes of HDF5-based formats of other tools (NeXus, netCDF-4, MATLAB 7.3): a file named so
# without the signature is a damaged HDF5 file rather than "some other format".
FAMILY_SUFFIXES = SUFFIXES + (".nxs", ".nx5", ".nc", ".nc4", ".cdf", ".mat")


def sniff(head: bytes) -> bool:
    # The superblock sits at 0 or after a userblock of 512, 1024, 2048... bytes.
    offset = 0
    while offset + len(SIGNATURE) <= len(head):
        if head[offset:offset + len(SIGNATURE)] == SIGNATURE:
            return True
        offset = 512 if offset == 0 else offset * 2
    return False


def sniff_file(fh: BinaryIO, start: int) -> bool:
    """Look for the signature behind a userblock larger than the head (from ``start`` on)."""
    offset = start
    while True:
        fh.seek(offset)
        block = fh.read(len(SIGNATURE))
        if len(block) < len(SIGNATURE):
            return False
        if block == SIGNATURE:
            return True
        offset *= 2


def save(data: Any, path: Path, options: SaveOptions) -> None:
    import h5py

    # HDF5 2.0 crashes the process when a write fails inside File.close (disk full): refuse up
    # front when the arrays cannot fit, so that case becomes an error instead.
    _check_room(path.parent, array_bytes(data)[0] * 11 // 10 + 2**20)
    try:
        with atomic_path(path) as tmp, h5py.File(tmp, "w", track_order=True) as f:
            Writer(options).root(f, data)
    except RuntimeError as exc:  # h5py reports failed flushes on close this way
        raise OSError(errno.EIO, f"HDF5 could not finish the file ({exc})") from None


def _check_room(folder: Path, need: int) -> None:
    free = shutil.disk_usage(folder).free
    if need > free:
        raise OSError(errno.ENOSPC, f"needs about {need >> 20} MiB, {free >> 20} MiB free")
    try:
        import resource
    except ImportError:  # Windows
        return
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    if limit != resource.RLIM_INFINITY and need > limit:
        raise OSError(errno.EFBIG, f"needs about {need >> 20} MiB, over the file size limit")


def load_open(f: Any, options: LoadOptions, where: object) -> Any:
    """The document in an already open h5py-like file (a remote object, an HSDS domain)."""
    return _Reader(options, where).root(f)


def load(path: Path, options: LoadOptions) -> Any:
    # The node layer and the plots may hold this file open: open it with their flags.
    f = open_h5_file(path)
    with f:
        try:
            return _Reader(options, path).root(f)
        except (KeyError, ValueError, TypeError, OSError) as exc:
            if isinstance(exc, CorruptFileError):
                raise
            raise CorruptFileError(f"{path}: cannot read HDF5 content ({exc}); the file is "
                                   "damaged or not written by Loupe", path=path) from None


class _Reader:
    def __init__(self, options: LoadOptions, path: Path) -> None:
        self.options = options
        self.path = path

    def root(self, f: Any) -> Any:
        index = self._index(f)
        if index is not None and index.get("kind") == "value":
            name, how = index["items"][0][:2]
            return self.item(f, name, how)
        return self.group(f)

    def _index(self, group: Any) -> dict[str, Any] | None:
        text = group.attrs.get(INDEX)
        if text is None:
            return None
        index = json.loads(text)
        if not isinstance(index, dict) or not isinstance(index.get("items"), list):
            raise CorruptFileError(f"{self.path}: invalid {INDEX} index in {group.name}")
        return index

    def group(self, group: Any) -> Any:
        index = self._index(group)
        if index is None:
            return self._foreign(group)
        kind, items = index["kind"], index["items"]
        if kind == "dict":
            return {(e[2] if len(e) > 2 else e[0]): self.item(group, e[0], e[1]) for e in items}
        if kind == "pairs":
            return {self._json(e[2]): self.item(group, e[0], e[1]) for e in items}
        values = [self.item(group, e[0], e[1]) for e in items]
        return tuple(values) if kind == "tuple" else values

    def item(self, group: Any, name: str, how: str) -> Any:
        if how == "g":
            return self.group(group[name])
        if how == "d":
            return self.dataset(group[name])
        if how == "l":
            return group[name][()].tolist()
        if how == "a":
            value = group.attrs[name]
            return value.item() if isinstance(value, np.generic) else value
        if how == "j":
            return self._json(group.attrs[name])
        raise CorruptFileError(f"{self.path}: unknown entry kind {how!r} in {group.name}")

    def _json(self, text: Any) -> Any:
        raw = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        return loads(raw, device=self.options.device, path=self.path)

    def dataset(self, ds: Any) -> Any:
        arr = ds[()]
        attrs = ds.attrs
        if not isinstance(arr, np.ndarray):  # a 0-d dataset reads as a native-order scalar
            arr = np.asarray(arr, dtype=ds.dtype)
        ml = attrs.get("__dl_dtype__")
        if ml is not None:
            from .._dljson._dtypes import parse_dtype

            arr = arr.view(parse_dtype(str(ml)))
        if attrs.get("__dl_order__") == "F":
            arr = np.asfortranarray(arr)
        torch_dtype = attrs.get("__dl_torch__")
        if torch_dtype is not None:
            return self._tensor(arr, str(torch_dtype), bool(attrs.get("__dl_requires_grad__")))
        return arr

    def _tensor(self, arr: np.ndarray, dtype: str, requires_grad: bool) -> Any:
        from .._dljson._arrays import tensor_from_array
        from .._dljson._decode import Context
        from .._dljson._dtypes import parse_dtype

        if dtype.removeprefix("torch.") in ("bfloat16", "float8_e4m3fn", "float8_e5m2"):
            arr = arr.view(parse_dtype(dtype))
        return tensor_from_array(arr, dtype, requires_grad, Context(self.options.device))

    def _foreign(self, group: Any) -> dict[str, Any]:
        import h5py

        out: dict[str, Any] = {f"@{k}": _plain(v) for k, v in group.attrs.items()}
        for name, obj in group.items():
            if isinstance(obj, h5py.Group):
                out[name] = self._foreign(obj)
            else:
                out[name] = _plain(obj[()])
        return out


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value
