"""MLflow stores read through MLflow's client: a file store (mlruns/) and a SQLite database."""

from __future__ import annotations

import numpy as np
import pytest

from storage import Lab, experiment_sources

from .writers import write_mlflow_store


def _tree(folder):
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in sorted(folder.rglob("*"))
            if ".loupe" not in p.parts}


@pytest.mark.parametrize("store", ["file", "sqlite"])
def test_mlflow_store(tmp_path, store) -> None:
    root = tmp_path / "project"
    root.mkdir()
    uri = (root / "mlruns").as_uri() if store == "file" else f"sqlite:///{root / 'mlflow.db'}"
    ids = write_mlflow_store(uri)
    before = _tree(root)
    assert experiment_sources(root) == ["mlflow"]
    lab = Lab(root)
    summary = lab.reindex()
    assert summary.indexed == 2 and not summary.failed
    run = {i: f"mlflow:cifar10/run{n}-{i[:8]}" for n, i in enumerate(ids)}
    meta = lab.index.get(run[ids[1]]).metadata
    assert meta["lr"] == 1e-3 and meta["team"] == "vision" and meta["status"] == "done"
    assert meta["architecture"] == "resnet18" and meta["mlflow_experiment"] == "cifar10"
    assert np.isclose(meta["loss"], 1 / 21)
    assert meta["mlflow_run_id"] == ids[1]
    assert [h.id for h in lab.search(where="lr > 5e-3")] == [run[ids[0]]]
    history = lab.history(run[ids[0]], ["loss"])
    assert history["step"].tolist() == list(range(20)) and history["loss"][0] == 1.0
    assert lab.reindex().unchanged == 2
    assert _tree(root) == before  # the store is read, never written
