"""Conversion runs: targets, arrays, backups, verify, progress, cancel and resume, bad inputs."""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

import numpy as np
import pytest
from migration.migration_helpers import make_results, result_doc, snapshot, write_json

from storage import (
    DLFriendlyStorage,
    MigrationOptions,
    MigrationReport,
    find_unfinished_journal,
    run_migration,
)


def _run(folder: Path, **kw) -> MigrationReport:
    return run_migration(MigrationOptions(folder, workers=kw.pop("workers", 1), **kw),
                         resume=kw.pop("resume", False) if "resume" in kw else False)


def _items(report: MigrationReport) -> dict:
    return {i.path.relative_to(report.root).as_posix(): i for i in report.items}


@pytest.mark.parametrize("fmt", ["json", "compressed"])
def test_histories_become_arrays_in_place(tmp_path: Path, fmt: str) -> None:
    folder = tmp_path / "lab"
    paths = make_results(folder, 2, epochs=50)
    originals = {p: p.read_bytes() for p in paths}
    report = _run(folder, format=fmt)
    assert report.totals()["converted"] == 2 and not report.cancelled
    for path in paths:
        item = _items(report)[path.name]
        assert (item.status, item.target, item.target_format) == ("converted", path, fmt)
        assert item.backup == path.with_name(path.name + ".backup")
        assert item.backup.read_bytes() == originals[path]
        assert item.backup_sha256 == hashlib.sha256(originals[path]).hexdigest()
        data = DLFriendlyStorage().load_from_file(path)
        loss = data["history"]["loss"]
        assert isinstance(loss, np.ndarray) and loss.dtype == np.float64 and loss.shape == (50,)
        assert np.isnan(loss[3])
        assert data["history"]["epoch"].dtype == np.int64
        assert data["config"]["layers"] == [64, 32]  # short lists stay lists
        assert data["config"]["dropout"] is None and data["config"]["augment"] is True
    assert find_unfinished_journal(folder) is None
    assert [p.suffix for p in report.saved_to] == [".json", ".md"]


def test_running_twice_changes_nothing(results: Path) -> None:
    first = _run(results, format="compressed")
    assert first.totals()["converted"] == 6
    before = {p: b for p, b in snapshot(results).items() if "loupe-report" not in p.name}
    second = _run(results, format="compressed")
    assert second.totals()["converted"] == 0 and second.totals()["failed"] == 0
    after = {p: b for p, b in snapshot(results).items() if "loupe-report" not in p.name}
    assert after == before


def test_hdf5_target_is_written_beside(tmp_path: Path) -> None:
    folder = tmp_path / "lab"
    path = make_results(folder, 1, epochs=40)[0]
    original = path.read_bytes()
    item = _items(_run(folder, format="hdf5"))[path.name]
    assert item.status == "converted", item.reason
    assert item.target == path.with_suffix(".h5") and item.target.exists()
    assert not path.exists() and item.backup.read_bytes() == original
    data = DLFriendlyStorage().load_from_file(item.target)
    assert data["history"]["accuracy"].shape == (40,)


def test_existing_h5_is_never_overwritten(tmp_path: Path) -> None:
    folder = tmp_path / "lab"
    path = make_results(folder, 1)[0]
    (folder / "hyp_000_results.h5").write_bytes(b"mine")
    item = _items(_run(folder, format="hdf5"))[path.name]
    assert item.status == "failed" and "already exists" in item.reason
    assert (folder / "hyp_000_results.h5").read_bytes() == b"mine"


def test_existing_backup_gets_a_numbered_sibling(tmp_path: Path) -> None:
    folder = tmp_path / "lab"
    path = make_results(folder, 1)[0]
    old = path.with_name(path.name + ".backup")
    old.write_bytes(b"an older backup of the user")
    item = _items(_run(folder, format="json"))[path.name]
    assert item.backup == path.with_name(path.name + ".backup.2")
    assert old.read_bytes() == b"an older backup of the user"


def test_backup_dir_mirrors_the_tree(results: Path, tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    report = _run(results, format="json", backup_dir=backups)
    item = _items(report)["sub/hyp_001_results.json"]
    assert item.backup == backups / "sub" / "hyp_001_results.json.backup"
    assert not list(results.rglob("*.backup"))


def test_verify_mismatch_puts_the_original_back(tmp_path: Path, monkeypatch) -> None:
    # The storage library is exact, so simulate a faulty reader to exercise the safety net.
    folder = tmp_path / "lab"
    path = make_results(folder, 1)[0]
    original = path.read_bytes()
    real_load = DLFriendlyStorage.load_from_file

    def lossy(self, *args, **kwargs):
        data = real_load(self, *args, **kwargs)
        data["history"]["loss"][10] += 1.0
        return data

    monkeypatch.setattr(DLFriendlyStorage, "load_from_file", lossy)
    item = _items(_run(folder, format="compressed"))[path.name]
    assert item.status == "failed"
    assert "did not verify" in item.reason and "['history']['loss'][10]" in item.reason
    assert path.read_bytes() == original
    assert item.backup is None and not path.with_name(path.name + ".backup").exists()


def test_progress_on_calling_thread_and_pool(results: Path) -> None:
    events, threads = [], set()

    def progress(event) -> None:
        events.append(event)
        threads.add(threading.get_ident())

    report = run_migration(MigrationOptions(results, format="json", workers=2), progress=progress)
    assert report.totals()["converted"] == 5
    assert threads == {threading.get_ident()}
    last = events[-1]
    assert (last.files_done, last.files_total) == (6, 6)
    assert last.bytes_done == last.bytes_total > 0
    assert [e.files_done for e in events] == sorted(e.files_done for e in events)


@pytest.mark.parametrize("workers", [1, 2])
def test_cancel_leaves_a_resumable_journal(tmp_path: Path, workers: int) -> None:
    folder = tmp_path / "lab"
    paths = make_results(folder, 12, epochs=200)
    originals = {p: p.read_bytes() for p in paths}
    cancel = threading.Event()
    events = []

    def progress(event) -> None:
        # Cancel on the first event ("converting" the first file): progress events are
        # throttled, so waiting for a later one (files_done >= 1) raced with the run: 12 small
        # files can all convert inside one throttle window, and the run then ended uncancelled.
        events.append(event)
        cancel.set()

    options = MigrationOptions(folder, format="compressed", workers=workers)
    report = run_migration(options, progress=progress, cancel=cancel)
    totals = report.totals()
    # The file in progress finishes; nothing else starts.
    assert report.cancelled and (totals["converted"], totals["pending"]) == (1, 11)
    assert events[0].files_done == 0 and events[-1].files_done == 1  # the final state is sent
    assert find_unfinished_journal(folder) is not None
    for item in report.items:
        if item.status == "pending":
            assert item.path.read_bytes() == originals[item.path]
    with pytest.raises(Exception, match="unfinished"):
        run_migration(options)
    resumed = run_migration(options, resume=True)
    assert not resumed.cancelled and resumed.totals()["converted"] == 12
    assert find_unfinished_journal(folder) is None
    for path in paths:
        assert path.with_name(path.name + ".backup").read_bytes() == originals[path]
        loaded = DLFriendlyStorage().load_from_file(path)
        assert loaded["hypothesis_id"] == json.loads(originals[path])["hypothesis_id"]


def test_one_bad_file_never_stops_the_run(corpus_copy: Path) -> None:
    before = snapshot(corpus_copy)
    report = _run(corpus_copy, format="compressed", workers=2)
    items = _items(report)
    assert len(items) == 20 and report.totals()["pending"] == 0
    for rel, item in items.items():
        if item.status != "converted":
            assert before[corpus_copy / rel] == (corpus_copy / rel).read_bytes(), rel
            assert item.reason, rel
    assert items["json_bad/n_object_trailing_comma.json"].status == "failed"
    assert items["json_bad/n_object_trailing_comma.json"].line == 1
    assert items["json/sacred_run90_metrics.json"].status == "converted"
    assert report.totals()["failed"] >= 5


def test_report_round_trip_and_forms(results: Path) -> None:
    report = _run(results, format="json")
    loaded = MigrationReport.load(report.saved_to[0])
    assert [i.to_dict() for i in loaded.items] == [i.to_dict() for i in report.items]
    assert loaded.totals()["converted"] == 5
    md = report.to_markdown()
    assert "| converted | 5 |" in md and "sub/hyp_001_results.json" in md
    html = report.to_html()
    assert html.startswith("<!DOCTYPE html>") and "hyp_000_results.json" in html
    out = report.save(results.parent / "custom.html", formats=("html",))
    assert out == [results.parent / "custom.html"] and out[0].read_text().startswith("<!DOC")


def test_report_path_option(results: Path, tmp_path: Path) -> None:
    report = _run(results, format="json", report_path=tmp_path / "out" / "run.html")
    names = sorted(p.name for p in report.saved_to)
    assert "run.html" in names and "run.json" in names
    assert any(p.parent == results and p.name.startswith("loupe-report-")
               for p in report.saved_to)


def test_large_ints_and_mixed_lists_keep_their_values(tmp_path: Path) -> None:
    folder = tmp_path / "lab"
    doc = result_doc(0)
    doc["ids"] = [2**62 + i for i in range(10)]
    doc["huge"] = [10**30] * 10  # beyond int64: stays a list of Python ints
    doc["mixed"] = [1, 2.5] * 5  # becomes float64 exactly
    doc["flags"] = [True, False] * 5  # bools are not numbers here
    doc["grid"] = [[1, 2, 3]] * 4
    path = write_json(folder / "r.json", doc)
    item = _items(_run(folder, format="json"))["r.json"]
    assert item.status == "converted", item.reason
    data = DLFriendlyStorage().load_from_file(path)
    assert data["ids"].dtype == np.int64 and int(data["ids"][-1]) == 2**62 + 9
    assert data["huge"] == [10**30] * 10
    assert data["mixed"].dtype == np.float64
    assert data["flags"] == [True, False] * 5
    assert data["grid"].shape == (4, 3)


def test_broken_report_is_a_typed_error(tmp_path) -> None:
    from storage import CorruptFileError, MigrationReport

    path = tmp_path / "loupe-report-x.json"
    path.write_text('{"loupe_report": 1,\n "items": [}')
    with pytest.raises(CorruptFileError) as info:
        MigrationReport.load(path)
    assert info.value.line == 2
