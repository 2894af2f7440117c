"""Read a DL-JSON file for browsing: every marker is decoded except arrays and tensors, which
stay as their marker until a view reads them.

Why not decode everything: a ``torch_tensor`` would become a torch tensor (importing torch,
seconds) or, where torch is not installed (the packaged app), a numpy array that cannot be told
from a ``numpy_array``, so the tree showed ``__type__ = numpy_array`` for a tensor. A kept marker
still says what it is (its type, torch dtype, shape, ``requires_grad``), and a file of large
arrays opens without decoding them. The reading itself is the format registry's and the one
DL-JSON decoder's (``keep=ARRAY_MARKERS``): plain, ``compressed`` and zstd-framed files alike.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .._dljson import ARRAY_MARKERS, decode
from .._errors import UnsupportedFormatError
from .._formats import FORMATS, TEXT_FORMATS, LoadOptions, detect_path

MAX_KEEP_BYTES = 256 * 2**20  # larger files decode their arrays at once (as before)
_TORCH_PREFIX = "torch."


def load_document(path: Path):
    """The decoded document of a DL-JSON file, with array and tensor markers kept (see above)."""
    fmt = detect_path(path)
    if fmt not in TEXT_FORMATS:
        raise UnsupportedFormatError(f"{path.name} is not a JSON file (by its content)")
    keep = ARRAY_MARKERS if path.stat().st_size <= MAX_KEEP_BYTES else frozenset()
    return FORMATS[fmt].load(path, LoadOptions(keep=keep))


def decode_array_marker(value: dict) -> np.ndarray:
    """The array of a kept marker, as numpy. A tensor is decoded as the array it holds (no
    torch needed); bfloat16 and float8 values are widened to float32 for the views."""
    marker = dict(value)
    dtype = str(marker.get("dtype", "float64"))
    if dtype.startswith(_TORCH_PREFIX):
        marker["dtype"] = dtype.removeprefix(_TORCH_PREFIX)
    marker["__type__"] = "numpy_array"
    arr = np.asarray(decode(marker))
    if arr.dtype.kind == "V" and not arr.dtype.names:  # ml_dtypes (bfloat16, float8...)
        arr = arr.astype(np.float32)
    return arr
