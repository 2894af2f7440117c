"""How Loupe opens a local HDF5 file for reading: one place, so every reader agrees.

HDF5 shares one open file between all handles of a process and refuses a second open whose flags
differ ("file locking flag values don't match", "SWMR read access flag not the same"): the Files
tab and the plots read the same run, so both open it here, with the same flags.

- File locking is off: a training run may hold the file, and a reader must not block it.
- SWMR is used only where a writer may be active, as the superblock records it (version >= 3,
  "open for SWMR writing" flag). Opened in SWMR mode, HDF5 retries a metadata read whose checksum
  fails up to 100 times, doubling a sleep each time, holding the GIL: on a damaged file the
  whole process froze for minutes. Without SWMR the same read fails in under a millisecond.
- Where SWMR is used, the retries are bounded (``READ_ATTEMPTS``: about 3 ms in all, measured),
  which still covers a read that races a writer's flush.
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

import h5py

from .._errors import CorruptFileError, StorageFileNotFoundError, StoragePermissionError

SIGNATURE = b"\x89HDF\r\n\x1a\n"  # HDF5's file signature (superblock start)

WRITE_FLAG = 0x01  # superblock v2/v3 "file consistency flags": open for writing
SWMR_WRITE_FLAG = 0x04  # superblock v3 "file consistency flags": open for SWMR writing
# Metadata read attempts in SWMR mode. HDF5 sleeps 1 ns, 2 ns, 4 ns... between attempts: 20 end
# after about 3 ms (24: 26 ms; HDF5's default of 100: never, in practice).
READ_ATTEMPTS = 20


def writer_may_be_active(path: Path) -> bool:
    """True when the superblock says a program opened the file for SWMR writing (and has not
    closed it). Reads a few bytes; a file without a superblock answers False."""
    version, flags = _consistency_flags(path)
    return version >= 3 and bool(flags & SWMR_WRITE_FLAG)


def hdf5_open_for_writing(path: str | os.PathLike[str]) -> bool:
    """Whether the superblock says a writer has the file open, SWMR or not (bit 0: write access,
    bit 2: SWMR write; versions 2 and 3, i.e. ``libver="latest"``). A writer that crashed leaves
    them set too: live refresh then just finds no new rows."""
    version, flags = _consistency_flags(Path(path))
    return version >= 2 and bool(flags & (WRITE_FLAG | SWMR_WRITE_FLAG))


def _consistency_flags(path: Path) -> tuple[int, int]:
    """(superblock version, file consistency flags); (-1, 0) for no superblock or no file."""
    try:
        with open(path, "rb") as f:
            offset = superblock_offset(f)
            if offset is None:
                return -1, 0
            f.seek(offset + 8)
            head = f.read(4)  # version, size of offsets, size of lengths, flags (v2 and v3)
    except OSError:
        return -1, 0
    return (head[0], head[3]) if len(head) == 4 else (-1, 0)


def superblock_offset(f) -> int | None:
    """Where the HDF5 signature is: 0, or after a user block (512, 1024, 2048... bytes)."""
    size = os.fstat(f.fileno()).st_size
    offset = 0
    while offset + 8 <= size:
        f.seek(offset)
        if f.read(8) == SIGNATURE:
            return offset
        offset = 512 if offset == 0 else offset * 2
    return None


def open_h5_file(path: Path) -> h5py.File:
    """Open ``path`` read-only the way every Loupe reader does (see the module's docstring).

    Errors are typed: :class:`StorageFileNotFoundError`, :class:`StoragePermissionError`,
    :class:`CorruptFileError` (with what to do).
    """
    _load_filters()
    path = Path(path)
    swmr = writer_may_be_active(path)
    try:
        return _open(path, swmr, locking=False)
    except FileNotFoundError:
        raise StorageFileNotFoundError(f"{path} does not exist: check the path") from None
    except PermissionError:
        raise StoragePermissionError(f"{path} cannot be read: check its permissions") from None
    except OSError as exc:
        retry = _already_open_retry(path, swmr, exc)
        if retry is None:
            raise open_error(path, exc) from None
        try:
            return retry()
        except OSError as again:
            raise open_error(path, again) from None


def _already_open_retry(path: Path, swmr: bool, exc: OSError):
    """This process has the file open already with other flags (a writer in a test, or a
    reader that opened it before a writer started): share that open file as it is."""
    text = str(exc)
    if "locking flag" in text:  # opened by h5py's defaults (a writer in this process)
        return lambda: _open(path, swmr, locking=None)
    if "SWMR read access flag not the same" in text:
        return lambda: _open(path, not swmr, locking=False)
    return None


def _open(path: Path, swmr: bool, locking: bool | None) -> h5py.File:
    fapl = h5py.h5p.create(h5py.h5p.FILE_ACCESS)
    fapl.set_libver_bounds(h5py.h5f.LIBVER_EARLIEST, h5py.h5f.LIBVER_LATEST)  # as h5py does
    if locking is not None:
        fapl.set_file_locking(locking, ignore_when_disabled=False)
    flags = h5py.h5f.ACC_RDONLY
    if swmr:
        flags |= h5py.h5f.ACC_SWMR_READ
        _bound_read_attempts(fapl)
    return h5py.File(h5py.h5f.open(os.fsencode(path), flags, fapl=fapl))


def _bound_read_attempts(fapl) -> None:
    """``H5Pset_metadata_read_attempts``, which h5py does not wrap, through the HDF5 library
    h5py is linked with (found from h5py's own extension module)."""
    setter = _read_attempts_setter()
    if setter is not None:
        setter(fapl.id, READ_ATTEMPTS)


_SETTER: list = []


def _read_attempts_setter():
    if not _SETTER:
        try:
            fn = ctypes.CDLL(h5py.h5p.__file__).H5Pset_metadata_read_attempts
            fn.argtypes, fn.restype = [ctypes.c_int64, ctypes.c_uint], ctypes.c_int
        except (OSError, AttributeError):  # an h5py build without the symbol: HDF5's default
            fn = None
        _SETTER.append(fn)
    return _SETTER[0]


def _load_filters() -> None:
    """Register hdf5plugin's filters (Zstd, Blosc, LZ4, Bitshuffle...) with HDF5."""
    try:
        import hdf5plugin  # noqa: F401 - importing registers the filters
    except ImportError:  # reads of those filters then fail with a marked row
        pass


def open_error(path: Path, exc: OSError) -> CorruptFileError:
    """A file HDF5 cannot open, as a typed error that says why and what to do."""
    text = str(exc)
    if "already open for write" in text or "not already open for SWMR" in text:
        why = ("its writer did not close it cleanly (the superblock is still marked 'open for "
               "writing'); if no program is writing it, run `h5clear -s` on a copy and open that")
    elif "signature not found" in text:
        why = "it is not an HDF5 file (no HDF5 signature): it may be truncated or another format"
    else:
        why = (f"HDF5 cannot open it ({text}); the file is damaged or truncated: copy it again "
               "from its source")
    return CorruptFileError(f"{path.name}: {why}", path=path)
