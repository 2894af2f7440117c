"""``loupe diff``: what differs between two runs of a lab, or two HDF5/JSON files or groups.

::

    loupe diff RUN_A RUN_B --lab LAB [--json] [--all]
    loupe diff FILE_A[:/group] FILE_B[:/group] [--json] [--all]

Exit status as ``diff``: 0 when equal, 1 when they differ, 2 on an error (message on stderr).
No Qt is imported.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from storage import Difference, StorageError, diff_files, diff_value_text, diff_values


def build_parser(prog: str, name: str = "diff") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, description="Print what differs between two runs (with --lab) or two "
        "files or groups (FILE:/group): config, metadata and final metrics of runs; members, "
        "attributes, shapes and dtypes of files. Exit 0 if equal, 1 if different, 2 on error.")
    parser.add_argument("a", help="run id (with --lab), or a file, optionally FILE:/group")
    parser.add_argument("b", help="run id (with --lab), or a file, optionally FILE:/group")
    parser.add_argument("--lab", metavar="DIR", help="compare two runs of this lab folder")
    parser.add_argument("--json", action="store_true", help="print JSON for machines")
    parser.add_argument("--all", action="store_true", help="list equal values too")
    return parser


def run(name: str, args: argparse.Namespace) -> int:
    try:
        found = _runs(args) if args.lab else _files(args)
    except (StorageError, OSError, KeyError, ValueError) as exc:
        print(f"loupe diff: {_message(exc)}", file=sys.stderr)
        return 2
    _print(found, args.json)
    return 1 if any(d.kind != "same" for d in found) else 0


def _runs(args: argparse.Namespace) -> list[Difference]:
    from storage import Lab, run_details

    lab_dir = Path(args.lab).expanduser()
    if not lab_dir.is_dir():
        raise FileNotFoundError(f"no lab folder at {lab_dir}")
    lab = Lab(lab_dir)
    a, b = run_details(lab, args.a), run_details(lab, args.b)
    return diff_values(a.as_tree(), b.as_tree(), include_same=args.all)


def _files(args: argparse.Namespace) -> list[Difference]:
    (file_a, group_a), (file_b, group_b) = split_location(args.a), split_location(args.b)
    return diff_files(file_a, file_b, group_a, group_b, include_same=args.all)


def split_location(text: str) -> tuple[str, str]:
    """``run.h5:/train`` -> (``run.h5``, ``/train``); a URL or a plain path keeps ``/``."""
    head, sep, tail = text.rpartition(":")
    if sep and tail.startswith("/") and head and "://" not in text[: len(head) + 3]:
        return head, tail
    return text, "/"


def _print(found: list[Difference], as_json: bool) -> None:
    if as_json:
        changed = sum(d.kind != "same" for d in found)
        print(json.dumps({"equal": not changed, "differences": [d.to_json() for d in found]},
                         indent=1))
        return
    marks = {"added": "+", "removed": "-", "changed": "~", "same": "="}
    for d in found:
        note = f"  ({d.note})" if d.note else ""
        if d.kind == "added":
            print(f"+ {d.path}: {diff_value_text(d.b)}{note}")
        elif d.kind == "removed":
            print(f"- {d.path}: {diff_value_text(d.a)}{note}")
        else:
            print(f"{marks[d.kind]} {d.path}: {diff_value_text(d.a)} -> "
                  f"{diff_value_text(d.b)}{note}")


def _message(exc: BaseException) -> str:
    return str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
