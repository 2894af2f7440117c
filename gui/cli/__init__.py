"""The ``loupe`` command.

``loupe [FILE_OR_URL...]`` opens the main window; ``loupe SUBCOMMAND ...`` runs headless work
without importing Qt. Each subcommand lives in a small module of this package that defines
``build_parser(prog: str) -> argparse.ArgumentParser`` and ``run(name: str, args) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from storage import __version__

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
    if argv and argv[0] in SUBCOMMANDS:
        return _run_subcommand(argv[0], argv[1:])
    args = _gui_parser().parse_args(argv)
    if args.install_desktop or args.uninstall_desktop:
        from gui.desktop_integration import main as desktop_main

        return desktop_main(install=args.install_desktop)
    from gui.app import run_app

    return run_app(args)


def _run_subcommand(name: str, argv: list[str]) -> int:
    module = importlib.import_module(SUBCOMMANDS[name])
    parser = module.build_parser(f"loupe {name}", name)
    args = parser.parse_args(argv)
    try:
        return int(module.run(name, args) or 0)
    except KeyboardInterrupt:
        print("loupe: interrupted", file=sys.stderr)
        return 130


def _gui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="loupe",
        description="Loupe: browse HDF5 and DL-friendly results, search experiments, plot runs. "
        f"Subcommands: {', '.join(sorted(SUBCOMMANDS))} (loupe SUBCOMMAND --help).",
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
