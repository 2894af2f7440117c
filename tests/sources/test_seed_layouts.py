"""The seed's own layouts open as they are: a flat NAL results_dir, the stress test's folders."""

from __future__ import annotations

import json
import subprocess
import sys

import h5py
import numpy as np
from conftest import REPO, subprocess_env

from storage import Lab, experiment_sources
from storage._experiments.sources import SOURCE_TYPES


def _seeds(folder, hypotheses: int = 20, seeds: int = 3) -> None:
    """NAL's results_dir: one file per seed, seeds sharing their hypothesis id, no run ids."""
    folder.mkdir(parents=True, exist_ok=True)
    for h in range(hypotheses):
        for s in range(seeds):
            doc = {"hypothesis_id": f"r{h:02d}", "hypothesis": f"width {h} helps",
                   "architecture": "mlp", "config": {"seed": s, "lr": 1e-3},
                   "metrics": {"accuracy": 0.5 + h / 100 + s / 1000}, "status": "done"}
            (folder / f"r{h:02d}_s{s}_results.json").write_text(json.dumps(doc))
    (folder / "lab_report_L1.json").write_text(json.dumps(
        {"lab_id": "L1", "title": "Width sweep review", "hypotheses": ["r01"]}))


def test_flat_results_dir_keeps_every_seed(tmp_path) -> None:
    results = tmp_path / "results_dir"
    _seeds(results)
    assert experiment_sources(results) == ["nal"]
    lab = Lab(results)
    summary = lab.reindex()
    assert summary.indexed == 60 and lab.index.count() == 60 and not summary.collisions
    assert "r01_s2" in lab.experiment_ids()
    hit = lab.index.get("r01_s2")
    assert hit.metadata["lab_id"] == "L1" and "Width sweep review" in hit.metadata["lab_report"]
    assert hit.metadata["hypothesis_id"] == "r01" and hit.metadata["seed"] == 2
    assert lab.index_status() == "ok" and lab.reindex().unchanged == 60
    assert not any(p.name != ".loupe" for p in results.iterdir() if p.is_dir())


def test_id_collision_is_reported_never_overwritten(tmp_path) -> None:
    results = tmp_path / "results_dir"
    results.mkdir()
    for name, acc in (("a", 0.1), ("b", 0.2)):
        (results / f"{name}_results.json").write_text(json.dumps(
            {"runs": [{"run_id": "dup", "metrics": {"accuracy": acc}}]}))
    lab = Lab(results)
    summary = lab.reindex()
    assert summary.indexed == 2 and lab.index.count() == 2
    assert [(p.name, run, owner) for p, run, owner in summary.collisions] == [
        ("b_results.json", "dup", "nal:a_results.json")]
    assert lab.index.get("dup").metadata["accuracy"] == 0.1
    other = lab.index.get("dup@b_results.json")
    assert other.metadata["accuracy"] == 0.2 and other.metadata["id_collision"] == "dup"


def test_stress_test_layout(tmp_path) -> None:
    root = tmp_path / "stress"
    (root / "timeseries").mkdir(parents=True)
    for gen in (1, 2):
        folder = root / f"generation_{gen}_results"
        folder.mkdir()
        (folder / "h1_results.json").write_text(json.dumps(
            {"hypothesis_id": "h1", "metrics": {"accuracy": 0.5 + gen / 10}}))
    (root / "generation_1_results" / "h2_results.json").write_text(json.dumps(
        {"runs": [{"run_id": "h2_a", "timeseries": "timeseries/anything.h5"}]}))
    # histories written by another program: plain h5py, 1-D datasets are the metrics
    with h5py.File(root / "timeseries" / "anything.h5", "w") as f:
        f["loss"] = np.linspace(1, 0.1, 30)
        f["accuracy"] = np.linspace(0.1, 0.9, 30)
    with h5py.File(root / "timeseries" / "h2_a.h5", "w"):
        pass
    assert experiment_sources(root) == ["nal"]
    lab = Lab(root)
    summary = lab.reindex()
    assert summary.indexed == 3 and not summary.failed and not summary.collisions
    assert sorted(lab.experiment_ids()) == ["generation_1/h1", "generation_2/h1", "h2_a"]
    assert lab.index.get("generation_2/h1").metadata["accuracy"] == 0.7
    history = lab.history("h2_a")
    assert len(history["loss"]) == 30 and history["accuracy"][-1] == 0.9


def test_cli_indexes_a_flat_results_dir(tmp_path) -> None:
    results = tmp_path / "results_dir"
    _seeds(results, hypotheses=2, seeds=3)
    out = subprocess.run([sys.executable, "-m", "gui", "index", str(results)], cwd=REPO,
                         env=subprocess_env(tmp_path), capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr
    assert "found: NAL results" in out.stderr and "indexed 6 runs" in out.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    out = subprocess.run([sys.executable, "-m", "gui", "index", str(empty)], cwd=REPO,
                         env=subprocess_env(tmp_path), capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 1 and "found no experiments" in out.stderr
    for source in SOURCE_TYPES:  # the message names every kind the registry knows
        assert f"{source.title}: {source.looks_for}" in out.stderr


def test_a_dropped_results_dir_is_a_lab(tmp_path) -> None:
    from gui.main_window import _is_lab

    results = tmp_path / "results_dir"
    _seeds(results, hypotheses=1, seeds=2)
    assert _is_lab(str(results)) and not _is_lab(str(tmp_path / "nothing"))


def test_collisions_are_in_the_search_panel_message(tmp_path) -> None:
    from gui.search.search_jobs import Opened

    results = tmp_path / "results_dir"
    results.mkdir()
    for name in ("a", "b"):
        (results / f"{name}_results.json").write_text(json.dumps({"runs": [{"run_id": "dup"}]}))
    lab = Lab(results)
    text = Opened(lab, "missing", lab.reindex(), {}).describe()
    assert "1 run id(s) used twice, kept as id@file (dup)" in text
