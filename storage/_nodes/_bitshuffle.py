"""Check bitshuffle-compressed chunks before HDF5 hands them to the filter, which trusts them.

hdf5plugin's bitshuffle filter (id 32008, with LZ4 or Zstd) reads the uncompressed size, the
block size and each block's compressed size from the chunk without checking them against the
chunk's length: a damaged chunk makes it read past its buffer and the process dies (SIGSEGV in
``bshuf_read_uint32_BE``, found by tests/fuzz). Loupe reads the raw chunks a selection touches
and walks the same framing first; a chunk that does not fit is a typed error, not a crash.
"""

from __future__ import annotations

import itertools
import math

BITSHUFFLE = 32008
COMPRESSED = (2, 3)  # LZ4, Zstd: framed blocks (0 is bitshuffle alone: nothing to trust)
MAX_CHECKED = 20_000  # chunks checked per read; a larger read is not checked (documented)
BLOCK_MULTIPLE = 8


def bitshuffle_compression(dcpl) -> int | None:
    """The compression of a bitshuffle filter in the pipeline (2 LZ4, 3 Zstd), else None."""
    for i in range(dcpl.get_nfilters()):
        code, _flags, values, _name = dcpl.get_filter(i)
        if code == BITSHUFFLE:
            return values[4] if len(values) > 4 else 0
    return None


def damaged_chunk(dset, selection: tuple) -> str:
    """Why a chunk that reading ``selection`` (normalized ints and slices) would decompress
    cannot be decompressed safely; '' when all fit (or the read is too large to check)."""
    dsid = dset.id
    if dset.chunks is None or bitshuffle_compression(dsid.get_create_plist()) not in COMPRESSED:
        return ""
    ranges = [_chunk_range(sel, n, c) for sel, n, c in zip(selection, dset.shape, dset.chunks,
                                                           strict=True)]
    if math.prod(len(r) for r in ranges) > MAX_CHECKED:
        return ""
    chunk_bytes = math.prod(dset.chunks) * dset.dtype.itemsize
    for index in itertools.product(*ranges):
        offset = tuple(i * c for i, c in zip(index, dset.chunks, strict=True))
        try:
            _mask, raw = dsid.read_direct_chunk(offset)
        except Exception:  # not written (fill value) or unreadable: HDF5 says which
            continue
        problem = _frame_problem(bytes(raw), chunk_bytes, dset.dtype.itemsize)
        if problem:
            return f"the bitshuffle chunk at {offset} is damaged ({problem})"
    return ""


def _chunk_range(sel, n: int, chunk: int) -> range:
    if isinstance(sel, slice):
        if sel.stop <= sel.start:
            return range(0)
        return range(sel.start // chunk, (min(sel.stop, n) - 1) // chunk + 1)
    return range(sel // chunk, sel // chunk + 1)


def _frame_problem(raw: bytes, chunk_bytes: int, elem_size: int) -> str:
    """Walk bitshuffle's framing: 8-byte size, 4-byte block size, then per block a 4-byte
    compressed size and its bytes; the last ``n % 8`` elements are stored as they are."""
    if len(raw) < 12:
        return f"{len(raw)} bytes, shorter than its header"
    total = int.from_bytes(raw[:8], "big")
    block = int.from_bytes(raw[8:12], "big") // max(elem_size, 1)
    if total != chunk_bytes:
        return f"says {total} bytes uncompressed, the chunk holds {chunk_bytes}"
    if block <= 0 or block % BLOCK_MULTIPLE:
        return f"block size {block} elements"
    n = total // elem_size
    blocks = [block] * (n // block)
    tail = n % block - n % block % BLOCK_MULTIPLE
    blocks += [tail] if tail else []
    at = 12
    for _ in blocks:
        if at + 4 > len(raw):
            return "ends inside a block header"
        at += 4 + int.from_bytes(raw[at:at + 4], "big")
        if at > len(raw):
            return "a block runs past the chunk's end"
    if at + n % BLOCK_MULTIPLE * elem_size > len(raw):
        return "the last elements run past the chunk's end"
    return ""
