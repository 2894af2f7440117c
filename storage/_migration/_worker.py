"""The work on one file, run in a pool process: inspect, back up, convert, verify, finish.

A task is a plain dict (it crosses a process boundary) and the answer is a plain dict too. Every
problem with the file becomes a "failed" or "skipped" answer; only bugs raise.

Order of the steps, and why a kill at any instant is safe:
1. read and inspect; nothing is written for files that skip or fail;
2. back up (fsynced, linked under a name that did not exist) and journal ``backup`` (fsynced);
3. write the target atomically (the path holds the original or the full new file, never half);
4. read it back and compare; on a mismatch put the original back from its bytes;
5. for an HDF5 target remove the original JSON (its backup is verified); journal ``done``.
A resumed file starts again from its recorded backup, so steps 3-5 simply run again.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .._facade import DLFriendlyStorage
from . import _journal
from ._backup import (
    backup_folder,
    make_backup,
    sha256_bytes,
    sha256_file,
    shares_inode,
    write_back,
)
from ._inspect import Inspection, inspect_bytes
from ._values import Stats, differences

BeforeConvert = Callable[[dict], None]
# The test seam for fault injection: a callable run with each task just before its file is
# converted, in whichever process converts it (pool workers receive it through their
# initializer, so it must be picklable: a module-level function). Production never sets it; the
# kill/resume tests set a short pause so that a fast machine cannot finish before the kill
# (tests/migration/migration_helpers.py ``convert_with_pause``).
_before_convert: BeforeConvert | None = None


def set_before_convert(hook: BeforeConvert | None) -> None:
    """Install (or with None remove) the test seam described above, for this process."""
    global _before_convert
    _before_convert = hook


def before_convert() -> BeforeConvert | None:
    """The installed test seam, to hand to pool workers."""
    return _before_convert


def init_worker(hook: BeforeConvert | None = None) -> None:
    """Pool initializer: Ctrl-C goes to the whole process group; only the parent handles it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    set_before_convert(hook)


def hdf5_target(path: Path) -> Path:
    return path.with_suffix(".h5")


def candidate_formats(fmt: str, converted: Any) -> list[str]:
    """Formats to try, best first. ``auto`` is the storage library's own choice (HDF5 for very
    large arrays, compressed when there are arrays, JSON otherwise); HDF5 falls back to
    compressed when it does not verify."""
    if fmt != "auto":
        return [fmt]
    chosen = DLFriendlyStorage().choose_format(converted)
    return ["hdf5", "compressed"] if chosen == "hdf5" else [chosen]


def plan_file(task: dict) -> dict:
    """Dry run of one file: a PlanItem as a dict."""
    path = Path(task["path"])
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return _plan_dict(task, "fail", f"cannot read: {exc.strerror or exc}")
    opts = task["options"]
    insp, fmts = _inspect_for(raw, opts, path, owned_target=False)
    if insp.action != "convert":
        return _plan_dict(task, insp.action, insp.reason, insp.line, insp.column)
    return _plan_dict(task, "convert", _convert_reason(fmts, insp.stats), fmt=fmts[0])


def _plan_dict(task: dict, action: str, reason: str, line: int | None = None,
               column: int | None = None, fmt: str | None = None) -> dict:
    return {"path": task["path"], "action": action, "reason": reason, "size": task["size"],
            "target_format": fmt, "line": line, "column": column}


def _convert_reason(fmts: list[str], stats: Stats) -> str:
    arrays = f"{stats.arrays} list(s) of numbers become arrays" if stats.arrays else "no arrays"
    target = fmts[0] + (f" (falls back to {fmts[1]})" if len(fmts) > 1 else "")
    return f"to {target}; {arrays}"


def _inspect_for(raw: bytes, opts: dict, path: Path,
                 owned_target: bool) -> tuple[Inspection, list[str]]:
    """The inspection plus the formats to try; checks that the targets can be written."""
    insp = inspect_bytes(raw, opts["arrays"], opts["min_array_len"])
    if insp.action != "convert":
        return insp, []
    fmts = candidate_formats(opts["format"], insp.converted)
    if fmts == ["json"] and insp.stats.arrays == 0:
        why = "no lists of numbers to turn into arrays" if opts["arrays"] else "arrays are off"
        return Inspection("skip", f"already DL-friendly: plain JSON and {why}"), []
    if fmts == ["hdf5"] and not isinstance(insp.value, dict):
        return Inspection("fail", "an HDF5 target needs a JSON object at the top level; choose"
                          " json or compressed for this file"), []
    if "hdf5" in fmts and not owned_target and hdf5_target(path).exists():
        if len(fmts) == 1:
            return Inspection("fail", f"{hdf5_target(path).name} already exists; it is not"
                              " overwritten"), []
        fmts.remove("hdf5")
    if not os.access(path.parent, os.W_OK) or not _writable(path):
        return Inspection("fail", "no write permission on the file or its folder; left as is"), []
    return insp, fmts


def _writable(path: Path) -> bool:
    # A read-only file says "do not change me", also to root (who could write it anyway).
    try:
        return bool(path.stat().st_mode & 0o200) and os.access(path, os.W_OK)
    except OSError:
        return True  # an HDF5 run resumed after the original was removed


def convert_file(task: dict) -> dict:
    """Convert one file; returns a ReportItem as a dict (also journaled as ``done``)."""
    start = time.perf_counter()
    if _before_convert is not None:
        _before_convert(task)
    item = _convert(task)
    item["seconds"] = round(time.perf_counter() - start, 6)
    if task.get("journal"):
        _journal.append(Path(task["journal"]), {"t": "done", "item": item}, sync=False)
    return item


def _item(task: dict, status: str, reason: str = "", **extra: Any) -> dict:
    item = {"path": task["path"], "status": status, "target": None, "target_format": None,
            "reason": reason, "line": None, "column": None, "size_before": task["size"],
            "size_after": None, "seconds": 0.0, "backup": None, "backup_sha256": None,
            "target_sha256": None}
    item.update(extra)
    return item


def _convert(task: dict) -> dict:
    path, opts, record = Path(task["path"]), task["options"], task.get("backup_record")
    try:
        raw = _read_source(path, record)
    except (OSError, ValueError) as exc:
        return _item(task, "failed", str(getattr(exc, "strerror", None) or exc))
    insp, fmts = _inspect_for(raw, opts, path, owned_target=record is not None)
    if insp.action != "convert":
        status = "skipped" if insp.action == "skip" else "failed"
        return _item(task, status, insp.reason, line=insp.line, column=insp.column)
    digest = sha256_bytes(raw)
    if record is None:
        root = Path(opts["root"])
        bdir = Path(opts["backup_dir"]) if opts.get("backup_dir") else None
        backup, new_backup = make_backup(path, raw, digest, backup_folder(path, root, bdir))
    else:
        backup, new_backup = Path(record["backup"]), False
    if record is None and task.get("journal"):
        _journal.append(Path(task["journal"]), {
            "t": "backup", "path": task["path"], "backup": str(backup), "sha256": digest,
            "size": len(raw), "formats": fmts}, sync=True)
    done = dict(backup=str(backup), backup_sha256=digest, size_before=len(raw))
    item = _write_and_verify(task, path, raw, backup, insp, fmts, done)
    if item["status"] == "failed" and new_backup and _intact(path, digest):
        # The original is back in place: a backup nobody asked for would only be clutter.
        with contextlib.suppress(OSError):
            os.unlink(backup)
        item.update(backup=None, backup_sha256=None)
    return item


def _intact(path: Path, digest: str) -> bool:
    try:
        return sha256_file(path) == digest
    except OSError:
        return False


def _read_source(path: Path, record: dict | None) -> bytes:
    if record is None:
        return path.read_bytes()
    raw = Path(record["backup"]).read_bytes()
    if sha256_bytes(raw) != record["sha256"]:
        raise ValueError(f"the backup {record['backup']} changed since it was made; not resumed")
    return raw


def _write_and_verify(task: dict, path: Path, raw: bytes, backup: Path, insp: Inspection,
                      fmts: list[str], done: dict) -> dict:
    store = DLFriendlyStorage(compression_level=task.get("compression_level", 6))
    problems = []
    for fmt in fmts:
        target = hdf5_target(path) if fmt == "hdf5" else path
        problem = _try_format(store, insp, fmt, target)
        if problem is None and target == path and shares_inode(path, backup):
            # A writer that wrote in place would also have changed the linked backup.
            write_back(raw, backup)
            problem = "the target was written in place, not replaced; original kept"
        if problem is None:
            if target != path:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(path)  # the original lives on as its verified backup
            else:
                with contextlib.suppress(OSError):
                    os.chmod(target, backup.stat().st_mode & 0o7777)
            return _item(task, "converted", _convert_reason([fmt], insp.stats), target=str(target),
                         target_format=fmt, size_after=target.stat().st_size,
                         target_sha256=sha256_file(target), **done)
        problems.append(f"{fmt}: {problem}")
        _undo(path, target, raw, backup)
    return _item(task, "failed", "did not verify, original kept: " + "; ".join(problems), **done)


def _try_format(store: Any, insp: Inspection, fmt: str, target: Path) -> str | None:
    try:
        store.save_to_file(insp.converted, target, format=fmt)
        loaded = store.load_from_file(target, format=fmt)
    except RecursionError:
        return "nested too deeply to write"
    except Exception as exc:  # any failure of one file is its own reason, never a stop
        return f"{type(exc).__name__}: {exc}"
    return differences(insp.value, loaded)


def _undo(path: Path, target: Path, raw: bytes, backup: Path) -> None:
    if target == path:
        if not path.exists() or sha256_file(path) != sha256_bytes(raw):
            write_back(raw, path, stat_from=backup)
    else:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(target)  # ours: the plan refused targets that already existed
        if not path.exists():
            write_back(raw, path, stat_from=backup)

