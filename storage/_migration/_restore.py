"""Undo a migration: put every original back byte for byte and remove the files the run made.

The facts come from the folder's journal (a run that did not finish) and its reports, newest
first; the first fact about a path wins. Hashes decide everything: an original already in place
is left alone, a backup whose hash changed is refused, and a converted file that changed since
the run wrote it is kept, because restore never deletes or overwrites a file it did not make.
Backups are kept: they cost little and a restore that is interrupted can simply run again.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .._errors import MigrationError
from . import _journal
from ._backup import sha256_file, write_back
from ._model import ProgressEvent, RestoreChange, RestoreResult
from ._report import MigrationReport, list_reports


@dataclass
class _Fact:
    path: Path
    backup: Path
    sha256: str
    target: Path | None
    target_sha256: str | None


def _facts(source: Path) -> list[_Fact]:
    if source.is_file():
        return _report_facts(MigrationReport.load(source))
    if not source.is_dir():
        raise MigrationError(f"{source} is neither a folder nor a loupe-report-*.json file")
    facts: list[_Fact] = []
    journal = _journal.find_unfinished_journal(source)
    if journal is not None:
        facts += _journal_facts(_journal.read(journal))
    for report in list_reports(source):
        with contextlib.suppress(MigrationError, ValueError, KeyError, OSError):
            facts += _report_facts(MigrationReport.load(report))
    seen, unique = set(), []
    for fact in facts:
        if fact.path not in seen:
            seen.add(fact.path)
            unique.append(fact)
    return unique


def _journal_facts(state: _journal.JournalState) -> list[_Fact]:
    facts = []
    for path, record in state.backups.items():
        item = state.done.get(path, {})
        if item and item.get("status") != "converted":
            continue  # failed after its backup: the original was put back, nothing to undo
        target = item.get("target")
        if target is None and record.get("formats"):
            # killed while writing: the target is the path itself or NAME.h5 for HDF5
            fmt = record["formats"][0]
            target = str(Path(path).with_suffix(".h5")) if fmt == "hdf5" else path
        facts.append(_Fact(Path(path), Path(record["backup"]), record["sha256"],
                           Path(target) if target else None, item.get("target_sha256")))
    return facts


def _report_facts(report: MigrationReport) -> list[_Fact]:
    return [_Fact(i.path, i.backup, i.backup_sha256, i.target, i.target_sha256)
            for i in report.items
            if i.status == "converted" and i.backup is not None and i.backup_sha256]


def _hash_or_none(path: Path | None) -> str | None:
    try:
        return sha256_file(path) if path is not None and path.is_file() else None
    except OSError:
        return None


def _changes_for(fact: _Fact, backup_checked: bool = False) -> list[RestoreChange]:
    if not backup_checked and _hash_or_none(fact.backup) != fact.sha256:
        return []  # reported by restore_originals as an error; nothing safe to do
    changes = []
    current = _hash_or_none(fact.path)
    ours = fact.target == fact.path and fact.target_sha256 in (None, current)
    if current != fact.sha256 and (current is None or ours):
        changes.append(RestoreChange(fact.path, "restore", f"from {fact.backup.name}",
                                     fact.backup, fact.sha256))
    made = fact.target is not None and fact.target != fact.path and fact.target.exists()
    if made and fact.target_sha256 in (None, _hash_or_none(fact.target)):
        changes.append(RestoreChange(fact.target, "remove", "made by the conversion"))
    return changes


def plan_restore(source: str | os.PathLike[str]) -> list[RestoreChange]:
    """What :func:`restore_originals` would do, from a folder or a report JSON file."""
    return [c for fact in _facts(Path(source)) for c in _changes_for(fact)]


def restore_originals(source: str | os.PathLike[str],
                      progress: Callable[[ProgressEvent], None] | None = None,
                      cancel: threading.Event | None = None) -> RestoreResult:
    """Put originals back from their backups (hash-checked) and remove converted files."""
    source = Path(source)
    result = RestoreResult()
    facts = _facts(source)
    for n, fact in enumerate(facts):
        if cancel is not None and cancel.is_set():
            result.cancelled = True
            break
        if progress is not None:
            progress(ProgressEvent(n, len(facts), 0, 0, fact.path, f"restoring {fact.path.name}"))
        _restore_one(fact, result)
    if source.is_dir() and not result.cancelled and not result.errors:
        journal = _journal.find_unfinished_journal(source)
        if journal is not None:
            journal.unlink()  # the run it describes is fully undone
    return result


def _restore_one(fact: _Fact, result: RestoreResult) -> None:
    if _hash_or_none(fact.backup) != fact.sha256:
        why = "is missing" if not fact.backup.exists() else "changed since it was made"
        result.errors.append((fact.path, f"backup {fact.backup} {why}; original not restored"))
        return
    changes = _changes_for(fact, backup_checked=True)
    if not changes:
        result.skipped.append(fact.path)
        return
    for change in changes:
        try:
            _apply(change, result)
        except OSError as exc:
            result.errors.append((change.path, f"{change.action} failed: {exc.strerror or exc}"))


def _apply(change: RestoreChange, result: RestoreResult) -> None:
    if change.action == "restore":
        raw = change.backup.read_bytes()
        write_back(raw, change.path, stat_from=change.backup)
        if sha256_file(change.path) != change.sha256:
            result.errors.append((change.path, "restored file does not match its backup"))
        else:
            result.restored.append(change.path)
    else:
        change.path.unlink()
        result.removed.append(change.path)
