"""Short training histories as compressed DL-JSON (``<id>.json.zst``).

The file is a zstd frame holding a JSON document::

    {"loupe_timeseries": 1, "experiment_id": "h001_mlp_lr1e-3_s0", "attrs": {...},
     "series": {"loss": {"__type__": "numpy_array", "dtype": "float64", "shape": [12],
                         "encoding": "base64", "data": "<little-endian bytes>"}, ...}}

Arrays use the DL-JSON ``numpy_array`` marker with raw little-endian bytes in base64, so NaN and
infinities survive exactly; a reader also accepts the readable ``data`` list form. Plain
(uncompressed) JSON with the same document is read too.
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

SUFFIX = ".json.zst"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def encode_array(values: np.ndarray) -> dict[str, Any]:
    """DL-JSON marker for a 1-D array, stored as base64 little-endian bytes."""
    arr = np.ascontiguousarray(values)
    le = arr.astype(arr.dtype.newbyteorder("<"), copy=False)
    return {"__type__": "numpy_array", "dtype": arr.dtype.name, "shape": list(arr.shape),
            "encoding": "base64", "data": base64.b64encode(le.tobytes()).decode("ascii")}


def decode_array(obj: Mapping[str, Any]) -> np.ndarray:
    """Inverse of :func:`encode_array`; also accepts the readable ``data`` list form."""
    dtype = np.dtype(obj["dtype"])
    shape = tuple(obj.get("shape", ()))
    data = obj["data"]
    if isinstance(data, str):
        raw = np.frombuffer(base64.b64decode(data), dtype=dtype.newbyteorder("<"))
        return raw.astype(dtype).reshape(shape)
    return np.asarray(data, dtype=dtype).reshape(shape)


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
    """Return the document with every series decoded to a numpy array."""
    raw = Path(path).read_bytes()
    try:
        if raw[:4] == _ZSTD_MAGIC:
            import zstandard

            raw = zstandard.ZstdDecompressor().decompress(raw, max_output_size=1 << 31)
        doc = json.loads(raw)
        doc["series"] = {k: decode_array(v) for k, v in doc["series"].items()}
    except json.JSONDecodeError as exc:
        raise CorruptFileError(f"{path} is not valid JSON (line {exc.lineno}, column "
                               f"{exc.colno}); rewrite the history", path=path, line=exc.lineno,
                               column=exc.colno) from exc
    except Exception as exc:  # zstd errors, missing keys, bad base64
        raise CorruptFileError(f"{path} is not a Loupe history file: {exc}",
                               path=path) from exc
    return doc
