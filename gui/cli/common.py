"""What every ``loupe`` subcommand shares: exit codes, errors (text or JSON), closed pipes, and
the "is this folder a lab?" check.

A command reports a problem by raising :class:`CliError` (or :class:`UsageError`); the wrapper in
``gui.cli`` prints it once, as one line on stderr or, with ``--json``, as a JSON object on stdout,
and returns its exit code. Commands added later get all of this by raising instead of printing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_CANCELLED = 130  # Ctrl-C, as shells report SIGINT
EXIT_PIPE = 141  # the reader went away (`loupe inspect F | head`), as shells report SIGPIPE

EXIT_CODES_HELP = (
    "Exit codes: 0 success; 1 the command ran and failed (a server did not answer, the lab has "
    "no index yet, nothing to restore, some files failed); 2 usage error: a bad option, or a "
    "path that is missing or is not what the command reads (not an HDF5/JSON file, not a lab "
    "folder); 130 interrupted (Ctrl-C); 141 the output pipe was closed (e.g. | head): quietly, "
    "like other Unix tools.\n"
    "Errors: one line on stderr, 'loupe COMMAND: what went wrong'. With --json a failure "
    'also prints {"error": "...", "command": "...", "exit_code": N} on stdout, so a script '
    "can always parse stdout. Reading commands (inspect, search) never create files."
)


class ParagraphFormatter(argparse.HelpFormatter):
    """Wraps each line of a description or epilog on its own, so paragraphs stay apart."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(super(ParagraphFormatter, self)._fill_text(line, width, indent)
                         for line in text.splitlines())


class CliError(Exception):
    """A failure to report in one line: the message names the file once, and the fix."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(CliError):
    """The command was called wrongly: a bad option, a missing path, a folder that is no lab."""

    exit_code = EXIT_USAGE


def report_error(command: str, error: CliError, as_json: bool) -> int:
    """Print ``error`` once (stderr, and a JSON object on stdout with --json); its exit code."""
    message = str(error)
    print(f"loupe {command}: {message}", file=sys.stderr)
    if as_json:
        json.dump({"error": message, "command": command, "exit_code": error.exit_code},
                  sys.stdout)
        print()
    return error.exit_code


def raise_usage_errors(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Make ``parser`` raise :class:`UsageError` instead of printing and exiting, so a usage
    error is reported like every other one (and as JSON with --json)."""

    def error(message: str) -> None:
        parser.print_usage(sys.stderr)
        raise UsageError(message)

    parser.error = error  # type: ignore[method-assign]
    return parser


def silence_stdout() -> None:
    """Point stdout at /dev/null once its reader has gone, so that the interpreter's own flush
    at exit does not raise BrokenPipeError a second time (the recipe of Python's docs)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    with contextlib.suppress(OSError, ValueError):
        os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def name_once(name: str, message: str) -> str:
    """``message`` about the file ``name``, naming it once: storage's errors often already do."""
    base = os.path.basename(name.rstrip("/")) or name
    return message if base in message else f"{name}: {message}"


def require_lab(folder: str | os.PathLike[str]) -> Path:
    """``folder`` as a path that is an existing folder, or a UsageError saying what is wrong;
    never creates it. (Whether it holds experiments is the command's to say.)"""
    path = Path(folder).expanduser()
    if not path.exists():
        raise UsageError(f"{path} does not exist (a lab is a folder of results; `loupe demo DIR` "
                         "writes an example lab)")
    if not path.is_dir():
        raise UsageError(f"{path} is a file, not a lab folder")
    return path
