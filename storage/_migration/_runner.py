"""The public entry points of a migration: plan (dry run) and run (with resume).

Both scan on the calling thread, send one task per file to the pool and turn each answer into a
progress event on the calling thread. The journal is deleted only after the report is saved, so
at every instant either the journal or a report says where each original's backup is.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

from .._errors import MigrationError
from . import _journal
from ._model import MigrationOptions, MigrationPlan, PlanItem, ProgressEvent
from ._pool import run_tasks
from ._report import MigrationReport, ReportItem
from ._scan import scan
from ._worker import convert_file, plan_file

_TEMP = re.compile(r"^\.(.+)\.[A-Za-z0-9_]+\.(partial|backup-tmp)$")

ProgressFn = Callable[[ProgressEvent], None] | None
_EVERY_S = 0.05  # throttle of progress events


class _Progress:
    """Counts files and bytes and calls the user's callback.

    Throttled for huge runs (every call may become a Qt signal): at most one event per
    :data:`_EVERY_S`, except that the first event and the final state are always delivered. An
    event held back is not lost: :meth:`close` sends the latest state when the run ends, so a
    run that finishes or is cancelled within one throttle window still reports its true counts.
    """

    def __init__(self, callback: ProgressFn, files_total: int, bytes_total: int) -> None:
        self.callback, self.files_total, self.bytes_total = callback, files_total, bytes_total
        self.files_done = self.bytes_done = 0
        self.start = time.perf_counter()
        self._last = -math.inf  # the first event always goes out
        self._held: tuple[Path | None, str] | None = None  # the latest event held back
        self._lines: list[str] = []  # finished files not yet delivered with an event

    def started(self, path: Path) -> None:
        self._emit(path, f"converting {path.name}", force=False)

    def finished(self, path: Path, size: int, message: str) -> None:
        self.files_done += 1
        self.bytes_done += size
        self._lines.append(message)
        self._emit(path, message, force=self.files_done == self.files_total)

    def close(self) -> None:
        """Deliver the final state if the throttle held it back."""
        if self._held is not None:
            self._emit(*self._held, force=True)

    def _emit(self, current: Path | None, message: str, force: bool) -> None:
        if self.callback is None:
            return
        now = time.perf_counter()
        if not force and now - self._last < _EVERY_S:
            self._held = (current, message)
            return
        self._last = now
        self._held = None
        elapsed = now - self.start
        eta = None
        if self.bytes_done and self.bytes_total:
            eta = elapsed / self.bytes_done * (self.bytes_total - self.bytes_done)
        lines, self._lines = tuple(self._lines), []
        self.callback(ProgressEvent(self.files_done, self.files_total, self.bytes_done,
                                    self.bytes_total, current, message, elapsed, eta, lines))


def plan_migration(options: MigrationOptions, progress: ProgressFn = None,
                   cancel: threading.Event | None = None) -> MigrationPlan:
    """Dry run: what would happen to each file. Reads every candidate; writes nothing."""
    candidates, decided = scan(options)
    plan = MigrationPlan(options.root, options, items=list(decided))
    tasks = [_task(options, path, size, None) for path, size in candidates]
    meter = _Progress(progress, len(tasks), sum(t["size"] for t in tasks))

    def on_result(task: dict, result: dict) -> None:
        plan.items.append(PlanItem(**{**result, "path": Path(result["path"])}))
        meter.finished(Path(task["path"]), task["size"], result["action"])

    def on_error(task: dict, exc: BaseException) -> None:
        on_result(task, {"path": task["path"], "action": "fail", "size": task["size"],
                         "reason": f"internal error: {type(exc).__name__}: {exc}"})

    finished = run_tasks(plan_file, tasks, options.workers, lambda t: None, on_result, on_error,
                         cancel)
    meter.close()
    plan.cancelled = not finished
    plan.items.sort(key=lambda i: str(i.path))
    return plan


def run_migration(options: MigrationOptions, progress: ProgressFn = None,
                  cancel: threading.Event | None = None, resume: bool = False) -> MigrationReport:
    """Convert the folder: back up, convert, verify, report. ``resume`` finishes a killed run.

    A resumed run uses the options recorded in the journal (format, arrays, backups), but the
    caller's ``workers`` and ``report_path``.
    """
    jpath = _journal.journal_path(options.root)
    state = _journal.read(jpath) if jpath.is_file() else None
    if state is not None and not resume:
        raise MigrationError(f"an unfinished conversion run is recorded in {jpath}: resume it "
                             "(loupe convert --resume) or undo it (loupe restore) first")
    if state is not None and state.options:
        options = _resumed_options(options, state.options)
    started = state.started if state and state.started else time.strftime("%Y-%m-%d %H:%M:%S")
    candidates, decided = scan(options)  # raises MigrationError when the folder is missing
    if state is None:
        _start_journal(jpath, options, started)
    report = MigrationReport(options.root, options=options.to_dict(), started=started)
    report.items = [_decided_item(p) for p in decided]
    tasks = _resume_tasks(options, candidates, state, report, jpath)
    if state is not None:
        _remove_temporaries(tasks)
    t0 = time.perf_counter()
    finished = _convert_all(options, tasks, report, progress, cancel)
    elapsed = time.perf_counter() - t0
    # A resumed run's report covers every file of the run, so its time covers every part too:
    # timing only the resume against all bytes claimed 142 MB/s.
    report.seconds = (state.elapsed_s if state is not None else 0.0) + elapsed
    report.cancelled = not finished
    if not finished:  # the next resume adds this part's time
        _journal.append(jpath, {"t": "part", "seconds": round(elapsed, 6)}, sync=True)
    report.items.sort(key=lambda i: str(i.path))
    _finish(report, options, jpath)
    return report


def _resumed_options(given: MigrationOptions, recorded: dict) -> MigrationOptions:
    data = {**recorded, "workers": given.workers,
            "report_path": str(given.report_path) if given.report_path else None}
    return MigrationOptions.from_dict(data)


def _start_journal(jpath: Path, options: MigrationOptions, started: str) -> None:
    try:
        # O_EXCL: of two runs started on one folder at the same instant, one stops here.
        os.close(os.open(jpath, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
        _journal.append(jpath, {"t": "start", "options": options.to_dict(), "started": started},
                        sync=True)
    except FileExistsError as exc:
        raise MigrationError(f"another conversion run has just started in {options.root}; "
                             "wait for it to finish") from exc
    except OSError as exc:
        raise MigrationError(f"cannot write the journal in {options.root} ({exc.strerror}): the "
                             "folder must be writable to convert it") from exc


def _task(options: MigrationOptions, path: Path, size: int, jpath: Path | None,
          record: dict | None = None) -> dict:
    return {"path": str(path), "size": size, "options": options.to_dict(),
            "journal": str(jpath) if jpath else None, "backup_record": record}


def _decided_item(item: PlanItem) -> ReportItem:
    status = {"skip": "skipped", "fail": "failed"}.get(item.action, "skipped")
    return ReportItem(item.path, status, reason=item.reason, size_before=item.size)


def _resume_tasks(options: MigrationOptions, candidates: list[tuple[Path, int]],
                  state: _journal.JournalState | None, report: MigrationReport,
                  jpath: Path) -> list[dict]:
    done = state.done if state else {}
    backups = state.backups if state else {}
    report.items.extend(ReportItem.from_dict(item) for item in done.values())
    tasks = [_task(options, path, size, jpath, backups.get(str(path)))
             for path, size in candidates if str(path) not in done]
    queued = {t["path"] for t in tasks}
    for path in (state.unfinished if state else []):
        if path not in queued:  # an HDF5 conversion that had already removed the original
            record = backups[path]
            tasks.append(_task(options, Path(path), record["size"], jpath, record))
    return tasks


def _remove_temporaries(tasks: list[dict]) -> None:
    """Temporary files of the killed run (``.NAME.xyz.partial``, ``.NAME.xyz.backup-tmp``)."""
    names: dict[Path, set[str]] = {}
    for task in tasks:
        path = Path(task["path"])
        names.setdefault(path.parent, set()).update({path.name, path.with_suffix(".h5").name})
        if task["backup_record"]:
            backup = Path(task["backup_record"]["backup"])
            names.setdefault(backup.parent, set()).add(path.name)
    for folder, wanted in names.items():
        with contextlib.suppress(OSError):
            for entry in os.scandir(folder):
                match = _TEMP.match(entry.name)
                if match and match.group(1) in wanted and entry.is_file(follow_symlinks=False):
                    os.unlink(entry.path)


def _convert_all(options: MigrationOptions, tasks: list[dict], report: MigrationReport,
                 progress: ProgressFn, cancel: threading.Event | None) -> bool:
    meter = _Progress(progress, len(tasks), sum(t["size"] for t in tasks))
    pending = {t["path"]: t for t in tasks}

    def on_result(task: dict, result: dict) -> None:
        pending.pop(task["path"], None)
        item = ReportItem.from_dict(result)
        report.items.append(item)
        reason = f": {item.reason}" if item.status == "failed" and item.reason else ""
        meter.finished(item.path, task["size"], f"{item.status} {item.path.name}{reason}")

    def on_error(task: dict, exc: BaseException) -> None:
        on_result(task, {"path": task["path"], "status": "failed", "size_before": task["size"],
                         "reason": f"internal error: {type(exc).__name__}: {exc}"})

    finished = run_tasks(convert_file, tasks, options.workers,
                         lambda t: meter.started(Path(t["path"])), on_result, on_error, cancel)
    meter.close()
    for task in pending.values():
        reason = "not started: the run was cancelled" if not finished else "not finished"
        report.items.append(ReportItem(Path(task["path"]), "pending", reason=reason,
                                       size_before=task["size"]))
    return finished and not pending


def _finish(report: MigrationReport, options: MigrationOptions, jpath: Path) -> None:
    # The JSON form always goes in the folder too: restore finds it there once the journal is gone.
    saved = report.save(options.root, formats=("json",))
    where = options.report_path
    readable = "html" if where is not None and where.suffix.lower() == ".html" else "md"
    if where is None:
        saved += report.save(saved[0].with_suffix(".md"), formats=("md",))
    else:
        saved += report.save(where, formats=("json", readable))
    report.saved_to = saved
    _journal.close(jpath)
    if not report.cancelled:
        with contextlib.suppress(FileNotFoundError):
            jpath.unlink()
