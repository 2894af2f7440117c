"""Test helper: an exact, type-strict comparison of loaded data (imported by the DL tests)."""

from __future__ import annotations

import math
import sys
from typing import Any

import numpy as np

FORMATS = ("json", "compressed", "hdf5", "pickle")


def _same_float(a: float, b: float) -> bool:
    if math.isnan(a):
        return math.isnan(b)
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


def _same_array(a: np.ndarray, b: Any, where: str) -> None:
    assert isinstance(b, np.ndarray), f"{where}: {type(b)} is not an array"
    assert a.dtype == b.dtype, f"{where}: dtype {a.dtype} != {b.dtype}"
    assert a.shape == b.shape, f"{where}: shape {a.shape} != {b.shape}"
    fortran = a.ndim > 1 and a.flags.f_contiguous and not a.flags.c_contiguous
    assert b.flags.f_contiguous == a.flags.f_contiguous or not fortran, f"{where}: order lost"
    if a.dtype.hasobject:
        for i, (x, y) in enumerate(zip(a.ravel().tolist(), b.ravel().tolist(), strict=True)):
            assert_same(x, y, f"{where}[{i}]")
    else:
        assert a.tobytes() == b.tobytes(), f"{where}: values differ"


def _same_tensor(a: Any, b: Any, where: str) -> None:
    torch = sys.modules["torch"]
    assert isinstance(b, torch.Tensor), f"{where}: {type(b)} is not a tensor"
    assert a.dtype == b.dtype and a.shape == b.shape, f"{where}: {a.dtype}{a.shape} vs {b.dtype}"
    assert b.device.type == "cpu", f"{where}: loaded on {b.device}"
    assert a.requires_grad == b.requires_grad, f"{where}: requires_grad differs"
    size = a.element_size()
    view = {1: torch.uint8, 2: torch.int16, 4: torch.int32, 8: torch.int64, 16: None}[size]
    if view is None:  # complex128
        assert torch.equal(torch.view_as_real(a.detach()), torch.view_as_real(b.detach()))
    else:
        assert torch.equal(a.detach().reshape(-1).view(view), b.detach().reshape(-1).view(view))


def assert_same(a: Any, b: Any, where: str = "data") -> None:
    """``b`` is exactly ``a``: same types, dtypes, shapes, byte order, bits, key order."""
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(a, torch.Tensor):
        return _same_tensor(a, b, where)
    assert type(a) is type(b), f"{where}: type {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, np.ndarray):
        _same_array(a, b, where)
    elif isinstance(a, np.generic):
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes(), f"{where}: {a!r} != {b!r}"
    elif isinstance(a, float):
        assert _same_float(a, b), f"{where}: {a!r} != {b!r}"
    elif isinstance(a, complex):
        assert _same_float(a.real, b.real) and _same_float(a.imag, b.imag), f"{where}: {a} {b}"
    elif isinstance(a, dict):
        assert list(a) == list(b), f"{where}: keys {list(a)} != {list(b)}"
        for k in a:
            assert_same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), f"{where}: length {len(a)} != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{where}[{i}]")
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"
