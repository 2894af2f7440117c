"""A DL-friendly JSON file as a tree: dicts are groups, arrays and tensors are datasets.

Typed values show as their types: an array node with its shape and dtype, a tensor with its
torch dtype, a datetime. The file is read by :func:`load_document`: markers decoded by the
storage facade, except arrays and tensors, which stay markers until a view reads them (then
decoded as numpy, without torch). A document decoded elsewhere (a remote result object) may
hold numpy arrays and torch tensors instead; both show too.
"""

from __future__ import annotations

import datetime as _dt
import json
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

from ._attrs import value_text
from ._dljson_load import ARRAY_MARKERS, decode_array_marker, load_document
from ._node import DATASET, GROUP, AttrInfo, NodeInfo, join_path
from ._source import Source

DECODED_CACHE = 4  # decoded arrays kept per file (a table view reads one window at a time)
SLASH = "\u2215"  # a "/" inside a JSON key (a path separator in the tree) shows as this


def marker(value) -> str:
    """The ``__type__`` of an undecoded DL-JSON marker, else ``""``."""
    if isinstance(value, dict):
        kind = value.get("__type__")
        return kind if isinstance(kind, str) else ""
    return ""


def is_tensor(value) -> bool:
    return type(value).__module__.startswith("torch") and hasattr(value, "detach")


def _numeric_list(value: list) -> np.ndarray | None:
    """A rectangular list of numbers (or of strings) as an array, else None."""
    if not value or len(value) > 50_000_000:
        return None
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError):  # ragged
        return None
    return arr if arr.dtype.kind in "biufcU" else None


class JsonSource(Source):
    """The decoded document of a JSON file, browsed like an HDF5 file."""

    format = "json"

    def __init__(self, document, location: str, name: str | None = None) -> None:
        super().__init__(location, name)
        self.document = document
        self._child_maps: dict[int, dict[str, object]] = {}
        self._decoded: OrderedDict[int, np.ndarray] = OrderedDict()

    @classmethod
    def open_path(cls, path: Path) -> JsonSource:
        return cls(load_document(Path(path)), str(path), Path(path).name)

    # -- navigation -------------------------------------------------------------------------
    def _children(self, value) -> dict[str, object] | None:
        """Name -> child value for a container node, else None (cached per container)."""
        if isinstance(value, dict) and marker(value) not in ARRAY_MARKERS | {"datetime"}:
            key = id(value)
            if key not in self._child_maps:
                self._child_maps[key] = {str(k).replace("/", SLASH): v for k, v in value.items()}
            return self._child_maps[key]
        if isinstance(value, list | tuple | set | frozenset) and self._array_of(value) is None:
            return {str(i): v for i, v in enumerate(value)}
        return None

    def _array_of(self, value) -> np.ndarray | None:
        if isinstance(value, list | tuple):
            return _numeric_list(list(value))
        return None

    def _resolve(self, path: str):
        value = self.document
        for part in [p for p in path.split("/") if p]:
            children = self._children(value)
            if children is None or part not in children:
                raise KeyError(f"{path}: no such node")
            value = children[part]
        return value

    # -- the tree ---------------------------------------------------------------------------
    def info(self, path: str) -> NodeInfo:
        name = self.name if path in ("", "/") else path.rpartition("/")[2]
        return self._node(path or "/", name, self._resolve(path))

    def _node(self, path: str, name: str, value) -> NodeInfo:
        node = NodeInfo(path, name, detailed=True)
        children = self._children(value)
        if children is not None:
            node.kind, node.n_children = GROUP, len(children)
            node.dtype = "list" if isinstance(value, list | tuple | set) else "object"
            return node
        node.kind = DATASET
        node.shape, node.dtype = self._shape_dtype(value)
        node.extra["dtype_kind"] = _dtype_kind(node.dtype)
        node.extra["json_type"] = marker(value) or type(value).__name__
        return node

    def _shape_dtype(self, value) -> tuple[tuple[int, ...] | None, str]:
        kind = marker(value)
        if kind in ARRAY_MARKERS:
            return tuple(value.get("shape") or ()), str(value.get("dtype", "?"))
        if kind:
            return (), kind
        if isinstance(value, np.ndarray):
            return value.shape, value.dtype.name
        if is_tensor(value):
            return tuple(value.shape), str(value.dtype)
        arr = self._array_of(value)
        if arr is not None:
            return arr.shape, "str" if arr.dtype.kind == "U" else arr.dtype.name
        if isinstance(value, _dt.datetime | _dt.date | _dt.time | _dt.timedelta):
            return (), type(value).__name__
        if value is None:
            return None, "null"
        return (), type(value).__name__

    def list_children(self, path: str) -> list[NodeInfo]:
        children = self._children(self._resolve(path)) or {}
        return [self._node(join_path(path, n), n, v) for n, v in children.items()]

    def describe(self, path: str, names: list[str]) -> list[NodeInfo]:
        children = self._children(self._resolve(path)) or {}
        return [self._node(join_path(path, n), n, children[n]) for n in names if n in children]

    def find(self, text: str, *, cancel: threading.Event | None = None,
             limit: int = 100_000) -> list[NodeInfo]:
        needle, found = text.lower(), []
        stack = [("/", self.document)]
        while stack and len(found) < limit and not (cancel is not None and cancel.is_set()):
            path, value = stack.pop()
            for name, child in (self._children(value) or {}).items():
                child_path = join_path(path, name)
                if needle in name.lower():
                    found.append(NodeInfo(child_path, name))
                stack.append((child_path, child))
        return sorted(found, key=lambda n: n.path)

    # -- one node ---------------------------------------------------------------------------
    def attributes(self, path: str) -> list[AttrInfo]:
        value = self._resolve(path)
        if marker(value):
            return [AttrInfo(k, type(v).__name__, None, value_text(v))
                    for k, v in value.items() if k != "data"]
        if isinstance(value, np.ndarray):  # a decoded numpy_array marker
            return [AttrInfo("__type__", "str", (), "numpy_array"),
                    AttrInfo("dtype", "str", (), value.dtype.str if value.dtype.byteorder == ">"
                             else value.dtype.name),
                    AttrInfo("shape", "list", (len(value.shape),), str(list(value.shape)))]
        if is_tensor(value):  # decoded elsewhere (a remote result object) with torch present
            return [AttrInfo("__type__", "str", (), "torch_tensor"),
                    AttrInfo("dtype", "str", (), str(value.dtype)),
                    AttrInfo("shape", "list", (value.dim(),), str(list(value.shape))),
                    AttrInfo("device", "str", (), str(value.device)),
                    AttrInfo("requires_grad", "bool", (), str(value.requires_grad))]
        return []

    def properties(self, path: str) -> list[tuple[str, str]]:
        node = self.info(path)
        json_type = node.extra.get("json_type", node.dtype)
        rows = [("Path", node.path), ("Kind", node.kind), ("JSON type", json_type)]
        if node.kind == DATASET:
            rows += [("Shape", node.shape_text or "-"), ("Type", node.dtype)]
        else:
            rows.append(("Members", str(node.n_children)))
        rows.append(("File", self.location))
        return rows

    def array(self, path: str):
        value = self._resolve(path)
        kind = marker(value)
        if kind in ARRAY_MARKERS:
            return self._decode(value)
        if kind == "datetime":
            return np.asarray(value.get("iso", ""))
        if kind:
            return np.asarray(json.dumps(value))
        if isinstance(value, np.ndarray):
            return value
        if is_tensor(value):
            tensor = value.detach().cpu()
            return tensor.float().numpy() if str(tensor.dtype) == "torch.bfloat16" else \
                tensor.numpy()
        arr = self._array_of(value)
        if arr is not None:
            return arr
        if isinstance(value, _dt.datetime | _dt.date | _dt.time):
            return np.asarray(value.isoformat())
        return np.asarray(value if value is not None else "null", dtype=object) \
            if not isinstance(value, int | float | bool | str) else np.asarray(value)

    def _decode(self, value: dict) -> np.ndarray:
        """A kept array marker, decoded once for the next few reads of the same node."""
        key = id(value)
        if key not in self._decoded:
            self._decoded[key] = decode_array_marker(value)
            while len(self._decoded) > DECODED_CACHE:
                self._decoded.popitem(last=False)
        self._decoded.move_to_end(key)
        return self._decoded[key]

    def snippet(self, path: str) -> str:
        parts = [p for p in path.split("/") if p]
        value, keys = self.document, []
        for part in parts:
            key = int(part) if isinstance(value, list | tuple) else _original_key(value, part)
            keys.append(f"[{key!r}]")
            value = value[key] if isinstance(value, list | tuple | dict) else value
        return ("from storage import DLFriendlyStorage\n\n"
                f"data = DLFriendlyStorage().load_from_file({self.location!r})\n"
                f"obj = data{''.join(keys)}\n")


def _original_key(value, name: str):
    if isinstance(value, dict):
        for key in value:
            if str(key).replace("/", SLASH) == name:
                return key
    return name


def _dtype_kind(text: str) -> str:
    """numpy's kind letter for a dtype name (``torch.float32`` too); ``O`` when unknown."""
    if "bfloat16" in text or "float8" in text:
        return "f"
    try:
        return np.dtype(text.removeprefix("torch.")).kind
    except TypeError:
        return "O"
