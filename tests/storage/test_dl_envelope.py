"""The ``compressed`` envelope: large payloads travel beside the compressed text (once, as raw
bytes in base64, compressed only where that pays), small documents keep the old bytes, and the
reader still takes files whose large payloads sit inside the compressed text."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import numpy as np
import pybase64
import pytest
import zstandard
from dl_compare import assert_same

from storage import CorruptFileError, DLFriendlyStorage

BIG = 2**17  # elements: well over the envelope's out-of-line size


def _envelope(path: Path) -> tuple[dict, bytes]:
    envelope = json.loads(path.read_bytes())
    codec = envelope["codec"]
    packed = pybase64.b64decode(envelope["data"])
    inner = (zstandard.ZstdDecompressor().decompress(packed) if codec == "zstd"
             else zlib.decompress(packed))
    return envelope, inner


def test_large_random_array_is_base64_of_its_raw_bytes_once(tmp_path: Path) -> None:
    arr = np.random.default_rng(0).standard_normal(BIG, dtype=np.float32)
    storage = DLFriendlyStorage()
    path = storage.save_to_file({"w": arr, "step": 3}, tmp_path / "r.json", format="compressed")
    envelope, inner = _envelope(path)
    assert list(envelope) == ["__type__", "codec", "encoding", "data", "payloads"]
    (marker,) = envelope["payloads"]
    # Random floats do not pay for compression: the file holds their bytes, base64'd once.
    assert {k: marker[k] for k in ("__type__", "dtype", "shape", "encoding", "codec")} == {
        "__type__": "numpy_array", "dtype": "float32", "shape": [BIG], "encoding": "base64",
        "codec": "none"}
    assert pybase64.b64decode(marker["data"]) == arr.tobytes()
    assert json.loads(inner) == {"w": {"__type__": "payload_ref", "index": 0}, "step": 3}
    assert_same({"w": arr, "step": 3}, storage.load_from_file(path))


@pytest.mark.parametrize("codec", ["zstd", "zlib"])
def test_large_compressible_array_is_compressed_on_its_raw_bytes(tmp_path: Path,
                                                                  codec: str) -> None:
    arr = np.arange(BIG, dtype=np.int64)
    storage = DLFriendlyStorage(codec=codec)
    path = storage.save_to_file([arr], tmp_path / "r.json", format="compressed")
    envelope, _ = _envelope(path)
    assert envelope["codec"] == codec and envelope["payloads"][0]["codec"] == codec
    assert path.stat().st_size < arr.nbytes // 2
    assert_same([arr], storage.load_from_file(path))


def test_every_payload_kind_leaves_the_text_and_comes_back(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    doc = {
        "fortran": np.asfortranarray(rng.random((300, 200))),
        "big_endian": rng.random(BIG).astype(">f8"),
        "complex": (rng.random(BIG) + 1j).astype(np.complex64),
        "bytes": rng.bytes(BIG),
        "objects": np.array([rng.bytes(BIG), "x", None], dtype=object),
        "small": np.arange(5),
        "same_twice": [rng.random(BIG)] * 2,
        "keys": {7: rng.random(BIG)},
    }
    storage = DLFriendlyStorage()
    path = storage.save_to_file(doc, tmp_path / "r.json", format="compressed")
    envelope, inner = _envelope(path)
    kinds = [m["__type__"] for m in envelope["payloads"]]
    assert kinds.count("numpy_array") == 6 and kinds.count("bytes") == 2
    assert b"payload_ref" in inner and len(inner) < 4096  # the text is only the skeleton
    assert_same(doc, storage.load_from_file(path))
    # The same file through the value-level decoder (readers that parse the JSON themselves).
    assert_same(doc, storage.decode(json.loads(path.read_bytes())))


def test_tensors_leave_the_text_and_come_back(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    g = torch.Generator().manual_seed(0)
    doc = {"bf16": torch.randn(300, 300, generator=g).to(torch.bfloat16),
           "grad": torch.randn(BIG, generator=g).requires_grad_(True)}
    storage = DLFriendlyStorage()
    path = storage.save_to_file(doc, tmp_path / "t.json", format="compressed")
    envelope, _ = _envelope(path)
    assert [m["__type__"] for m in envelope["payloads"]] == ["torch_tensor", "torch_tensor"]
    assert_same(doc, storage.load_from_file(path))


def test_files_with_large_payloads_inside_the_compressed_text_still_load(tmp_path: Path) -> None:
    # The layout written before payloads moved out: the whole DL-JSON text, zstd'd, base64'd.
    doc = {"w": np.random.default_rng(2).random(BIG), "n": [1, 2]}
    storage = DLFriendlyStorage()
    text = storage.save_to_file(doc, tmp_path / "plain.json", format="json").read_bytes()
    assert len(text) > BIG  # the large payload is in the text
    for codec, packed in (("zstd", zstandard.ZstdCompressor(level=6).compress(text)),
                          ("zlib", zlib.compress(text, 6))):
        old = tmp_path / f"old-{codec}.json"
        old.write_text(json.dumps({"__type__": "compressed", "codec": codec,
                                   "encoding": "base64",
                                   "data": pybase64.b64encode(packed).decode()}) + "\n")
        assert_same(doc, storage.load_from_file(old))


def test_a_payload_ref_outside_its_envelope_is_a_typed_error(tmp_path: Path) -> None:
    storage = DLFriendlyStorage()
    stray = tmp_path / "stray.json"
    stray.write_text('{"w": {"__type__": "payload_ref", "index": 0}}')
    with pytest.raises(CorruptFileError, match="outside a compressed envelope"):
        storage.load_from_file(stray)
    inner = b'{"w": {"__type__": "payload_ref", "index": 1}}'
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"__type__": "compressed", "codec": "zstd", "encoding": "base64",
                               "data": pybase64.b64encode(
                                   zstandard.ZstdCompressor().compress(inner)).decode(),
                               "payloads": [{"__type__": "bytes", "encoding": "base64",
                                             "codec": "none", "data": "AAAA"}]}))
    with pytest.raises(CorruptFileError, match="index 1"):
        storage.load_from_file(bad)
