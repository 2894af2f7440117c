"""The DL-JSON format itself: the original markers, readable vs raw arrays, plain-JSON validity,
the registry's safety, and the reader's payload cutting."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pybase64
import pytest
from dl_compare import assert_same

from storage import DLFriendlyStorage, UnknownTypeMarkerError, detect_format


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_original_format_reads_exactly(tmp_path: Path) -> None:
    rows = [[float(i * 50 + j) for j in range(50)] for i in range(100)]
    doc = {"weights": {"__type__": "numpy_array", "dtype": "float32", "shape": [100, 50],
                       "data": rows},
           "t": {"__type__": "torch_tensor", "dtype": "torch.float32", "shape": [2],
                 "data": [1.0, 2.0]},
           "when": {"__type__": "datetime", "iso": "2025-07-17T01:06:14.618679"}}
    path = _write(tmp_path / "orig.json", json.dumps(doc))
    assert detect_format(path) == "json"
    back = DLFriendlyStorage().load_from_file(path)
    assert back["weights"].dtype == np.float32 and back["weights"].shape == (100, 50)
    assert back["weights"][99, 49] == 4999.0
    assert list(back["t"].tolist()) == [1.0, 2.0]
    assert back["when"].isoformat() == "2025-07-17T01:06:14.618679"


def test_small_arrays_readable_large_ones_raw(tmp_path: Path) -> None:
    storage = DLFriendlyStorage(array_inline_max=10)
    enc = storage.encode({"small": np.arange(4, dtype=np.int16),
                          "nonfinite": np.array([np.nan, 1.0]),
                          "large": np.arange(11, dtype=np.float32)})
    assert enc["small"] == {"__type__": "numpy_array", "dtype": "int16", "shape": [4],
                            "data": [0, 1, 2, 3]}
    assert enc["nonfinite"]["encoding"] == "base64"
    large = enc["large"]
    assert (large["encoding"], large["codec"]) == ("base64", "none")
    raw = pybase64.b64decode(large["data"])
    assert np.array_equal(np.frombuffer(raw, "<f4"), np.arange(11))  # raw little-endian bytes
    assert_same({"small": np.arange(4, dtype=np.int16)}, storage.decode({"small": enc["small"]}))


def test_big_endian_payload_is_little_endian_bytes() -> None:
    enc = DLFriendlyStorage(array_inline_max=0).encode(np.array([1.0], dtype=">f8"))
    assert enc["dtype"] == ">f8"
    assert pybase64.b64decode(enc["data"]) == np.array([1.0], "<f8").tobytes()


def test_compressible_payload_is_compressed_random_is_not() -> None:
    storage = DLFriendlyStorage()
    assert storage.encode(np.zeros(10_000))["codec"] == "zstd"
    assert storage.encode(np.random.default_rng(0).random(10_000))["codec"] == "none"
    assert DLFriendlyStorage(codec="zlib").encode(np.zeros(10_000))["codec"] == "zlib"


@pytest.mark.parametrize("fmt", ["json", "compressed"])
def test_files_are_plain_json(tmp_path: Path, fmt: str) -> None:
    storage = DLFriendlyStorage()
    doc = {"a": np.arange(100_000.0), "b": [float("nan"), float("inf")], "c": {1: 2}}
    path = storage.save_to_file(doc, tmp_path / "x.json", format=fmt)
    parsed = json.loads(path.read_text(encoding="ascii"), parse_constant=pytest.fail)
    assert_same(doc, storage.decode(parsed))
    if fmt == "compressed":
        assert parsed["__type__"] == "compressed" and parsed["codec"] == "zstd"
        assert detect_format(path) == "compressed"


def test_encode_decode_public_values() -> None:
    storage = DLFriendlyStorage()
    doc = {"x": (1, 2), "y": {1, 2}, "z": b"abc", "arr": np.arange(1000)}
    encoded = storage.encode(doc)
    assert json.loads(json.dumps(encoded)) == encoded  # JSON-able
    assert encoded["x"] == {"__type__": "tuple", "items": [1, 2]}
    assert_same(doc, storage.decode(encoded))


def test_unknown_marker_is_never_resolved(tmp_path: Path) -> None:
    path = _write(tmp_path / "evil.json",
                  '{"x": {"__type__": "os.system", "args": ["touch pwned"]}}')
    with pytest.raises(UnknownTypeMarkerError, match="os.system"):
        DLFriendlyStorage().load_from_file(path)
    with pytest.raises(UnknownTypeMarkerError):
        DLFriendlyStorage().decode({"__type__": "builtins.eval"})
    assert not (tmp_path / "pwned").exists()


def test_jsonpickle_and_json_tricks_load_as_plain_data(tmp_path: Path) -> None:
    doc = {"py/object": "os._wrap_close", "py/reduce": [{"py/function": "os.system"},
                                                        {"py/tuple": ["touch pwned"]}],
           "tricks": {"__instance_type__": ["os", "system"], "attributes": {"x": 1}},
           "nd": {"__ndarray__": [1, 2], "dtype": "int64", "shape": [2]}}
    path = _write(tmp_path / "pickled.json", json.dumps(doc))
    assert DLFriendlyStorage().load_from_file(path) == doc
    assert not (tmp_path / "pwned").exists()


def test_long_plain_strings_under_data_key_stay_exact(tmp_path: Path) -> None:
    storage = DLFriendlyStorage()
    long_text = "x" * 5000
    escaped = 'quote " and backslash \\ ' * 300
    doc = {"data": long_text, "n": {"data": "Zm9v" * 2000}, "e": {"data": escaped},
           "u": {"data": "é" * 3000}, "k": [{"data": long_text, "__x": 1}]}
    path = storage.save_to_file(doc, tmp_path / "s.json", format="json")
    assert storage.load_from_file(path) == doc


def test_payload_with_escaped_slashes_from_other_writers(tmp_path: Path) -> None:
    # Some writers (PHP, some JS libraries) escape "/" as "\/": still valid base64 once parsed.
    raw = np.random.default_rng(3).random(2000)
    b64 = pybase64.b64encode(raw.tobytes()).decode().replace("/", "\\/")
    text = ('{"a": {"__type__": "numpy_array", "dtype": "float64", "shape": [2000], '
            f'"encoding": "base64", "data": "{b64}"}}}}')
    back = DLFriendlyStorage().load_from_file(_write(tmp_path / "esc.json", text))
    assert np.array_equal(back["a"], raw)


def test_placeholder_lookalike_strings_are_untouched(tmp_path: Path) -> None:
    storage = DLFriendlyStorage()
    doc = {"s": "\x00dlblob:0123456789abcdef:0", "big": np.arange(5000.0),
           "data": "\x00dlblob:"}
    path = storage.save_to_file(doc, tmp_path / "p.json", format="json")
    assert_same(doc, storage.load_from_file(path))


def test_dict_key_order_and_type_key_survive(tmp_path: Path) -> None:
    doc = {"z": 1, "a": 2, "__type__": "mine", 3: "int"}
    encoded = DLFriendlyStorage().encode(doc)
    assert encoded["__type__"] == "dict"
    assert_same(doc, DLFriendlyStorage().decode(encoded))
