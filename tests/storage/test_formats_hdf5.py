"""The HDF5 layout: groups, chunked compressed datasets, attributes, keys with slashes."""

from __future__ import annotations

import json
from pathlib import Path

import h5py
import numpy as np
from dl_compare import assert_same

from storage import DLFriendlyStorage


def _save(tmp_path: Path, doc: object) -> Path:
    return DLFriendlyStorage().save_to_file(doc, tmp_path / "x.h5", format="hdf5")


def test_layout_is_natural_hdf5(tmp_path: Path) -> None:
    doc = {"model": {"weights": np.zeros((300, 200), np.float32), "name": "resnet",
                     "depth": 50, "lr": 1e-3, "ok": True},
           "history": {"loss": [0.9, 0.5, 0.25]}, "when": np.datetime64("2025-01-01")}
    path = _save(tmp_path, doc)
    with h5py.File(path) as f:
        weights = f["model/weights"]
        assert weights.dtype == np.float32 and weights.shape == (300, 200)
        assert weights.chunks is not None and weights.compression == "gzip"  # zeros compress
        assert f["model"].attrs["name"] == "resnet" and f["model"].attrs["depth"] == 50
        assert f["history/loss"][()].tolist() == [0.9, 0.5, 0.25]  # a curve a viewer can plot
        marked = json.loads(f.attrs["when"])
        assert marked["__type__"] == "numpy_scalar"
    assert_same(doc, DLFriendlyStorage().load_from_file(path))


def test_random_data_is_stored_contiguous(tmp_path: Path) -> None:
    path = _save(tmp_path, {"r": np.random.default_rng(0).random((200, 200))})
    with h5py.File(path) as f:
        assert f["r"].chunks is None and f["r"].compression is None


def test_chunks_are_about_a_mebibyte() -> None:
    from storage._formats._hdf5_write import chunk_shape

    assert chunk_shape((4096, 4096), 4) == (512, 512)
    assert chunk_shape((10,), 8) == (10,)
    assert chunk_shape((3, 10**7), 1) == (3, 312500)


def test_keys_with_slashes_and_reserved_names(tmp_path: Path) -> None:
    doc = {"a/b": {"c/d": np.arange(3), "x": 1}, "%": 2, "": {"y": np.ones(2)}, ".": 3,
           "__dl__": "mine", "__dl_order__": np.arange(2)}
    path = _save(tmp_path, doc)
    with h5py.File(path) as f:
        assert "a%2Fb" in f and "c%2Fd" in f["a%2Fb"]
    assert_same(doc, DLFriendlyStorage().load_from_file(path))


def test_lists_with_big_arrays_become_groups(tmp_path: Path) -> None:
    doc = {"layers": [np.ones(10_000), {"w": np.zeros(1)}, "relu"], "pairs": {1: np.arange(2)},
           "records": [{"id": i, "confusion": np.eye(3)} for i in range(50)]}
    path = _save(tmp_path, doc)
    with h5py.File(path) as f:
        assert isinstance(f["layers"], h5py.Group) and f["layers/0"].shape == (10_000,)
        assert isinstance(f["pairs"], h5py.Group)
        assert json.loads(f.attrs["records"])[0]["id"] == 0  # small records: one attribute
    assert_same(doc, DLFriendlyStorage().load_from_file(path))


def test_unusual_strings_fall_back_to_dljson(tmp_path: Path) -> None:
    doc = {"nul": "a\x00b", "surrogate": "\ud800", "big": 2**64, "none": None}
    assert_same(doc, DLFriendlyStorage().load_from_file(_save(tmp_path, doc)))


def test_foreign_hdf5_loads_with_attributes(tmp_path: Path) -> None:
    path = tmp_path / "foreign.h5"
    with h5py.File(path, "w") as f:
        f.attrs["title"] = "scan"
        f.create_dataset("g/x", data=np.arange(4))
    data = DLFriendlyStorage().load_from_file(path)
    assert data["@title"] == "scan" and data["g"]["x"].tolist() == [0, 1, 2, 3]
