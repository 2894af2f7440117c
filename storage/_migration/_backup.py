"""Backups of originals and byte-exact copies back.

The cheapest safe backup is a second name for the original itself: a hard link. The conversion
replaces the original by renaming a new file over its name, so the original's bytes are never
written again and live on under the backup's name; no copy, no data to flush, only the folder
entry. Where a link is impossible (a backup folder on another file system, FAT) the bytes are
copied to a temporary name, fsynced, and linked to the final name.

Either way the final name is made with ``link``, which fails if the name exists: an existing
backup is never overwritten, even by a concurrent run, and a crash never leaves a half-written
file under a backup's name. An existing backup with the same bytes is reused instead of piling
up ``.backup.2``, ``.backup.3`` on every re-run.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from .._atomic import _fsync_dir, atomic_path

_CHUNK = 1 << 20


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def backup_folder(path: Path, root: Path, backup_dir: Path | None) -> Path:
    """Where the backup of ``path`` goes: beside it, or mirrored under ``backup_dir``."""
    if backup_dir is None:
        return path.parent
    try:
        rel = path.parent.relative_to(root)
    except ValueError:
        rel = Path()
    return backup_dir / rel


def backup_names(path: Path, folder: Path):
    """``NAME.backup``, then ``NAME.backup.2``, ``NAME.backup.3``..."""
    yield folder / f"{path.name}.backup"
    n = 2
    while True:
        yield folder / f"{path.name}.backup.{n}"
        n += 1


def make_backup(path: Path, raw: bytes, digest: str, folder: Path) -> tuple[Path, bool]:
    """Store ``raw`` (the bytes of ``path``) as a backup; return its path and whether it is new
    (False: an existing backup with the same bytes was reused)."""
    folder.mkdir(parents=True, exist_ok=True)
    for candidate in backup_names(path, folder):
        if candidate.exists() or candidate.is_symlink():
            if _same_content(candidate, raw, digest):
                return candidate, False
            continue
        made = _link_original(path, raw, candidate)
        if made is None:
            made = _link_new(path, raw, candidate)
        if made:
            return candidate, True
    raise AssertionError("unreachable")  # backup_names never ends


def _same_content(candidate: Path, raw: bytes, digest: str) -> bool:
    try:
        return (candidate.is_file() and not candidate.is_symlink()
                and candidate.stat().st_size == len(raw) and sha256_file(candidate) == digest)
    except OSError:
        return False


def _link_original(source: Path, raw: bytes, candidate: Path) -> bool | None:
    """Link the original under the backup's name; None when linking is not possible here."""
    try:
        before = source.stat()
        os.link(source, candidate)
    except FileExistsError:
        return False
    except OSError:
        return None
    after = candidate.stat()
    if (after.st_ino, after.st_size, after.st_mtime_ns) != (before.st_ino, len(raw),
                                                           before.st_mtime_ns):
        os.unlink(candidate)  # the file changed since it was read: copy what was read instead
        return None
    _fsync_dir(candidate.parent)
    return True


def shares_inode(a: Path, b: Path) -> bool:
    """True when ``a`` and ``b`` are the same file (a linked backup and its original)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _link_new(source: Path, raw: bytes, candidate: Path) -> bool:
    fd, tmp = tempfile.mkstemp(prefix=f".{source.name}.", suffix=".backup-tmp",
                               dir=candidate.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(OSError):
            shutil.copystat(source, tmp)
        try:
            os.link(tmp, candidate)
        except FileExistsError:
            return False
        _fsync_dir(candidate.parent)
        return True
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def write_back(raw: bytes, target: Path, stat_from: Path | None = None) -> None:
    """Put ``raw`` at ``target`` atomically, with the mode and times of ``stat_from``."""
    with atomic_path(target) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        if stat_from is not None:
            with contextlib.suppress(OSError):
                shutil.copystat(stat_from, tmp)
