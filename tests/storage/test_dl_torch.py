"""torch tensors: exact round trip (bfloat16, float16...), device on load, life without torch."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from dl_compare import FORMATS, assert_same

from storage import DLFriendlyStorage

torch = pytest.importorskip("torch")
REPO = Path(__file__).resolve().parents[2]


def tensors() -> dict:
    g = torch.Generator().manual_seed(0)
    return {
        "bf16": torch.randn(3, 4, generator=g).to(torch.bfloat16),
        "bf16_big": torch.randn(64, 64, generator=g).to(torch.bfloat16),
        "f16": torch.tensor([1.5, float("nan"), -0.0, float("inf")], dtype=torch.float16),
        "f32": torch.randn(500, generator=g),
        "f64_0d": torch.tensor(3.25, dtype=torch.float64),
        "i64": torch.arange(10),
        "u8": torch.arange(5, dtype=torch.uint8),
        "bool": torch.tensor([True, False]),
        "c64": torch.tensor([1 + 2j, -1j], dtype=torch.complex64),
        "empty": torch.zeros(0, 3),
        "grad": torch.ones(2, requires_grad=True),
        "strided": torch.arange(20.0)[::4],
        "nested": [{"t": torch.zeros(2, dtype=torch.int16)}],
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_tensors_round_trip(tmp_path: Path, fmt: str) -> None:
    storage = DLFriendlyStorage()
    doc = tensors()
    path = storage.save_to_file(doc, tmp_path / "t", format=fmt)
    assert_same(doc, storage.load_from_file(path, trusted=True))


def test_tensor_marker_matches_original_format() -> None:
    enc = DLFriendlyStorage().encode(torch.tensor([1.0, 2.0]))
    assert enc == {"__type__": "torch_tensor", "dtype": "torch.float32", "shape": [2],
                   "data": [1.0, 2.0]}


def test_device_on_load(tmp_path: Path) -> None:
    storage = DLFriendlyStorage()
    for fmt in ("json", "hdf5"):
        path = storage.save_to_file({"t": torch.ones(3)}, tmp_path / fmt, format=fmt)
        assert storage.load_from_file(path)["t"].device.type == "cpu"
        assert storage.load_from_file(path, device="meta")["t"].device.type == "meta"


def test_without_torch_tensors_load_as_numpy(tmp_path: Path) -> None:
    storage = DLFriendlyStorage()
    doc = {"bf16": torch.tensor([1.5, -2.0], dtype=torch.bfloat16), "f32": torch.arange(3.0)}
    paths = [storage.save_to_file(doc, tmp_path / f, format=f) for f in ("json", "hdf5")]
    code = textwrap.dedent(f"""
        import sys, warnings
        sys.modules["torch"] = None  # makes "import torch" fail, as if it were not installed
        from storage import DLFriendlyStorage, TorchUnavailableWarning
        for path in {[str(p) for p in paths]!r}:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                data = DLFriendlyStorage().load_from_file(path)
            assert any(issubclass(w.category, TorchUnavailableWarning) for w in caught), caught
            assert "torch is not installed" in str(caught[0].message)
            print(type(data["bf16"]).__name__, data["bf16"].dtype, data["bf16"].tolist(),
                  data["f32"].dtype)
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines == ["ndarray bfloat16 [1.5, -2.0] float32"] * 2


def test_storage_import_does_not_import_torch() -> None:
    code = ("import sys, numpy, storage\nfrom storage import DLFriendlyStorage\n"
            "DLFriendlyStorage().encode({'a': numpy.zeros(2)})\nprint('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         timeout=120, check=True)
    assert out.stdout.strip() == "False"


def test_sparse_tensor_is_an_encode_error() -> None:
    from storage import EncodeError

    with pytest.raises(EncodeError, match="to_dense"):
        DLFriendlyStorage().encode({"s": torch.eye(2).to_sparse()})
    assert isinstance(np.zeros(1), np.ndarray)
