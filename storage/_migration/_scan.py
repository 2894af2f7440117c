"""Find the files a migration looks at: include/exclude globs, recursion, symlinks handled safely.

Symbolic links are never followed: a link to a folder could loop back (``a/loop -> ..``) or lead
outside the folder the user chose, and replacing a linked file would replace the link, not the
file it points to. They show up as skipped items with that reason.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterator
from pathlib import Path

from ._model import JOURNAL_NAME, REPORT_PREFIX, MigrationOptions, PlanItem

BACKUP_RE = re.compile(r"\.backup(\.\d+)?$")
_TEMP_RE = re.compile(r"^\..+\.(partial|backup-tmp)$")


def is_own_file(name: str) -> bool:
    """Files the migration itself writes: backups, journal, reports, temporary files."""
    return (bool(BACKUP_RE.search(name)) or name == JOURNAL_NAME or name.startswith(REPORT_PREFIX)
            or bool(_TEMP_RE.match(name)))


def _matches(rel: str, name: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(rel, p) for p in patterns)


def scan(options: MigrationOptions) -> tuple[list[tuple[Path, int]], list[PlanItem]]:
    """Return ``(candidates, items)``: files to inspect with their sizes, and files already decided.

    Sorted by path so runs, reports and resumes see the same order.
    """
    root = options.root
    if not root.is_dir():
        from .._errors import MigrationError

        raise MigrationError(f"{root} is not a folder: choose the folder that holds the results")
    skip_dirs = set()
    if options.backup_dir is not None:
        skip_dirs.add(os.path.realpath(options.backup_dir))
    candidates: list[tuple[Path, int]] = []
    decided: list[PlanItem] = []
    for entry, rel in _walk(root, options.recursive, skip_dirs, decided):
        _classify_entry(entry, rel, options, candidates, decided)
    candidates.sort(key=lambda c: str(c[0]))
    decided.sort(key=lambda i: str(i.path))
    return candidates, decided


def _walk(root: Path, recursive: bool, skip_dirs: set[str],
          decided: list[PlanItem]) -> Iterator[tuple[os.DirEntry, str]]:
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            decided.append(PlanItem(folder, "fail", f"cannot list this folder: {_why(exc)}"))
            continue
        for entry in entries:
            rel = os.path.relpath(entry.path, root)
            if entry.is_dir(follow_symlinks=False):
                if recursive and os.path.realpath(entry.path) not in skip_dirs:
                    stack.append(Path(entry.path))
            else:
                yield entry, rel


def _classify_entry(entry: os.DirEntry, rel: str, options: MigrationOptions,
                    candidates: list[tuple[Path, int]], decided: list[PlanItem]) -> None:
    path = Path(entry.path)
    if entry.is_symlink():
        _symlink_item(path, rel, options, decided)
        return
    if is_own_file(entry.name) or not _matches(rel, entry.name, options.include):
        return
    if options.exclude and _matches(rel, entry.name, options.exclude):
        return
    try:
        st = entry.stat(follow_symlinks=False)
    except OSError as exc:
        decided.append(PlanItem(path, "fail", f"cannot read its size: {_why(exc)}"))
        return
    if not entry.is_file(follow_symlinks=False):
        decided.append(PlanItem(path, "skip", "not a regular file", st.st_size))
    else:
        candidates.append((path, st.st_size))


def _symlink_item(path: Path, rel: str, options: MigrationOptions,
                  decided: list[PlanItem]) -> None:
    try:
        target_is_dir = path.is_dir()
        exists = path.exists()
    except OSError:  # ELOOP: a link that points at itself or a cycle of links
        target_is_dir, exists = False, False
    if target_is_dir:
        decided.append(PlanItem(path, "skip", "symbolic link to a folder: not followed "
                                "(it could loop or lead outside the chosen folder)"))
    elif _matches(rel, path.name, options.include):
        why = ("symbolic link: not converted here, convert the file it points to" if exists
               else "broken symbolic link or a loop of links")
        decided.append(PlanItem(path, "skip", why))


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)
