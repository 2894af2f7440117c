"""``loupe convert DIR`` and ``loupe restore DIR|REPORT``: the migration engine on a terminal.

Headless: imports neither Qt nor the GUI. The first Ctrl-C asks the engine to stop after the files
in flight (the journal stays resumable); a second one interrupts at once.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from gui.cli.common import CliError
from gui.messages import human_bytes

EXIT_FAILED, EXIT_USAGE, EXIT_CANCELLED = 1, 2, 130


def build_parser(prog: str, name: str = "convert") -> argparse.ArgumentParser:
    if name == "restore":
        return _restore_parser(prog)
    parser = argparse.ArgumentParser(
        prog=prog, description="Convert a folder of plain JSON results into DL-friendly files, "
        "with backups, verification, a report and a journal that makes the run resumable.")
    parser.add_argument("folder", type=Path, help="the folder of JSON results")
    parser.add_argument("--format", choices=("auto", "json", "compressed", "hdf5"),
                        default="auto", help="target format (default: auto)")
    parser.add_argument("--dry-run", action="store_true", help="only say what would happen")
    parser.add_argument("--resume", action="store_true", help="finish a run that was stopped")
    parser.add_argument("--backup-dir", type=Path, help="keep backups here instead of beside")
    parser.add_argument("--report", type=Path, help="where to write the report (.md or .html)")
    parser.add_argument("--workers", type=int, default=2, help="processes (default: 2)")
    parser.add_argument("--include", action="append", metavar="GLOB",
                        help="file pattern to convert (repeatable; default: *.json)")
    parser.add_argument("--exclude", action="append", metavar="GLOB", default=[],
                        help="file pattern to leave alone (repeatable)")
    parser.add_argument("--no-recursive", dest="recursive", action="store_false",
                        help="only the folder itself, not its subfolders")
    parser.add_argument("--arrays", action=argparse.BooleanOptionalAction, default=True,
                        help="turn uniform lists of numbers into arrays (default: on)")
    parser.add_argument("--min-array-len", type=int, default=8, metavar="N",
                        help="shortest list that becomes an array (default: 8)")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    return parser


def _restore_parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, description="Put the originals of a conversion back byte for byte from their "
        "backups and remove the converted files the conversion made (and nothing else).")
    parser.add_argument("source", type=Path, help="the converted folder or a loupe-report-*.json")
    parser.add_argument("--dry-run", action="store_true",
                        help="list each original that would be put back and each converted file "
                        "that would be removed, then stop: nothing is written")
    parser.epilog = ("Nothing to restore (a folder that was never converted, or one already "
                     "restored) is reported as a failure, exit code 1.")
    return parser


def run(name: str, args: argparse.Namespace) -> int:
    from storage import StorageError

    try:
        return _restore(args) if name == "restore" else _convert(args)
    except StorageError as exc:
        print(f"loupe {name}: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _options(args: argparse.Namespace):
    from storage import MigrationOptions

    return MigrationOptions(
        root=args.folder, format=args.format, recursive=args.recursive,
        include=tuple(args.include or ("*.json",)), exclude=tuple(args.exclude),
        arrays=args.arrays, min_array_len=args.min_array_len, backup_dir=args.backup_dir,
        workers=max(1, args.workers), report_path=args.report)


def _convert(args: argparse.Namespace) -> int:
    from storage import plan_migration, run_migration

    options = _options(args)
    bar = None if args.quiet else ProgressBar()
    with _ctrl_c_sets() as cancel:
        if args.dry_run:
            plan = plan_migration(options, progress=bar, cancel=cancel)
            _close(bar)
            _print_plan(plan)
            return EXIT_FAILED if plan.counts().get("fail") else 0
        report = run_migration(options, progress=bar, cancel=cancel, resume=args.resume)
    _close(bar)
    _print_report(report)
    if report.cancelled:
        print(f"Stopped. Finish with: loupe convert {options.root} --resume "
              f"(or undo with: loupe restore {options.root})", file=sys.stderr)
        return EXIT_CANCELLED
    return EXIT_FAILED if report.totals()["failed"] else 0


def _restore(args: argparse.Namespace) -> int:
    from storage import plan_restore, restore_originals

    if args.dry_run:
        changes = plan_restore(args.source)
        if not changes:
            raise CliError(_nothing_to_restore(args.source, None))
        for change in changes:
            print(f"{change.action:8} {change.path}  {change.detail}")
        print(f"{len(changes)} change(s); nothing was written.")
        return 0
    with _ctrl_c_sets() as cancel:
        result = restore_originals(args.source, cancel=cancel)
    if not (result.restored or result.removed or result.errors or result.cancelled):
        raise CliError(_nothing_to_restore(args.source, len(result.skipped)))
    print(f"restored {len(result.restored)}, removed {len(result.removed)} converted file(s), "
          f"skipped {len(result.skipped)}, errors {len(result.errors)}")
    for path, why in result.errors:
        print(f"  error: {path}: {why}", file=sys.stderr)
    return EXIT_FAILED if result.errors else (EXIT_CANCELLED if result.cancelled else 0)


def _nothing_to_restore(source: Path, in_place: int | None) -> str:
    """Why a restore had nothing to do: never converted, or already restored."""
    if in_place:
        return f"nothing to restore in {source}: its {in_place} original(s) are already back"
    return (f"nothing to restore in {source}: no conversion there to undo (no loupe-report-*.json "
            "or unfinished journal), or its originals are already back")


@contextlib.contextmanager
def _ctrl_c_sets() -> Iterator[threading.Event]:
    """The first SIGINT sets the event; the second raises KeyboardInterrupt as usual."""
    cancel = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield cancel
        return

    def handler(signum, frame):  # noqa: ARG001 (signal handler signature)
        if cancel.is_set():
            raise KeyboardInterrupt
        cancel.set()
        print("\nStopping after the files in progress (Ctrl-C again to abort)...",
              file=sys.stderr)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield cancel
    finally:
        signal.signal(signal.SIGINT, previous)


class ProgressBar:
    """A one-line progress bar on stderr: files, bytes, ETA (only on a terminal)."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.shown = False

    def __call__(self, event) -> None:
        if not self.enabled:
            return
        width = shutil.get_terminal_size((100, 20)).columns
        eta = _clock(event.eta_s) if event.eta_s is not None else "--:--"
        text = (f" {event.files_done}/{event.files_total} files "
                f"{human_bytes(event.bytes_done)}/{human_bytes(event.bytes_total)} ETA {eta}")
        room = max(10, min(40, width - len(text) - 4))
        filled = int(room * event.fraction)
        line = f"[{'#' * filled}{'.' * (room - filled)}]{text}"
        self.stream.write("\r" + line[: width - 1])
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


def _close(bar: ProgressBar | None) -> None:
    if bar is not None:
        bar.close()


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _print_plan(plan) -> None:
    root = plan.root
    for item in plan.items:
        where = f" (line {item.line}, column {item.column})" if item.line else ""
        print(f"{item.action:8} {_rel(item.path, root)}: {item.reason}{where}")
    counts = plan.counts()
    print(f"\nDry run of {root}: {counts['convert']} to convert, {counts['skip']} to skip, "
          f"{counts['fail']} failing; {human_bytes(plan.convert_bytes)} would be converted. "
          "Nothing was written.")


def _print_report(report) -> None:
    for item in report.items:
        if item.status in ("failed", "pending"):
            where = f" (line {item.line}, column {item.column})" if item.line else ""
            print(f"{item.status:8} {_rel(item.path, report.root)}: {item.reason}{where}")
    rows = report.summary_rows()
    width = max(len(k) for k, _ in rows)
    print(f"\nConversion of {report.root}")
    for key, value in rows:
        print(f"  {key:<{width}}  {value}")
    for path in report.saved_to:
        print(f"  report: {path}")


def _rel(path: Path, root: Path) -> str:
    try:
        return str(Path(path).relative_to(root))
    except ValueError:
        return str(path)
