"""One vocabulary of field roles: the compare table's metric columns and the plots' "all
hyperparameters but the seed" grouping read it from one place, so they cannot disagree."""

from __future__ import annotations

from storage import is_configuration, is_result_name, runs_from_metadata

META = {"experiment_id": "h1", "lr": 1e-3, "optimizer": "adamw", "seed": 2, "epochs": 30,
        "accuracy": 0.91, "best_accuracy": 0.93, "val_loss": 0.4, "top1_acc": 0.9,
        "started": "2026-01-02T03:04:05", "accumulate_grad": 4, "status": "done"}


def test_a_result_column_is_never_a_grouping_key() -> None:
    run = runs_from_metadata("h1", META)
    for key in run.metrics:
        assert is_result_name(key) and not is_configuration(key, META[key])
    assert set(run.metrics) == {"accuracy", "best_accuracy", "val_loss", "top1_acc"}


def test_configuration_is_what_the_grouping_keeps() -> None:
    kept = {k for k, v in META.items() if is_configuration(k, v)}
    assert kept == {"lr", "optimizer", "accumulate_grad"}
    assert not is_result_name("accumulate_grad")  # "acc" only as a word, not a prefix
