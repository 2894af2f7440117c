"""Short display text for one value of a dataset (a table cell, a scalar)."""

from __future__ import annotations

import numpy as np

MAX_CELL = 200


def cell_text(value) -> str:
    """``1.5``, ``'text'``, ``[1, 2, 3]`` (vlen), ``4f50...`` (opaque)."""
    if isinstance(value, bytes | np.bytes_):
        text = bytes(value).decode("utf-8", errors="replace")
    elif isinstance(value, np.void) and value.dtype.names is None:
        text = bytes(value).hex()
    elif isinstance(value, np.floating | float):
        text = f"{value:.6g}"
    elif isinstance(value, np.ndarray):
        with np.printoptions(threshold=20, edgeitems=3, precision=6):
            text = np.array2string(value, separator=", ")
    elif isinstance(value, np.generic):
        text = str(value.item())
    else:
        text = str(value)
    return text if len(text) <= MAX_CELL else text[:MAX_CELL] + "\u2026"
