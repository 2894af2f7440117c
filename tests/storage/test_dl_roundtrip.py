"""Exact round trip of every supported type in every format (issue 2, storage core)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path, PureWindowsPath

import ml_dtypes
import numpy as np
import pytest
from dl_compare import FORMATS, assert_same

from storage import DLFriendlyStorage, EncodeError

NUMERIC = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
           "float16", "float32", "float64", "complex64", "complex128"]


def _arrays() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(7)
    out = {}
    for name in NUMERIC:
        small = (rng.standard_normal((3, 4)) * 50).astype(name)
        big = (rng.standard_normal((40, 30)) * 50).astype(name)  # > array_inline_max
        out[f"{name}_small"] = small
        out[f"{name}_big"] = big
        out[f"{name}_0d"] = np.array(7, dtype=name)
        out[f"{name}_empty"] = np.zeros((0, 3), dtype=name)
    out["bf16"] = np.array([1.5, -0.0, np.inf, np.nan, 3.0], dtype=ml_dtypes.bfloat16)
    out["bf16_big"] = np.linspace(-3, 3, 1000).astype(ml_dtypes.bfloat16).reshape(10, 100)
    out["big_endian"] = np.arange(12, dtype=">f8").reshape(3, 4)
    out["big_endian_int"] = np.arange(1000, dtype=">i4")
    out["big_endian_0d"] = np.array(-3, dtype=">i2")
    out["fortran"] = np.asfortranarray(np.arange(12.0).reshape(3, 4))
    out["fortran_big"] = np.asfortranarray(rng.standard_normal((50, 20)))
    out["specials"] = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 1e-310], dtype=np.float64)
    out["complex_nan"] = np.array([complex(np.nan, -0.0), complex(-np.inf, 1)], np.complex64)
    out["compressible"] = np.zeros((100, 100), dtype=np.float32)
    out["strings"] = np.array(["a", "bcd", "é"], dtype="<U3")
    out["bytes_s"] = np.array([b"ab", b"c"], dtype="S2")
    out["datetimes"] = np.array(["2025-07-17T01:06", "NaT"], dtype="datetime64[m]")
    out["strided"] = np.arange(20.0)[::3]
    return out


def _scalars() -> dict:
    return {
        "int": 3, "neg": -(2**63), "huge": 2**100, "float": 0.1, "negzero": -0.0,
        "nan": float("nan"), "inf": float("inf"), "ninf": float("-inf"), "true": True,
        "none": None, "text": "héllo \u2603 \x00 \ud800", "complex": complex(1.5, -2),
        "complex_nan": complex(float("nan"), float("inf")),
        "np_f32": np.float32(0.1), "np_f16": np.float16(-0.0), "np_i64": np.int64(-5),
        "np_u64": np.uint64(2**64 - 1), "np_bool": np.bool_(True), "np_c64": np.complex64(1 - 1j),
        "np_bf16": ml_dtypes.bfloat16(2.5), "np_nan32": np.float32("nan"),
        "np_dt64": np.datetime64("2025-07-17T01:06:14"), "np_str": np.str_("ab"),
        "np_nan_payload": np.array([0x7E01], np.uint16).view(np.float16)[0],
        "datetime": dt.datetime(2025, 7, 17, 1, 6, 14, 618679),
        "datetime_tz": dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        "date": dt.date(1999, 12, 31), "time": dt.time(23, 59, 1, 5),
        "timedelta": dt.timedelta(days=-3, seconds=5, microseconds=7),
        "bytes": b"\x00\xff" * 3, "bytes_big": bytes(range(256)) * 40,
        "tuple": (1, "a", (2.0,)), "set": {3, 1, 2}, "frozenset": frozenset({"x", "y"}),
        "path": Path("/tmp/run 1/x.json"), "winpath": PureWindowsPath(r"C:\runs\x.json"),
        "int_keys": {1: "a", 2: {"b": 3}}, "tuple_keys": {(1, 2): "pair", None: 0, 1.5: "f"},
        "type_key": {"__type__": "not a marker", "x": 1},
        "slash/key": {"a/b": 1, "": 2, ".": 3, "%2F": 4, "__dl__": 5},
        "object_array": np.array([1, "two", None, (3, 4), {"k": np.arange(3)}], dtype=object),
        "nested": [[{"deep": [np.arange(3), {"x": (np.float32(1), [])}]}], [], {}],
        "history": [0.5, 0.25, float("nan"), -0.0], "ints": [1, 2, 3],
    }


def document() -> dict:
    return {"arrays": _arrays(), "scalars": _scalars(), "top": np.ones((2, 2), np.float32)}


@pytest.mark.parametrize("fmt", FORMATS)
def test_everything_round_trips_exactly(tmp_path: Path, fmt: str) -> None:
    storage = DLFriendlyStorage()
    doc = document()
    path = storage.save_to_file(doc, tmp_path / "doc.bin", format=fmt)
    assert path == tmp_path / "doc.bin"  # explicit format: exactly where asked
    assert_same(doc, storage.load_from_file(path, trusted=True))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("value", [np.arange(5.0), [1, np.zeros(2)], (np.ones(1),), 5, "text",
                                   None, [1, 2], {3: np.arange(2)}, np.float32(1.0)],
                         ids=repr)
def test_top_level_values(tmp_path: Path, fmt: str, value: object) -> None:
    storage = DLFriendlyStorage()
    path = storage.save_to_file(value, tmp_path / "v", format=fmt)
    assert_same(value, storage.load_from_file(path, trusted=True))


@pytest.mark.parametrize("codec", ["zstd", "zlib", "none"])
def test_codecs(tmp_path: Path, codec: str) -> None:
    storage = DLFriendlyStorage(compression_level=3, codec=codec, array_inline_max=4)
    doc = {"zeros": np.zeros(5000), "random": np.random.default_rng(1).random(3000)}
    for fmt in ("json", "compressed"):
        path = storage.save_to_file(doc, tmp_path / f"{fmt}.json", format=fmt)
        assert_same(doc, storage.load_from_file(path))


def test_loaded_arrays_are_writable(tmp_path: Path) -> None:
    storage = DLFriendlyStorage()
    doc = {"big": np.arange(100_000.0), "small": np.arange(3), "zeros": np.zeros(10_000)}
    for fmt in FORMATS[:3]:
        back = storage.load_from_file(storage.save_to_file(doc, tmp_path / fmt, format=fmt))
        for arr in back.values():
            arr[0] = 1  # np.load gives writable arrays; so does Loupe


@pytest.mark.parametrize("fmt", FORMATS[:3])
def test_unencodable_value_names_its_place(tmp_path: Path, fmt: str) -> None:
    doc = {"model": {"layers": [1, 2], "optimizer": Decimal("1.5")}}
    with pytest.raises(EncodeError) as info:
        DLFriendlyStorage().save_to_file(doc, tmp_path / "x", format=fmt)
    assert info.value.location == 'data["model"]["optimizer"]'
    assert 'data["model"]["optimizer"]' in str(info.value)
    assert "Decimal" in str(info.value)
    assert not list(tmp_path.iterdir())


def test_unencodable_inside_list_and_object_array() -> None:
    storage = DLFriendlyStorage()
    with pytest.raises(EncodeError, match=r'data\["runs"\]\[1\]\["opt"\]'):
        storage.encode({"runs": [{}, {"opt": object()}]})
    with pytest.raises(EncodeError, match=r"data\[0\]\[2\]"):
        storage.encode([np.array([1, 2, object()], dtype=object)])
    with pytest.raises(EncodeError, match="structured"):
        storage.encode(np.zeros(2, dtype=[("a", "i4")]))
