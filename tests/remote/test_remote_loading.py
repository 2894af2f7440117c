"""Training scripts read results straight from the store: load_from_file and time series."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from storage import (
    DLFriendlyStorage,
    RemoteNotFoundError,
    TimeSeriesConfig,
    TimeSeriesStorage,
    UntrustedPickleError,
)
from storage._experiments._series_h5 import SeriesReader
from storage._experiments._timeseries import read_history_file

pytestmark = [pytest.mark.server, pytest.mark.usefixtures("remote_env")]

RESULT = {"hypothesis": "wider is better", "lr": 1e-3, "epochs": 3,
          "weights": np.arange(12, dtype="float32").reshape(3, 4), "tags": ["a", "b"]}


def _same(a, b) -> None:
    assert a.keys() == b.keys()
    for key in a:
        if isinstance(a[key], np.ndarray):
            np.testing.assert_array_equal(a[key], b[key])
            assert a[key].dtype == b[key].dtype
        else:
            assert a[key] == b[key]


@pytest.mark.parametrize("fmt", ["json", "compressed", "hdf5"])
def test_load_from_s3(s3, tmp_path: Path, fmt: str) -> None:
    storage = DLFriendlyStorage()
    local = storage.save_to_file(RESULT, tmp_path / f"result.{fmt}", format=fmt)
    url = s3.put("results", f"exp1/result.{fmt}", local)
    _same(storage.load_from_file(url), storage.load_from_file(local))
    _same(storage.load_from_file(url, format=fmt), RESULT)


def test_load_from_hsds(hsds, tmp_path: Path) -> None:
    storage = DLFriendlyStorage()
    local = storage.save_to_file(RESULT, tmp_path / "result.h5", format="hdf5")
    url = hsds.upload(local, "/home/admin/result.h5")
    _same(storage.load_from_file(url), RESULT)


def test_pickle_by_url_needs_trust(s3, tmp_path: Path) -> None:
    storage = DLFriendlyStorage()
    local = storage.save_to_file({"a": 1}, tmp_path / "r.pkl", format="pickle")
    url = s3.put("results", "r.pkl", local)
    with pytest.raises(UntrustedPickleError):
        storage.load_from_file(url)
    assert storage.load_from_file(url, trusted=True) == {"a": 1}


def test_missing_object(s3) -> None:
    with pytest.raises(RemoteNotFoundError):
        DLFriendlyStorage().load_from_file("s3://results/nothing-here.json")


@pytest.mark.parametrize("server", ["hsds", "s3"])
def test_time_series_by_url(server: str, request, tmp_path: Path) -> None:
    series = TimeSeriesStorage(TimeSeriesConfig(storage_dir=tmp_path))
    loss = np.linspace(1, 0, 50)
    path = series.write_history("run-7", {"loss": loss, "acc": loss[::-1]}, steps=np.arange(50))
    srv = request.getfixturevalue(server)
    url = (srv.upload(path, f"/home/admin/{path.name}") if server == "hsds" else
           srv.put("series", path.name, path))
    with SeriesReader(url) as reader:
        assert reader.metrics() == ["acc", "loss"]
        np.testing.assert_allclose(reader.read("loss", 10, 20), loss[10:20])
    history = read_history_file(url)
    np.testing.assert_allclose(history["acc"], loss[::-1])
    np.testing.assert_array_equal(history["step"], np.arange(50))
