"""The ``loupe`` command.

``loupe [FILE_OR_URL...]`` opens the main window; ``loupe SUBCOMMAND ...`` runs headless work
without importing Qt. Each subcommand lives in a small module of this package that defines
``build_parser(prog: str) -> argparse.ArgumentParser`` and ``run(name: str, args) -> int``.
A command reports a problem by raising ``gui.cli.common.CliError``/``UsageError``; this wrapper
prints it (JSON with ``--json``), sets the exit code, and exits quietly on a closed pipe.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from gui.cli.common import (
    EXIT_CANCELLED,
    EXIT_CODES_HELP,
    EXIT_FAILED,
    EXIT_PIPE,
    CliError,
    ParagraphFormatter,
    raise_usage_errors,
    report_error,
    silence_stdout,
)
from gui.cli.display import display_problem
from storage import StorageError, __version__

# name -> module implementing it; imported only when the subcommand is used.
SUBCOMMANDS: dict[str, str] = {
    "inspect": "gui.cli.inspect_cmd",
    "convert": "gui.cli.convert_cmd",
    "restore": "gui.cli.convert_cmd",
    "demo": "gui.cli.experiments_cmd",
    "index": "gui.cli.experiments_cmd",
    "search": "gui.cli.experiments_cmd",
    "diff": "gui.cli.diff_cmd",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``loupe`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        try:
            return _main(argv)
        finally:  # also after argparse's --help exit: a closed pipe shows here, not at exit
            sys.stdout.flush()
    except BrokenPipeError:  # `loupe ... | head`: the reader has gone; stop quietly
        silence_stdout()
        return EXIT_PIPE


def _main(argv: list[str]) -> int:
    if argv and argv[0] in SUBCOMMANDS:
        return _run_subcommand(argv[0], argv[1:])
    args = _gui_parser().parse_args(argv)
    if args.install_desktop or args.uninstall_desktop:
        from gui.desktop_integration import main as desktop_main

        return desktop_main(install=args.install_desktop)
    problem = display_problem()
    if problem:
        if not args.screenshot:
            print(f"loupe: {problem}", file=sys.stderr)
            return EXIT_FAILED
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a screenshot needs no display
    from gui.app import run_app

    return run_app(args)


def _run_subcommand(name: str, argv: list[str]) -> int:
    """Run one subcommand with the behaviour every command shares (see gui.cli.common)."""
    as_json = "--json" in argv
    try:
        module = importlib.import_module(SUBCOMMANDS[name])
        parser = raise_usage_errors(module.build_parser(f"loupe {name}", name))
        parser.epilog = "\n".join(filter(None, [parser.epilog, EXIT_CODES_HELP]))
        parser.formatter_class = ParagraphFormatter
        args = parser.parse_args(argv)
        return int(module.run(name, args) or 0)
    except CliError as exc:
        return report_error(name, exc, as_json)
    except StorageError as exc:  # a storage failure no command caught: still one clear line
        return report_error(name, CliError(str(exc)), as_json)
    except KeyboardInterrupt:
        print(f"loupe {name}: interrupted", file=sys.stderr)
        return EXIT_CANCELLED


def _gui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="loupe",
        description="Loupe: browse HDF5 and DL-friendly results, search experiments, plot runs. "
        f"Subcommands: {', '.join(sorted(SUBCOMMANDS))} (loupe SUBCOMMAND --help).",
        epilog="The window needs a display (DISPLAY); without one use xvfb-run -a, or "
        "--screenshot, which works headless.\n" + EXIT_CODES_HELP,
        formatter_class=ParagraphFormatter,
    )
    parser.add_argument("files", nargs="*", help="HDF5 or JSON files (or URLs) to open")
    parser.add_argument("--version", action="version", version=f"loupe {__version__}")
    parser.add_argument("--lab", metavar="DIR", help="open this lab folder in the search panel")
    parser.add_argument(
        "--screenshot", metavar="OUT.png",
        help="open the files, wait until they are shown, save a PNG of the window and exit",
    )
    parser.add_argument("--size", default="1400x900", help="window size for --screenshot (WxH)")
    parser.add_argument(
        "--show", metavar="WHAT", default=None,
        help="for --screenshot: what to show (e.g. a dataset path, 'search', 'wizard')",
    )
    parser.add_argument("--install-desktop", action="store_true",
                        help="add Loupe to the desktop menu and 'Open with' for this user")
    parser.add_argument("--uninstall-desktop", action="store_true",
                        help="remove what --install-desktop added")
    return parser
