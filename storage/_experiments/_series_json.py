"""Short training histories as compressed DL-JSON (``<id>.json.zst``).

The file is a zstd frame holding a JSON document::

    {"loupe_timeseries": 1, "experiment_id": "h001_mlp_lr1e-3_s0", "attrs": {...},
     "series": {"loss": {"__type__": "numpy_array", "dtype": "float64", "shape": [12],
                         "encoding": "base64", "data": "<little-endian bytes>"}, ...}}

Arrays use the DL-JSON ``numpy_array`` marker with raw little-endian bytes in base64, so NaN and
infinities survive exactly; a reader also accepts the readable ``data`` list form. Plain
(uncompressed) JSON with the same document is read too. The file is the ``zstd_json`` format of
the format registry (``storage/_formats``), so ``loupe inspect`` and the Files tab open it too.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .._atomic import atomic_write_bytes
from .._errors import CorruptFileError
from .._formats import FORMATS, read_json

SUFFIX = FORMATS["zstd_json"].SUFFIXES[0]  # ".json.zst": the registry names the format


def encode_array(values: np.ndarray) -> dict[str, Any]:
    """DL-JSON marker for a 1-D array, stored as base64 little-endian bytes."""
    arr = np.ascontiguousarray(values)
    le = arr.astype(arr.dtype.newbyteorder("<"), copy=False)
    return {"__type__": "numpy_array", "dtype": arr.dtype.name, "shape": list(arr.shape),
            "encoding": "base64", "data": base64.b64encode(le.tobytes()).decode("ascii")}


def write_json_history(path: Path, experiment_id: str, history: Mapping[str, np.ndarray],
                       attrs: Mapping[str, Any] | None = None, level: int = 9) -> Path:
    """Write a whole history as compressed DL-JSON, atomically."""
    import zstandard

    doc = {
        "loupe_timeseries": 1,
        "experiment_id": experiment_id,
        "attrs": {k: v for k, v in (attrs or {}).items()
                  if isinstance(v, str | int | float | bool) or v is None},
        "series": {name: encode_array(np.asarray(v).reshape(-1)) for name, v in history.items()},
    }
    payload = json.dumps(doc, separators=(",", ":")).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write_bytes(path, zstandard.ZstdCompressor(level=level).compress(payload))


def read_json_history(path: Path) -> dict[str, Any]:
    """Return the document with every series decoded to a numpy array (read through the one
    format registry and DL-JSON decoder: zstd frame or plain JSON alike)."""
    doc = read_json(Path(path))
    series = doc.get("series") if isinstance(doc, dict) else None
    if not isinstance(series, dict) or not all(isinstance(v, np.ndarray) for v in series.values()):
        raise CorruptFileError(f"{path} is not a Loupe history file: it needs a 'series' object "
                               "of arrays", path=path)
    return doc
