"""Time series: HDF5 layout, appends, ranges, compression, JSON mode, save/load_metrics."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from storage import (
    StorageFileNotFoundError,
    TimeSeriesConfig,
    TimeSeriesStorage,
    load_metrics,
    save_metrics,
)


@pytest.fixture(params=["gzip", "lzf", "zstd", None])
def ts(request, tmp_path):
    return TimeSeriesStorage(TimeSeriesConfig(tmp_path / "ts", compression=request.param,
                                              chunk_size=16))


def test_write_history_layout_and_read_back(ts):
    loss = np.linspace(2.0, 0.1, 50)
    acc = np.linspace(0.1, 0.95, 50)
    acc[10] = np.nan
    path = ts.write_history("h1_run", {"loss": loss, "accuracy": acc}, steps=np.arange(50) * 10,
                            attrs={"architecture": "resnet18"})
    assert path == ts.path_for("h1_run") and path.suffix == ".h5"
    with h5py.File(path, "r") as f:
        assert f.attrs["loupe_timeseries"] == 1
        assert f.attrs["experiment_id"] == "h1_run"
        assert f["loss"].dtype == np.float64 and f["loss"].maxshape == (None,)
        assert f["loss"].chunks is not None
        assert f["step"].dtype == np.int64
        assert f.attrs["architecture"] == "resnet18"
    np.testing.assert_array_equal(ts.read("h1_run", "accuracy"), acc)
    np.testing.assert_array_equal(ts.read("h1_run", "loss", 5, 9), loss[5:9])
    hist = ts.read_history("h1_run")
    assert set(hist) == {"loss", "accuracy", "step"}
    assert ts.list_metrics("h1_run") == ["accuracy", "loss"]
    assert ts.list_experiments() == ["h1_run"]


def test_compression_is_applied(tmp_path):
    ts = TimeSeriesStorage(TimeSeriesConfig(tmp_path, compression="zstd"))
    path = ts.write_history("z", {"loss": np.zeros(1000)})
    with h5py.File(path, "r") as f:
        assert "32015" in f["loss"]._filters  # the registered zstd filter id


def test_writer_appends_rows_and_fills_missing_with_nan(ts):
    with ts.open_writer("live", metrics=["loss"]) as w:
        for epoch in range(40):
            row = {"loss": 1.0 / (epoch + 1)}
            if epoch >= 20:
                row["accuracy"] = epoch / 40  # a metric that appears later
            w.append(row, wall_time=1000.0 + epoch)
        assert w.length == 40
    hist = ts.read_history("live")
    assert len(hist["loss"]) == 40 and len(hist["accuracy"]) == 40
    assert np.isnan(hist["accuracy"][:20]).all()
    assert hist["accuracy"][39] == pytest.approx(39 / 40)
    np.testing.assert_array_equal(hist["step"], np.arange(40))
    assert hist["wall_time"][0] == 1000.0


def test_writer_reopens_and_continues(tmp_path):
    ts = TimeSeriesStorage(TimeSeriesConfig(tmp_path))
    with ts.open_writer("r") as w:
        w.append({"loss": 1.0})
    with ts.open_writer("r") as w:
        w.append({"loss": 0.5})
    np.testing.assert_array_equal(ts.read("r", "loss"), [1.0, 0.5])
    np.testing.assert_array_equal(ts.read("r", "step"), [0, 1])


def test_reader_refresh_sees_flushed_rows(tmp_path):
    ts = TimeSeriesStorage(TimeSeriesConfig(tmp_path))
    w = ts.open_writer("r", metrics=["loss"])
    w.append({"loss": 1.0})
    w.flush()
    with ts.open_reader("r") as reader:
        assert reader.metrics() == ["loss"]
        assert reader.length("loss") == 1
        for _ in range(5):
            w.append({"loss": 0.5})
        w.flush()
        assert reader.refresh() == {"loss": 6}
        assert reader.read("loss", 1).tolist() == [0.5] * 5
    w.close()


def test_unsafe_ids_get_distinct_files(tmp_path):
    ts = TimeSeriesStorage(TimeSeriesConfig(tmp_path))
    ts.write_history("a/b", {"x": [1.0]})
    ts.write_history("a:b", {"x": [2.0]})
    assert ts.path_for("a/b") != ts.path_for("a:b")
    assert ts.path_for("a/b").parent == tmp_path
    assert ts.list_experiments() == ["a/b", "a:b"]
    assert ts.read("a:b", "x").tolist() == [2.0]


def test_json_mode_round_trips_nan_and_inf(tmp_path):
    ts = TimeSeriesStorage(TimeSeriesConfig(tmp_path, use_hdf5=False))
    values = np.array([1.0, np.nan, np.inf, -0.0])
    path = ts.write_history("short", {"loss": values})
    assert path.name == "short.json.zst"
    got = ts.read("short", "loss")
    np.testing.assert_array_equal(got, values)
    assert np.signbit(got[3])
    assert ts.list_metrics("short") == ["loss"]
    with ts.open_writer("short2") as w:
        w.append({"loss": 0.3})
        w.append({"loss": 0.2, "acc": 0.9})
    hist = ts.read_history("short2")
    assert hist["loss"].tolist() == [0.3, 0.2] and np.isnan(hist["acc"][0])


def test_missing_experiment_is_a_typed_error(tmp_path):
    ts = TimeSeriesStorage(TimeSeriesConfig(tmp_path))
    with pytest.raises(StorageFileNotFoundError, match="nope"):
        ts.read("nope", "loss")
    with pytest.raises(KeyError, match="has no series"):
        ts.write_history("x", {"loss": [1.0]})
        ts.read("x", "accuracy")


def test_bad_compression_is_rejected(tmp_path):
    with pytest.raises(ValueError, match="unknown compression"):
        TimeSeriesConfig(tmp_path, compression="brotli")


def test_save_and_load_metrics(tmp_path):
    metrics = {"accuracy": 0.93, "name": "run1", "done": True, "curve": np.arange(100.0),
               "val": {"loss": 0.2, "confusion": np.eye(3, dtype=np.int32)}, "note": None}
    path = save_metrics(metrics, tmp_path / "m.h5")
    back = load_metrics(path)
    assert back["accuracy"] == 0.93 and back["name"] == "run1" and back["done"] is True
    np.testing.assert_array_equal(back["curve"], metrics["curve"])
    np.testing.assert_array_equal(back["val"]["confusion"], np.eye(3))
    assert back["val"]["loss"] == 0.2 and back["note"] is None


def test_read_history_leaves_out_missing_metrics(tmp_path):
    ts = TimeSeriesStorage(TimeSeriesConfig(tmp_path))
    ts.write_history("r", {"loss": [1.0, 0.5]}, steps=[0, 1])
    assert set(ts.read_history("r", metrics=["loss", "nope"])) == {"loss", "step"}
