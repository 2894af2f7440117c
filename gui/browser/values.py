"""Short display text for one value of a dataset (a table cell, a scalar)."""

from __future__ import annotations

import numpy as np

from storage import value_text

MAX_CELL = 200


def cell_text(value, dtype: np.dtype | None = None) -> str:
    """``1.5``, ``'text'``, ``[1, 2, 3]`` (vlen), ``4f50...`` (opaque).

    Enums (``MALE (0)``) and arrays of strings (``[James, Jo]``) are written by the Value
    view's formatter (``storage.value_text``), so a table cell and the Value view agree; pass
    the dtype of the value (a compound field's own) for the enum names.
    """
    if (dtype is not None and dtype.metadata) or (
            isinstance(value, np.ndarray) and value.dtype.kind in "OSUV"):
        text = value_text(value, None, dtype)
    elif isinstance(value, bytes | np.bytes_):
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
