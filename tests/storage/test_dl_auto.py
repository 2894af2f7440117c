"""Auto format choice, returned paths, content-based detection and the mesh helpers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from dl_compare import assert_same

from storage import DLFriendlyStorage, EncodeError, detect_format


def test_auto_picks_json_for_plain_data(tmp_path: Path) -> None:
    path = DLFriendlyStorage().save_to_file({"lr": 0.1, "tags": ["a"]}, tmp_path / "r.json")
    assert path == tmp_path / "r.json" and detect_format(path) == "json"


def test_auto_picks_compressed_for_arrays(tmp_path: Path) -> None:
    storage = DLFriendlyStorage()
    path = storage.save_to_file({"w": np.zeros(3)}, tmp_path / "r.json")
    assert path == tmp_path / "r.json" and detect_format(path) == "compressed"
    assert storage.choose_format([{"x": (np.ones(1),)}]) == "compressed"


def test_auto_picks_hdf5_over_threshold_and_says_where(tmp_path: Path) -> None:
    storage = DLFriendlyStorage(hdf5_threshold_bytes=1000)
    doc = {"w": np.zeros(200), "meta": {"epochs": 3}}
    path = storage.save_to_file(doc, tmp_path / "run.json")
    assert path == tmp_path / "run.h5"
    assert not (tmp_path / "run.json").exists()
    assert detect_format(path) == "hdf5"
    assert_same(doc, storage.load_from_file(path))
    assert storage.save_to_file(doc, tmp_path / "keep.hdf5") == tmp_path / "keep.hdf5"
    assert storage.save_to_file(doc, tmp_path / "noext") == tmp_path / "noext.h5"
    assert storage.save_to_file(doc, tmp_path / "v1.2") == tmp_path / "v1.2.h5"


def test_auto_leaves_h5_name_for_small_data(tmp_path: Path) -> None:
    path = DLFriendlyStorage().save_to_file({"a": 1}, tmp_path / "x.h5")
    assert path == tmp_path / "x.json"


@pytest.mark.parametrize("fmt", ["json", "compressed", "hdf5", "pickle"])
def test_explicit_format_writes_exactly_at_path(tmp_path: Path, fmt: str) -> None:
    storage = DLFriendlyStorage(hdf5_threshold_bytes=0)
    for name in ("a.json", "b.h5", "c.weird", "d"):
        path = storage.save_to_file({"w": np.arange(5)}, tmp_path / name, format=fmt)
        assert path == tmp_path / name
        assert detect_format(path) == fmt  # by content: the name says nothing


def test_detection_ignores_names(tmp_path: Path) -> None:
    storage = DLFriendlyStorage()
    hdf5 = storage.save_to_file({"a": 1}, tmp_path / "looks.json", format="hdf5")
    text = storage.save_to_file({"a": 1}, tmp_path / "looks.h5", format="json")
    assert storage.load_from_file(hdf5) == {"a": 1} == storage.load_from_file(text)
    assert detect_format(hdf5) == "hdf5" and detect_format(text) == "json"


def test_load_with_explicit_format(tmp_path: Path) -> None:
    storage = DLFriendlyStorage()
    path = storage.save_to_file({"w": np.arange(3)}, tmp_path / "x", format="compressed")
    assert_same({"w": np.arange(3)}, storage.load_from_file(path, format="compressed"))
    assert_same({"w": np.arange(3)}, storage.load_from_file(path, format="json"))


def test_options_are_validated() -> None:
    with pytest.raises(ValueError, match="codec"):
        DLFriendlyStorage(codec="lz4")
    with pytest.raises(ValueError):
        DLFriendlyStorage(compression_level=99)
    assert DLFriendlyStorage(3).compression_level == 3


def test_mesh_round_trip(tmp_path: Path) -> None:
    storage = DLFriendlyStorage()
    mesh = {"vertices": [[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]],
            "faces": np.array([[0, 1, 2]], dtype=np.int32), "name": "tri"}
    path = storage.save_mesh_data(mesh, tmp_path / "tri.json")
    back = storage.load_mesh_data(path)
    assert back["vertices"].dtype == np.float64 and back["vertices"].shape == (3, 3)
    assert_same(mesh["faces"], back["faces"])
    assert back["name"] == "tri"
    with pytest.raises(EncodeError):
        storage.save_mesh_data([1, 2], tmp_path / "bad.json")
