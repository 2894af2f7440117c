"""Lab folders: status, incremental re-indexing, search, histories, bad files."""

from __future__ import annotations

import json
import os
import threading

import numpy as np
import pytest

from storage import Lab, SeriesReader

REQUIRED = ("experiment_id", "hypothesis_id", "architecture", "best_accuracy", "lr", "epochs",
            "seed", "status", "result_path", "timeseries_path")


def test_demo_lab_layout(demo_lab_template) -> None:
    root = demo_lab_template
    assert len(list((root / "results").glob("*_results.json"))) == 6
    assert list((root / "results").glob("lab_report_*.json"))
    assert list((root / "timeseries").glob("*.h5"))
    legacy = sorted(p.name for p in (root / "legacy").glob("*.json"))
    assert "legacy_99_broken.json" in legacy and len(legacy) == 7
    with pytest.raises(json.JSONDecodeError):
        json.loads((root / "legacy" / "legacy_99_broken.json").read_text())


def test_status_and_incremental_reindex(demo_lab) -> None:
    lab = Lab(demo_lab)
    assert lab.index_status() == "stale"  # copied: the paths in the index are the template's
    first = lab.reindex()
    assert first.indexed > 6 * 3 - 1 and not first.failed and lab.index_status() == "ok"
    assert lab.reindex().indexed == 0 and lab.reindex().unchanged == 6
    count = lab.index.count()

    path = demo_lab / "results" / "h002_results.json"
    doc = json.loads(path.read_text())
    doc["runs"] = doc["runs"][:-1]
    doc["runs"][0]["notes"] = "rewritten notes about a zebra"
    path.write_text(json.dumps(doc))
    os.utime(path, ns=(1, 1))  # a different mtime, whatever the clock's resolution
    assert lab.index_status() == "stale"
    again = lab.reindex()
    assert again.indexed == len(doc["runs"]) and again.unchanged == 5
    assert lab.index.count() == count - 1  # the dropped run was removed, none duplicated
    assert lab.search("zebra", limit=1)[0].id == doc["runs"][0]["run_id"]

    (demo_lab / "results" / "h003_results.json").unlink()
    gone = lab.reindex()
    assert gone.removed >= 3 and lab.index_status() == "ok"
    assert not [h for h in lab.search(limit=500) if h.metadata["hypothesis_id"] == "h003"]


def test_catalog_follows_the_manifest(demo_lab) -> None:
    lab = Lab(demo_lab)
    lab.reindex()
    first = lab.experiment_ids()
    assert lab._catalog() is lab._catalog()  # parsed once while the manifest is unchanged
    path = demo_lab / "results" / "h002_results.json"
    doc = json.loads(path.read_text())
    dropped = doc["runs"][-1]["run_id"]
    doc["runs"] = doc["runs"][:-1]
    path.write_text(json.dumps(doc))
    os.utime(path, ns=(1, 1))
    lab.reindex()  # rewrites the manifest: the catalog is read again
    assert dropped in first and dropped not in lab.experiment_ids()


def test_missing_index(tmp_path, demo_lab_template) -> None:
    import shutil

    shutil.copytree(demo_lab_template / "results", tmp_path / "results")
    assert Lab(tmp_path).index_status() == "missing"


def test_metadata_contract(demo_lab_template) -> None:
    lab = Lab(demo_lab_template)
    hits = lab.search(limit=500)
    assert len(hits) == len(lab.experiment_ids()) == lab.index.count()
    for hit in hits:
        for key in REQUIRED:
            assert key in hit.metadata, (hit.id, key)
        assert hit.metadata["status"] in ("done", "running", "diverged", "failed")
        assert hit.metadata["experiment_id"] == hit.id
    statuses = {h.metadata["status"] for h in hits}
    assert {"done", "running", "diverged"} <= statuses


def test_search_text_filter_and_sort(demo_lab_template) -> None:
    lab = Lab(demo_lab_template)
    diverged = lab.search("the loss exploded to NaN", limit=3)
    assert diverged[0].metadata["status"] == "diverged"
    done = lab.search(where='status == "done" and accuracy > 0.5', sort_by="accuracy", limit=5)
    accs = [h.metadata["accuracy"] for h in done]
    assert accs == sorted(accs, reverse=True) and all(a > 0.5 for a in accs)
    vit = lab.search(where="architecture in (vit)")
    assert vit and all(h.metadata["architecture"].startswith("vit") for h in vit)
    fields = lab.fields()
    assert fields["accuracy"].kind == "number" and "running" in fields["status"].values


def test_histories_from_every_kind_of_storage(demo_lab_template) -> None:
    lab = Lab(demo_lab_template)
    by_status = {h.metadata["status"]: h.id for h in lab.search(limit=500)}
    running = by_status["running"]
    hist = lab.history(running)
    assert lab.series_path(running).suffix == ".h5"
    assert len(hist["loss"]) >= 20 and "wall_time" in hist
    assert set(lab.history(running, metrics=["loss"])) <= {"loss", "wall_time", "step"}
    with lab.open_reader(running) as reader:
        assert isinstance(reader, SeriesReader) and reader.length("loss") == len(hist["loss"])
    failed = by_status["failed"]  # 6 epochs: compressed JSON, not HDF5
    assert lab.series_path(failed) is None
    assert len(lab.history(failed)["loss"]) == 6
    assert lab.search(where=f'experiment_id == "{failed}"')[0].metadata[
        "timeseries_path"].endswith(".json.zst")
    smoke = [h for h in lab.search(limit=500) if h.metadata["epochs"] == 8]
    assert smoke and smoke[0].metadata["timeseries_path"] == ""  # inline in the results file
    assert len(lab.history(smoke[0].id)["accuracy"]) == 8
    diverged = by_status["diverged"]
    assert np.isnan(lab.history(diverged)["loss"][-1])
    assert lab.result_path(diverged).name.endswith("_results.json")
    assert lab.history("no-such-run") == {} and lab.series_path("no-such-run") is None


def test_broken_result_file_is_reported_and_skipped(demo_lab) -> None:
    (demo_lab / "results" / "h099_results.json").write_text('{"runs": [ {"run_id": "x",')
    (demo_lab / "results" / "h098_results.json").write_text('[1, 2, 3]')
    lab = Lab(demo_lab)
    summary = lab.reindex()
    failed = {p.name: reason for p, reason in summary.failed}
    assert set(failed) == {"h099_results.json", "h098_results.json"}
    assert "line 1" in failed["h099_results.json"]
    assert summary.indexed > 10 and lab.index_status() == "ok"
    assert {p.name for p, _ in lab.failures()} == set(failed)


def test_reindex_progress_and_cancel(demo_lab) -> None:
    lab = Lab(demo_lab)
    cancel = threading.Event()
    seen = []

    def progress(done, total, name):
        seen.append((done, total, name))
        if done == 2:
            cancel.set()

    summary = lab.reindex(progress=progress, cancel=cancel, group=1)  # a group per file
    assert summary.cancelled and [s[0] for s in seen] == [1, 2] and seen[0][1] == 6
    assert lab.index_status() == "stale"
    rest = lab.reindex()
    assert rest.unchanged == 2 and not rest.cancelled and lab.index_status() == "ok"


def test_files_indexed_in_groups_report_each_file(demo_lab) -> None:
    (demo_lab / "results" / "h099_results.json").write_text("{broken")
    lab = Lab(demo_lab)
    seen = []
    summary = lab.reindex(progress=lambda d, t, n: seen.append((d, t, n)), group=4)
    assert [d for d, _, _ in seen] == list(range(1, 8)) and {t for _, t, _ in seen} == {7}
    assert [p.name for p, _ in summary.failed] == ["h099_results.json"]
    ids = lab.experiment_ids()
    assert summary.indexed == len(ids) == lab.index.count()

    # A run moved from one file to another in the same group is kept, not deleted as stale.
    first, second = sorted((demo_lab / "results").glob("*_results.json"))[:2]
    a, b = json.loads(first.read_text()), json.loads(second.read_text())
    moved = a["runs"].pop()
    b["runs"].append(moved)
    first.write_text(json.dumps(a))
    second.write_text(json.dumps(b))
    for path in (first, second):
        os.utime(path, ns=(1, 1))
    again = lab.reindex(group=100)
    assert again.indexed == len(a["runs"]) + len(b["runs"]) and lab.index.count() == len(ids)
    assert lab.index.get(moved["run_id"]) is not None


def test_demo_is_deterministic(tmp_path) -> None:
    from storage import write_demo_lab

    a = write_demo_lab(tmp_path / "a", hypotheses=3)
    b = write_demo_lab(tmp_path / "b", hypotheses=3)
    assert (a.runs, a.hdf5_files) == (b.runs, b.hdf5_files)
    for path in sorted((tmp_path / "a" / "results").glob("*.json")):
        assert path.read_text() == (tmp_path / "b" / "results" / path.name).read_text()
    run = json.loads((tmp_path / "a" / "results" / "h001_results.json").read_text())["runs"][0]
    np.testing.assert_array_equal(Lab(tmp_path / "a").history(run["run_id"])["loss"],
                                  Lab(tmp_path / "b").history(run["run_id"])["loss"])


def test_deleted_index_folder_is_rebuilt(demo_lab, tmp_path) -> None:
    import shutil
    import subprocess
    import sys

    from conftest import REPO, subprocess_env

    lab = Lab(demo_lab)
    lab.reindex()
    count = lab.index.count()
    shutil.rmtree(demo_lab / ".loupe" / "index")
    assert Lab(demo_lab).index_status() == "missing"
    # a new process, as after a restart (Chroma caches an open index inside a process)
    out = subprocess.run([sys.executable, "-m", "gui", "index", str(demo_lab), "--quiet"],
                         cwd=REPO, env=subprocess_env(tmp_path), capture_output=True, text=True,
                         check=True, timeout=300)
    assert f"indexed {count} runs" in out.stderr
