"""TensorBoard logdirs: one run per event-file folder, scalars as series, HParams as config."""

from __future__ import annotations

import numpy as np
import pytest

from storage import Lab, experiment_sources
from storage._experiments.sources import _tensorboard as tb

from .writers import (
    isolated_cache,  # noqa: F401 - autouse
    write_tensorboard_run,
)


@pytest.fixture()
def tb_logdir(tmp_path):
    root = tmp_path / "logs"
    write_tensorboard_run(root / "run_a", lr=1e-3)
    write_tensorboard_run(root / "run_b", lr=3e-4, steps=30)
    return root


def test_logdir_indexes_searches_and_plots(tb_logdir) -> None:
    assert experiment_sources(tb_logdir) == ["tensorboard"]
    lab = Lab(tb_logdir)
    summary = lab.reindex()
    assert summary.indexed == 2 and not summary.failed
    assert lab.experiment_ids() == ["tb:run_a", "tb:run_b"]
    hit = lab.index.get("tb:run_b")
    assert hit.metadata["lr"] == 3e-4 and hit.metadata["optimizer"] == "adamw"
    assert hit.metadata["architecture"] == "resnet18" and hit.metadata["steps"] == 29
    assert np.isclose(hit.metadata["train/loss"], 1 / 30)
    assert [h.id for h in lab.search(where="lr < 5e-4")] == ["tb:run_b"]
    history = lab.history("tb:run_a", ["train/loss"])
    assert list(history) == ["train/loss", "step", "wall_time"]
    np.testing.assert_allclose(history["train/loss"], 1 / np.arange(1, 51), rtol=1e-6)
    assert history["step"].tolist() == list(range(50))
    assert lab.reindex().unchanged == 2 and lab.index_status() == "ok"
    assert sorted(p.name for p in tb_logdir.iterdir()) == [".loupe", "run_a", "run_b"]


def test_non_scalar_records_are_never_decoded(tb_logdir, monkeypatch) -> None:
    decoded = []
    original = tb._tensor_scalar
    monkeypatch.setattr(tb, "_tensor_scalar", lambda t: decoded.append(t) or original(t))
    run = tb.read_folder(tb_logdir / "run_a")
    assert set(run.values) == {"train/loss", "eval/accuracy", "hparam/accuracy"}
    assert not decoded
    assert run.hparams == {"lr": 1e-3, "optimizer": "adamw", "model": "resnet18"}


def test_growing_run_is_reindexed(tb_logdir) -> None:
    lab = Lab(tb_logdir)
    lab.reindex()
    write_tensorboard_run(tb_logdir / "run_a", steps=80, images=False)  # a new event file
    assert lab.index_status() == "stale"
    again = lab.reindex()
    assert again.indexed == 1 and again.unchanged == 1
    assert len(lab.history("tb:run_a", ["train/loss"])["train/loss"]) == 130


def test_truncated_and_damaged_files(tb_logdir) -> None:
    path = max((tb_logdir / "run_b").glob("events.out.tfevents.*"), key=lambda p: p.stat().st_size)
    data = path.read_bytes()
    path.write_bytes(data[:-7])  # a writer mid-record: what is complete is read
    assert len(tb.read_folder(tb_logdir / "run_b").values["train/loss"]) in (29, 30)
    path.write_bytes(data[:20] + b"\xff" * 8 + data[28:])
    lab = Lab(tb_logdir)
    summary = lab.reindex()
    assert summary.indexed == 1 and [p.name for p, _ in summary.failed] == ["run_b"]
    assert "damaged event record" in summary.failed[0][1]


def test_scalars_cached_outside_the_logdir(tb_logdir, tmp_path) -> None:
    lab = Lab(tb_logdir)
    lab.reindex()
    assert len(list((tmp_path / "cache" / "tensorboard").glob("*.npz"))) == 2
    tb._CACHE._items.clear()  # a new process: the plot reads the cache, not the event files
    calls = []
    original = tb.read_folder
    try:
        tb.read_folder = lambda folder: calls.append(folder) or original(folder)
        history = lab.history("tb:run_a", ["eval/accuracy"])
    finally:
        tb.read_folder = original
    assert not calls and len(history["eval/accuracy"]) == 50


def test_missing_package_names_the_extra(tb_logdir, monkeypatch) -> None:
    import sys

    for name in [m for m in sys.modules if m.startswith("tensorboard")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "tensorboard", None)
    summary = Lab(tb_logdir).reindex()
    assert summary.indexed == 0 and len(summary.failed) == 2
    assert "pip install 'loupe-lab[tensorboard]'" in summary.failed[0][1]
