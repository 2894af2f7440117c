"""Hugging Face Trainer folders, Lightning CSVLogger folders, lm-evaluation-harness results."""

from __future__ import annotations

import json

import numpy as np

from storage import Lab, experiment_sources

from .writers import (
    LM_EVAL,
    isolated_cache,  # noqa: F401 - autouse
    write_csv_logger,
    write_trainer_folder,
)


def test_trainer_folder(tmp_path, monkeypatch) -> None:
    import pickle

    monkeypatch.setattr(pickle, "load", lambda *a, **k: (_ for _ in ()).throw(AssertionError))
    write_trainer_folder(tmp_path / "bert-out")
    assert experiment_sources(tmp_path) == ["huggingface"]
    lab = Lab(tmp_path)
    assert lab.reindex().indexed == 1  # the checkpoint is part of its run
    hit = lab.index.get("hf:bert-out")
    meta = hit.metadata
    assert meta["architecture"] == "BertForSequenceClassification"
    assert meta["eval_accuracy"] == 0.9 and meta["best_metric"] == 0.9
    assert meta["best_model_checkpoint"].endswith("checkpoint-40") and meta["global_step"] == 40
    history = lab.history("hf:bert-out", ["eval_loss"])
    assert history["step"].tolist() == [10, 20, 30, 40]
    np.testing.assert_allclose(history["eval_loss"], [0.15, 0.075, 0.05, 0.0375])
    assert len(lab.history("hf:bert-out", ["loss"])["loss"]) == 40


def test_lightning_csv_logger(tmp_path) -> None:
    write_csv_logger(tmp_path / "logs")
    assert experiment_sources(tmp_path) == ["lightning"]
    lab = Lab(tmp_path)
    assert lab.reindex().indexed == 2
    meta = lab.index.get("pl:logs/lightning_logs/version_1").metadata
    assert meta["lr"] == 2e-3 and meta["architecture"] == "resnet19" and meta["epochs"] == 5
    assert meta["val_acc"] == 0.7
    val = lab.history("pl:logs/lightning_logs/version_0", ["val_acc"])
    assert val["step"].tolist() == [3, 6, 9, 12, 15] and len(val["val_acc"]) == 5
    # a growing metrics.csv: the half-written last row waits for its newline
    csv = tmp_path / "logs" / "lightning_logs" / "version_0" / "metrics.csv"
    with csv.open("a") as f:
        f.write("5,16,0.05,,\n5,17,0.0")
    assert lab.index_status() == "stale"
    assert len(lab.history("pl:logs/lightning_logs/version_0", ["train_loss"])[
        "train_loss"]) == 16


def test_lm_eval_results(tmp_path) -> None:
    out = tmp_path / "eval" / "pythia"
    out.mkdir(parents=True)
    (out / "results_2026-12-04T10-00-00.json").write_text(json.dumps(LM_EVAL))
    (out / "results_other.json").write_text(json.dumps({"results": [1, 2]}))  # not lm-eval
    assert experiment_sources(tmp_path) == ["lm_eval"]
    lab = Lab(tmp_path)
    summary = lab.reindex()
    assert summary.indexed == 1 and not summary.failed
    meta = lab.index.get("lm_eval:eval/pythia/results_2026-12-04T10-00-00.json").metadata
    assert meta["hellaswag/acc"] == 0.5 and meta["hellaswag/acc_norm_stderr"] == 0.01
    assert meta["config_model_args"] == "pretrained=EleutherAI/pythia-160m"
    assert [h.id for h in lab.search(where="arc_easy/acc > 0.6")] == [
        "lm_eval:eval/pythia/results_2026-12-04T10-00-00.json"]


def test_several_kinds_side_by_side(tmp_path) -> None:
    from .writers import write_tensorboard_run

    write_csv_logger(tmp_path / "pl", versions=1)
    write_trainer_folder(tmp_path / "hf")
    write_tensorboard_run(tmp_path / "tb" / "run", steps=5, images=False)
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "h1_results.json").write_text(json.dumps({"metrics": {"acc": 1}}))
    assert experiment_sources(tmp_path) == ["nal", "tensorboard", "huggingface", "lightning"]
    lab = Lab(tmp_path)
    assert lab.reindex().indexed == 4 and lab.index.count() == 4
    assert {h.metadata["source"] for h in lab.search(limit=10)} == {
        "nal", "tensorboard", "huggingface", "lightning"}


def test_live_reader_of_a_growing_csv(tmp_path) -> None:
    write_csv_logger(tmp_path / "logs", versions=1)
    lab = Lab(tmp_path)
    lab.reindex()
    run = "pl:logs/lightning_logs/version_0"
    with lab.open_reader(run) as reader:
        assert reader.refresh()["train_loss"] == 15
        assert np.allclose(reader.read("train_loss", 14), [1 / 15], atol=1e-6)
        assert reader.length("step") == 15
        csv = tmp_path / "logs" / "lightning_logs" / "version_0" / "metrics.csv"
        with csv.open("a") as f:
            f.write("5,16,0.05,,\n")
        assert reader.refresh()["train_loss"] == 16
        assert reader.read("train_loss", 15).tolist() == [0.05]
        assert reader.read("step", 15).tolist() == [16]
