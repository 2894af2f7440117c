"""Walks over a document that look for arrays without encoding anything."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

import numpy as np


def _children(obj: Any) -> Any:
    if isinstance(obj, Mapping):
        return obj.values()
    if isinstance(obj, (list, tuple, set, frozenset)):
        return obj
    if isinstance(obj, np.ndarray) and obj.dtype.hasobject:
        return obj.ravel().tolist()
    return ()


def array_sizes(data: Any) -> list[int]:
    """The byte size of every numpy array and torch tensor in ``data``."""
    sizes: list[int] = []
    seen: set[int] = set()
    stack = [data]
    torch = sys.modules.get("torch")
    while stack:
        obj = stack.pop()
        if isinstance(obj, np.ndarray):
            sizes.append(obj.nbytes)
        elif torch is not None and isinstance(obj, torch.Tensor):
            sizes.append(obj.element_size() * obj.nelement())
        if id(obj) not in seen:
            seen.add(id(obj))
            stack.extend(_children(obj))
    return sizes


def array_bytes(data: Any) -> tuple[int, bool]:
    """Total bytes of the numpy arrays and torch tensors in ``data``, and whether there is any."""
    sizes = array_sizes(data)
    return sum(sizes), bool(sizes)


def contains_arrays(data: Any) -> bool:
    """Whether ``data`` holds a numpy array or torch tensor anywhere."""
    return array_bytes(data)[1]
