"""Find global heap collections that would make HDF5 loop forever, before HDF5 reads them.

Variable-length data (vlen strings and sequences, in datasets and attributes) lives in "global
heap collections" (signature ``GCOL``). HDF5 2.0 decodes a collection's objects in a loop that
advances by each object's size: a damaged object of index 0 and size 0 (zeroed bytes) never
advances, and the read spins forever holding the GIL (found by tests/fuzz). Loupe checks the
collections itself, once per file, and refuses variable-length reads of a file with such a
collection: a typed error instead of a frozen process.
"""

from __future__ import annotations

import os
import time

from .._formats._h5open import SIGNATURE

GCOL = b"GCOL"
# Files up to this size are checked (once, on their first attribute or variable-length read):
# reading 256 MiB costs about 0.1 s from the page cache, seconds from a cold disk. Larger files
# are not checked; a damaged collection in one of them can still hang HDF5.
MAX_SCAN = 256 * 2**20
BLOCK = 8 * 2**20  # read and searched per step; the GIL is handed over between steps


def looping_heaps(path: str | os.PathLike[str]) -> list[int]:
    """Offsets of the global heap collections of ``path`` whose decoding would never end."""
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size < 16 or size > MAX_SCAN:
                return []
            data = _read(f)
    except OSError:
        return []
    base = data.find(SIGNATURE)
    if base < 0:
        return []
    lengths = _size_of_lengths(data, base)
    return [at for at in _collections(data) if _loops(data, at, lengths)]


def _read(f) -> bytes:
    """The whole (small) file, in blocks: a long read must not keep the GUI thread waiting."""
    parts = []
    while block := f.read(BLOCK):
        parts.append(block)
        time.sleep(0)
    return b"".join(parts)


def _size_of_lengths(data: bytes, base: int) -> int:
    version = data[base + 8]
    size = data[base + 10] if version >= 2 else data[base + 14]
    return size if size in (2, 4, 8, 16) else 8


def _collections(data: bytes):
    at = data.find(GCOL)
    while at >= 0:
        yield at
        at = data.find(GCOL, at + 4)


def _loops(data: bytes, at: int, lengths: int) -> bool:
    """Replay HDF5's decoding loop of the collection at ``at``; True where it would not end.

    Bytes past the end of the file read as zeros (a truncated file opened in SWMR mode, where
    HDF5 skips its end-of-file check): a zeroed object header there loops too.
    """
    header = 8 + lengths
    end = at + int.from_bytes(data[at + 8:at + header], "little")
    objhdr = 8 + lengths
    p = at + header
    while p < end:
        if p + objhdr > end:  # a tail too small for an object: free space, the loop ends
            return False
        head = data[p:p + objhdr].ljust(objhdr, b"\0")
        index = int.from_bytes(head[:2], "little")
        obj_size = int.from_bytes(head[8:], "little")
        need = objhdr + (obj_size + 7) // 8 * 8 if index > 0 else obj_size
        if need == 0:
            return True
        p += need
    return False
