"""Atomic file writes: a temporary file in the target's folder, fsynced, renamed over the target.

A failure at any point (exception while encoding, disk full) leaves the old file as it was and no
temporary file behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str], suffix: str = ".partial", *,
                fsync: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target`` atomically.

    For writers that need a path rather than a stream (h5py). ``fsync=False`` is for callers
    that have already synced the file themselves (fsync dominates small-file conversion time).
    """
    target = Path(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        if fsync:
            _fsync_path(tmp_path)
        os.replace(tmp_path, target)
        _fsync_dir(target.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        raise


@contextlib.contextmanager
def atomic_write(target: str | os.PathLike[str], mode: str = "wb") -> Iterator[IO]:
    """Open a temporary file beside ``target`` for writing; rename it over ``target`` on success."""
    with atomic_path(target, fsync=False) as tmp, open(tmp, mode) as fh:
        yield fh
        fh.flush()
        os.fsync(fh.fileno())


def atomic_write_bytes(target: str | os.PathLike[str], payload: bytes) -> Path:
    """Write ``payload`` to ``target`` atomically and return the target path."""
    with atomic_write(target) as fh:
        fh.write(payload)
    return Path(target)


def _fsync_path(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not possible on Windows, where it is not needed either.
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
