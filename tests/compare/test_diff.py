"""The diff of nested values (configs with lists, arrays, type changes) and of HDF5 trees."""

from __future__ import annotations

import math

import numpy as np
import pytest
from compare.compare_helpers import write_pair

from storage import StorageFileNotFoundError, diff_files, diff_values


def _by_path(found):
    return {(d.path, d.note): d for d in found}


def test_nested_config_with_lists_arrays_and_type_changes() -> None:
    a = {"optim": {"name": "adam", "betas": [0.9, 0.999], "lr": 1}, "layers": [64, 64],
         "mask": np.arange(4), "aug": ["flip"], "gone": True}
    b = {"optim": {"name": "adam", "betas": [0.9, 0.98], "lr": 1.0}, "layers": [64, 64, 32],
         "mask": np.arange(4.0), "aug": {"flip": True}, "new": None}
    found = {d.path: d for d in diff_values(a, b)}
    assert found["optim.betas[1]"].kind == "changed"
    assert (found["optim.betas[1]"].a, found["optim.betas[1]"].b) == (0.999, 0.98)
    assert found["optim.lr"].note == "type int -> float"
    assert found["layers[2]"].kind == "added" and found["layers[2]"].b == 32
    assert "dtype" in found["mask"].note
    assert found["aug"].note == "type list -> dict"
    assert found["gone"].kind == "removed" and found["new"].kind == "added"
    assert "optim.name" not in found and "layers[0]" not in found


def test_arrays_compare_values_and_nan_equals_nan() -> None:
    x = np.array([1.0, np.nan, 3.0])
    assert diff_values({"v": x}, {"v": x.copy()}) == []
    changed = diff_values({"v": x}, {"v": np.array([1.0, np.nan, 4.0])})
    assert changed[0].note == "1 of 3 values differ"
    assert "shape" in diff_values(np.zeros(2), np.zeros(3))[0].note
    assert diff_values(math.nan, math.nan) == []


def test_include_same_lists_everything() -> None:
    found = diff_values({"a": 1, "b": 2}, {"a": 1, "b": 3}, include_same=True)
    assert [(d.path, d.kind) for d in found] == [("a", "same"), ("b", "changed")]


def test_to_json_is_plain() -> None:
    import json

    found = diff_values({"a": np.arange(3), "b": math.nan}, {"a": np.arange(3.0)})
    json.dumps([d.to_json() for d in found])


def test_two_hdf5_files_differ_in_attributes_members_shapes_dtypes(tmp_path) -> None:
    a, b = write_pair(tmp_path)
    found = _by_path(diff_files(str(a), str(b)))
    assert found[("/@lr", "attribute")].kind == "changed"
    assert found[("/@name", "attribute")].kind == "removed"
    assert found[("/@extra", "attribute")].kind == "added"
    assert found[("/only_in_a", "")].kind == "removed"
    assert found[("/only_in_b", "")].kind == "added"
    assert (found[("/train/loss", "shape")].a, found[("/train/loss", "shape")].b) == ("10", "12")
    assert found[("/train/loss", "dtype")].b == "float64"
    assert found[("/train/loss@units", "attribute")].b == "bits"
    assert not any(path.startswith("/same") for path, _ in found)


def test_groups_of_two_files_and_equal_files(tmp_path) -> None:
    a, b = write_pair(tmp_path)
    assert diff_files(str(a), str(b), "/same", "/same") == []
    assert diff_files(str(a), str(a)) == []
    with pytest.raises(KeyError):
        diff_files(str(a), str(b), "/nope", "/")


def test_missing_file_is_a_clear_error(tmp_path) -> None:
    a, _ = write_pair(tmp_path)
    with pytest.raises(StorageFileNotFoundError):
        diff_files(str(a), str(tmp_path / "missing.h5"))
