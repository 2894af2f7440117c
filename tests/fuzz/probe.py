"""Run in a subprocess: open each file given on stdin through the node layer and touch everything.

One JSON line per event on stdout: ``start`` before a file, ``done`` after it with what was
answered. A hard crash or a hang then shows in the parent as a ``start`` without its ``done``
(and the hang's stacks on stderr, from faulthandler), and names the file that did it.
Anything but data or a :class:`storage.StorageError` is an ``untyped`` error, with its traceback.
"""

from __future__ import annotations

import faulthandler
import json
import sys
import time
import traceback

from storage import NodeKind, StorageError, open_source

MAX_NODES = 200  # nodes looked at per file
MAX_DEPTH = 4
BUDGET = 1 << 20  # bytes of one slice read: a preview, as the browser reads


class Probe:
    def __init__(self) -> None:
        self.nodes = 0
        self.typed: list[str] = []  # typed errors raised, and error rows answered
        self.untyped: list[str] = []

    def call(self, what: str, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except StorageError as exc:
            self.typed.append(f"{what}: {type(exc).__name__}: {exc}")
        except Exception as exc:  # the defect this test is for
            self.untyped.append(f"{what}: {type(exc).__name__}: {exc}\n{traceback.format_exc()}")
        return None

    def file(self, path: str) -> None:
        source = self.call("open", open_source, path)
        if source is None:
            return
        try:
            root = self.call("root", source.root)
            if root is not None:
                self.node(source, root)
                self.group(source, "/", 0)
            self.call("find", source.find, "a", limit=50)
        finally:
            self.call("close", source.close)

    def group(self, source, path: str, depth: int) -> None:
        pages: list = []
        self.call(f"stream {path}", source.stream_children, path, pages.append, page_size=64)
        listed = self.call(f"list {path}", source.list_children, path)
        if not listed:
            return
        names = [n.name for n in listed][:MAX_NODES]
        nodes = self.call(f"describe {path}", source.describe, path, names) or []
        for node in nodes:
            if self.nodes >= MAX_NODES:
                return
            self.node(source, node)
            if node.kind == NodeKind.GROUP and not node.error and depth + 1 < MAX_DEPTH:
                self.group(source, node.path, depth + 1)

    def node(self, source, node) -> None:
        self.nodes += 1
        if node.error:
            self.typed.append(f"row {node.path}: {node.error}")
            return
        if node.kind in (NodeKind.SOFT_LINK, NodeKind.EXTERNAL_LINK, NodeKind.BROKEN):
            return
        if node.path != "/":
            self.call(f"info {node.path}", source.info, node.path)
        self.call(f"snippet {node.path}", source.snippet, node.path)
        self.call(f"attributes {node.path}", source.attributes, node.path)
        self.call(f"properties {node.path}", source.properties, node.path)
        if node.kind == NodeKind.DATASET and node.shape is not None:
            window = tuple(slice(0, 4) for _ in node.shape)
            self.call(f"read {node.path}", source.read, node.path, window, budget=BUDGET)


def main() -> int:
    per_file = float(sys.argv[1]) if len(sys.argv) > 1 else 30.0
    for i, line in enumerate(sys.stdin):
        path = line.rstrip("\n")
        print(json.dumps({"event": "start", "i": i, "path": path}), flush=True)
        # a hang prints every thread's stack and ends this process: the parent names the file
        faulthandler.dump_traceback_later(per_file, exit=True)
        probe, started = Probe(), time.monotonic()
        probe.file(path)
        faulthandler.cancel_dump_traceback_later()
        print(json.dumps({"event": "done", "i": i, "nodes": probe.nodes,
                          "typed": len(probe.typed), "untyped": probe.untyped,
                          "seconds": round(time.monotonic() - started, 3)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
