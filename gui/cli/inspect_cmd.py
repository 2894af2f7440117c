"""``loupe inspect FILE [--json]``: print an HDF5 or JSON file's tree (no Qt).

Each node: path, kind, shape, dtype, compression, attributes. A file that cannot be opened gives
one clear line (gui.cli.common; JSON on stdout with --json) and exit code 2; a broken node
inside a file is printed with its reason.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from itertools import islice

from gui.cli.common import UsageError, name_once
from storage import NodeInfo, NodeKind, Source, StorageError, open_source, redact

MAX_ATTR_TEXT = 120
MAX_DEPTH = 64


def build_parser(prog: str, name: str = "inspect") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="Print the tree of an HDF5 or "
                                     "DL-friendly JSON file: path, kind, shape, dtype, "
                                     "compression and attributes.")
    parser.add_argument("file", help="an HDF5 (.h5, .nc, .nxs...) or JSON file, or a URL "
                        "(hsds://HOST:PORT/home/user/run.h5, s3://bucket/key.h5, https://...)")
    parser.add_argument("--json", action="store_true", help="print JSON for machines")
    parser.add_argument("--no-attrs", action="store_true", help="leave attributes out")
    parser.add_argument("--max-depth", type=int, default=None, metavar="N",
                        help="do not descend below this depth")
    parser.add_argument("--limit", type=int, default=100_000, metavar="N",
                        help="stop after this many nodes (default: 100000)")
    return parser


def walk(source: Source, max_depth: int | None = None, limit: int = 100_000
         ) -> Iterator[NodeInfo]:
    """The root, then every node in tree order (links are shown, not followed). A group whose
    members cannot be listed (a damaged file) carries the reason as its error."""
    yield from islice(_walk_node(source, source.root(), 0, max_depth or MAX_DEPTH),
                      max(limit, 0))


def _walk_node(source: Source, node: NodeInfo, depth: int, max_depth: int
               ) -> Iterator[NodeInfo]:
    names: list[str] = []
    # a hard-link cycle stops at max_depth too
    if node.kind == NodeKind.GROUP and not node.error and depth < max_depth:
        try:
            names = [n.name for n in source.list_children(node.path)]
        except StorageError as exc:
            node.error = f"cannot list members: {exc}"
    elif node.kind == NodeKind.GROUP and not node.error and node.n_children != 0:
        cut = f"members not listed: deeper than {max_depth} levels (--max-depth)"
        node.warning = f"{node.warning}; {cut}" if node.warning else cut
    yield node
    if names:
        for child in source.describe(node.path, names):
            yield from _walk_node(source, child, depth + 1, max_depth)


def node_record(source: Source, node: NodeInfo, with_attrs: bool) -> dict:
    record = {"path": node.path, "kind": node.kind,
              "shape": list(node.shape) if node.shape is not None else None,
              "dtype": node.dtype or None, "compression": node.compression or None}
    if node.target_kind:
        record["target_kind"] = node.target_kind
    if node.link_target:
        record["link_target"] = node.link_target
    if node.size_on_disk is not None:
        record["size_on_disk"] = node.size_on_disk
    if node.shape is None and node.shape_text == "empty":
        record["empty"] = True  # a null dataspace (a group's shape is null too)
    if node.error:
        record["error"] = node.error
    if node.warning:
        record["warning"] = node.warning
    if with_attrs and not node.error and node.kind not in ("soft-link", "external-link"):
        try:
            record["attributes"] = {a.name: {"dtype": a.dtype, "value": a.error or a.text}
                                    for a in source.attributes(node.path)}
        except Exception as exc:  # one unreadable attribute table must not stop the listing
            record["attributes_error"] = str(exc)
    return record


def _text_line(rec: dict) -> list[str]:
    kind = rec["kind"] + (f" -> {rec['link_target']}" if rec.get("link_target") else "")
    shape = "empty" if rec.get("empty") else "" if rec["shape"] is None else \
        "scalar" if rec["shape"] == [] else "x".join(map(str, rec["shape"]))
    parts = [rec["path"], kind, shape, rec["dtype"] or "", rec["compression"] or ""]
    lines = ["  ".join(p for p in parts if p)]
    if rec.get("error"):
        lines.append(f"    !! {rec['error']}")
    if rec.get("warning"):
        lines.append(f"    note: {rec['warning']}")
    for name, attr in rec.get("attributes", {}).items():
        value = " ".join(str(attr["value"]).split())
        value = value if len(value) <= MAX_ATTR_TEXT else value[:MAX_ATTR_TEXT] + "..."
        lines.append(f"    @{name} ({attr['dtype']}) = {value}")
    return lines


def run(name: str, args: argparse.Namespace) -> int:
    shown = redact(args.file)  # a URL may carry a password or a signed query
    try:
        source = open_source(args.file)
        with source:  # a remote server may also stop answering in the middle of the walk
            limit = max(args.limit, 0)
            records = [node_record(source, node, not args.no_attrs)
                       for node in walk(source, args.max_depth, limit + 1)]
    except (StorageError, OSError) as exc:
        raise UsageError(name_once(shown, str(exc))) from exc
    truncated = len(records) > limit  # one more was read to know: never a silent cut
    records = records[:limit]
    if args.json:
        json.dump({"file": shown, "format": source.format, "nodes": records,
                   "truncated": truncated}, sys.stdout, indent=2, default=str)
        print()
    else:
        for rec in records:
            print("\n".join(_text_line(rec)))
    if truncated:
        print(f"loupe {name}: stopped after {limit:,} nodes (--limit); the file has more",
              file=sys.stderr)
    return 0
