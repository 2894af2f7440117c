"""Golden files: the exact bytes Loupe writes for small fixed documents, so the DL-JSON format
cannot drift unnoticed. If one of these fails, the on-disk format changed: that needs a version
note and a reader for the old bytes, not a new expected string."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path

import numpy as np

from storage import DLFriendlyStorage

GOLDEN_DOC_BYTES = (
    b'{"name": "run-1", "epoch": 3, "lr": 0.001, "ok": true, "none": null, '
    b'"loss": [0.5, {"__type__": "float", "value": "nan"}], '
    b'"w": {"__type__": "numpy_array", "dtype": "float32", "shape": [2, 2], '
    b'"data": [[1.0, 2.0], [3.0, 4.0]]}, '
    b'"when": {"__type__": "datetime", "iso": "2025-07-17T01:06:14.618679"}, '
    b'"shape": {"__type__": "tuple", "items": [2, 3]}, '
    b'"ids": {"__type__": "dict", "items": [[7, "seven"]]}, '
    b'"raw": {"__type__": "numpy_array", "dtype": "int16", "shape": [8], "encoding": "base64", '
    b'"codec": "none", "data": "AAABAAIAAwAEAAUABgAHAA=="}, '
    b'"bf": {"__type__": "numpy_scalar", "dtype": "float16", "value": 0.5}, '
    b'"text": "caf\\u00e9"}\n'
)


def golden_doc() -> dict:
    return {"name": "run-1", "epoch": 3, "lr": 0.001, "ok": True, "none": None,
            "loss": [0.5, float("nan")], "w": np.array([[1, 2], [3, 4]], np.float32),
            "when": dt.datetime(2025, 7, 17, 1, 6, 14, 618679), "shape": (2, 3),
            "ids": {7: "seven"}, "raw": np.arange(8, dtype="<i2"), "bf": np.float16(0.5),
            "text": "caf\u00e9"}


def test_golden_json_bytes(tmp_path: Path) -> None:
    storage = DLFriendlyStorage(array_inline_max=4)
    path = storage.save_to_file(golden_doc(), tmp_path / "golden.json", format="json")
    assert path.read_bytes() == GOLDEN_DOC_BYTES


def test_golden_bytes_still_load(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    path.write_bytes(GOLDEN_DOC_BYTES)
    back = DLFriendlyStorage().load_from_file(path)
    assert back["raw"].tolist() == list(range(8)) and back["ids"] == {7: "seven"}
    assert back["when"] == dt.datetime(2025, 7, 17, 1, 6, 14, 618679)


def test_golden_large_payload_layout(tmp_path: Path) -> None:
    # Large payloads go through the chunked writer; the bytes must equal the plain rendering.
    arr = np.arange(1_500_000, dtype="<i4")  # 6 MB: several encoder chunks
    storage = DLFriendlyStorage(codec="none")
    path = storage.save_to_file({"a": arr}, tmp_path / "big.json", format="json")
    expected = ('{"a": {"__type__": "numpy_array", "dtype": "int32", "shape": [1500000], '
                '"encoding": "base64", "codec": "none", "data": "'
                + base64.b64encode(arr.tobytes()).decode() + '"}}\n').encode()
    assert path.read_bytes() == expected


def test_golden_compressed_envelope(tmp_path: Path) -> None:
    storage = DLFriendlyStorage(array_inline_max=4)
    path = storage.save_to_file(golden_doc(), tmp_path / "golden.json", format="compressed")
    envelope = json.loads(path.read_bytes())
    assert list(envelope) == ["__type__", "codec", "encoding", "data"]
    assert (envelope["__type__"], envelope["codec"], envelope["encoding"]) == (
        "compressed", "zstd", "base64")
    import zstandard

    inner = zstandard.ZstdDecompressor().decompress(base64.b64decode(envelope["data"]))
    assert inner == GOLDEN_DOC_BYTES
