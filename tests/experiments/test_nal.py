"""The NAL result schema and the hybrid store."""

from __future__ import annotations

import json

import numpy as np
import pytest

from storage import (
    ChromaConfig,
    CorruptFileError,
    HybridExperimentStorage,
    NALChromaIntegration,
    TimeSeriesConfig,
    UnknownTypeMarkerError,
)
from storage._experiments._nal import load_json, parse_results

RESULT = {
    "hypothesis_id": "h042",
    "hypothesis": "Warmup stabilises vision transformers",
    "dataset": "cifar100",
    "tags": ["vit", "warmup"],
    "runs": [
        {"run_id": "h042_vit-s_lr1e-3_s0", "architecture": "vit-s",
         "config": {"learning_rate": 1e-3, "seed": 0, "warmup": 5, "aug": {"flip": True}},
         "metrics": {"accuracy": 0.88, "loss": 0.4}, "status": "completed",
         "history": {"loss": list(np.linspace(2, 0.4, 50)), "accuracy": [0.1] * 50},
         "gpu": "A100", "extra_list": [1, 2, 3]},
        {"run_id": "h042_vit-s_lr1e-2_s0", "config": {"model": "vit-s", "lr": 1e-2},
         "history": {"loss": [2.0, 1.5, float("nan")], "accuracy": [0.1, 0.2, 0.15]}},
    ],
}


def test_schema_fields_and_derivations() -> None:
    hyp, runs = parse_results(RESULT, "ignored")
    assert hyp["hypothesis_id"] == "h042" and len(runs) == 2
    a, b = (r.metadata for r in runs)
    assert a["lr"] == 1e-3 and a["warmup"] == 5 and a["status"] == "done"
    assert a["gpu"] == "A100" and "extra_list" not in a  # unknown scalar kept as metadata
    assert "extra_list" in runs[0].document and "Warmup stabilises" in runs[0].document
    assert a["best_accuracy"] == 0.1 and a["epochs"] == 50
    assert b["architecture"] == "vit-s" and b["status"] == "diverged"
    assert np.isnan(b["loss"]) and b["best_loss"] == 1.5 and b["accuracy"] == 0.15


def test_single_run_file_and_dl_json_markers(tmp_path) -> None:
    path = tmp_path / "h7_results.json"
    path.write_text(json.dumps({
        "architecture": "mlp", "status": "done",
        "history": {"loss": {"__type__": "numpy_array", "dtype": "float32", "shape": [3],
                             "data": [1.0, 0.5, 0.25]}},
        "started": {"__type__": "datetime", "iso": "2025-07-17T01:06:14"}}))
    _, runs = parse_results(load_json(path), "h7")
    (run,) = runs
    assert run.experiment_id == "h7" and run.metadata["loss"] == 0.25
    assert run.history["loss"].tolist() == [1.0, 0.5, 0.25]
    assert "2025-07-17" in str(run.metadata["started"])


def test_malformed_documents() -> None:
    with pytest.raises(CorruptFileError):
        parse_results([1, 2], "h1")
    with pytest.raises(CorruptFileError):
        parse_results({"runs": "nope"}, "h1")


def test_hybrid_store_splits_by_length(tmp_path) -> None:
    store = HybridExperimentStorage(ChromaConfig(tmp_path / "ix"),
                                    TimeSeriesConfig(tmp_path / "ts"), timeseries_threshold=10)
    long_path = store.store_experiment("long", {"accuracy": 0.9, "architecture": "resnet18"},
                                       {"loss": np.linspace(1, 0, 100)}, "a long resnet run")
    short_path = store.store_experiment("short", {"accuracy": 0.5}, {"loss": [1.0, 0.9]})
    assert long_path.suffix == ".h5" and short_path.name.endswith(".json.zst")
    exp = store.get_experiment("long")
    assert exp.metadata["accuracy"] == 0.9 and exp._history is None  # lazy
    assert len(exp.history["loss"]) == 100
    assert store.get_experiment("short").history["loss"].tolist() == [1.0, 0.9]
    assert [h.id for h in store.search("resnet", limit=1)] == ["long"]
    # re-storing with a short history replaces the HDF5 file by a JSON one
    store.store_experiment("long", {"accuracy": 0.91}, {"loss": [0.5]})
    assert not long_path.exists() and store.index.count() == 2
    store.delete("short")
    assert store.get_experiment("short") is None and not short_path.exists()


def test_nal_integration_indexes_a_folder(tmp_path) -> None:
    results = tmp_path / "results"
    results.mkdir()
    (results / "h042_results.json").write_text(json.dumps(RESULT))
    (results / "h043_results.json").write_text("{ broken")
    (results / "lab_report_l1.json").write_text(json.dumps(
        {"lab_id": "l1", "title": "Transformer review", "hypotheses": ["h042"]}))
    nal = NALChromaIntegration(chroma_config=ChromaConfig(tmp_path / "ix"),
                               timeseries_config=TimeSeriesConfig(tmp_path / "ts"),
                               timeseries_threshold=10)
    summary = nal.index_results_dir(results)
    assert sorted(summary.indexed) == ["h042_vit-s_lr1e-2_s0", "h042_vit-s_lr1e-3_s0"]
    assert [p.name for p, _ in summary.failed] == ["h043_results.json"]
    exp = nal.storage.get_experiment("h042_vit-s_lr1e-3_s0")
    assert exp.metadata["lab_id"] == "l1" and "Transformer review" in exp.document
    assert exp.history_path.suffix == ".h5" and len(exp.history["loss"]) == 50
    short = nal.storage.get_experiment("h042_vit-s_lr1e-2_s0")
    assert short.history_path.name.endswith(".json.zst")
    # indexing again updates, never duplicates
    nal.index_results_dir(results)
    assert nal.storage.index.count() == 2


@pytest.mark.parametrize("fmt", ["json", "compressed"])
def test_dl_friendly_results_files(tmp_path, fmt) -> None:
    import datetime

    import storage

    if not hasattr(storage, "DLFriendlyStorage"):
        pytest.skip("DLFriendlyStorage is not available")
    doc = {"hypothesis_id": "h9", "runs": [{
        "run_id": "r1", "architecture": "mlp", "started": datetime.datetime(2025, 1, 2),
        "history": {"loss": np.linspace(1, 0, 500).astype(np.float32),
                    "accuracy": np.full(500, np.nan)}}]}
    path = storage.DLFriendlyStorage().save_to_file(doc, tmp_path / "h9_results.json",
                                                    format=fmt)
    _, (run,) = parse_results(load_json(path), "h9")
    assert run.history["loss"].shape == (500,) and run.metadata["loss"] == 0.0
    assert np.isnan(run.metadata["accuracy"]) and "best_accuracy" not in run.metadata
    assert run.metadata["started"].startswith("2025-01-02")


@pytest.mark.parametrize(("text", "error", "says"), [
    (json.dumps({"runs": [{"run_id": "r1", "x": {"__type__": "py/object", "cls": "os.system"}}]}),
     UnknownTypeMarkerError, "py/object"),
    ('{"runs": [\n  {"run_id": }]}', CorruptFileError, "line 2"),
], ids=["unknown-marker", "broken-json"])
def test_bad_result_is_a_typed_error(tmp_path, text, error, says) -> None:
    # Never silently changed into a plain dict or a string (the old fallback decoder did that).
    path = tmp_path / "h8_results.json"
    path.write_text(text)
    with pytest.raises(error, match=says):
        load_json(path)


def test_datetime_marker_stays_a_datetime(tmp_path) -> None:
    import datetime as dt

    path = tmp_path / "h9_results.json"
    path.write_text(json.dumps({"created": {"__type__": "datetime",
                                            "iso": "2025-07-17T01:06:14"}}))
    assert load_json(path)["created"] == dt.datetime(2025, 7, 17, 1, 6, 14)
