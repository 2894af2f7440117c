"""Scan and plan (dry run): what each file would become, and that nothing is written."""

from __future__ import annotations

import json
import os
from pathlib import Path

import h5py
import numpy as np
import pytest
from migration.migration_helpers import snapshot, write_json

from storage import MigrationOptions, plan_migration


def _plan(folder: Path, **kw):
    return plan_migration(MigrationOptions(folder, workers=kw.pop("workers", 1), **kw))


def _by_name(plan) -> dict:
    """Items by path relative to the folder ("sub/config.json")."""
    return {item.path.relative_to(plan.root).as_posix(): item for item in plan.items}


def test_plan_histories_convert_and_small_configs_skip(results: Path) -> None:
    before = snapshot(results)
    plan = _plan(results)
    items = _by_name(plan)
    assert items["hyp_000_results.json"].action == "convert"
    assert "become arrays" in items["hyp_000_results.json"].reason
    assert items["sub/config.json"].action == "skip"
    assert plan.counts() == {"convert": 5, "skip": 1, "fail": 0}
    assert plan.total_bytes == sum(p.stat().st_size for p in results.rglob("*.json"))
    assert snapshot(results) == before  # a dry run writes nothing


def test_include_exclude_and_recursion(results: Path) -> None:
    assert len(_plan(results, recursive=False).items) == 3
    plan = _plan(results, exclude=("sub/*",))
    assert {i.path.parent for i in plan.items} == {results}
    plan = _plan(results, include=("config.json",))
    assert [i.path.name for i in plan.items] == ["config.json"]


def test_backups_reports_and_journal_are_never_candidates(results: Path) -> None:
    (results / "hyp_000_results.json.backup").write_text("{}")
    (results / "hyp_000_results.json.backup.2").write_text("{}")
    (results / "loupe-report-20260101-000000.json").write_text("{}")
    plan = _plan(results, include=("*",))
    names = {i.path.name for i in plan.items}
    assert not any("backup" in n or n.startswith("loupe-report") for n in names)


def test_plan_in_pool_matches_inline(results: Path) -> None:
    inline = [(i.path, i.action, i.reason) for i in _plan(results).items]
    pooled = [(i.path, i.action, i.reason) for i in _plan(results, workers=2).items]
    assert inline == pooled


def _bad_folder(folder: Path) -> Path:
    folder.mkdir()
    (folder / "broken.json").write_text('{"a": 1,\n "b": [1, 2,\n}')
    (folder / "latin1.json").write_bytes('{"name": "caf\xe9"}'.encode("latin-1"))
    (folder / "utf16.json").write_bytes('{"a": 1}'.encode("utf-16"))
    (folder / "empty.json").write_bytes(b"")
    (folder / "dupes.json").write_text('{"loss": 1,\n  "loss": 2}')
    (folder / "huge_float.json").write_text('{"x": [1e999, 2.0]}')
    (folder / "huge_int.json").write_text(f'{{"x": {10**40}}}')
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    write_json(folder / "pickled.json", {"py/object": "os.system", "args": ["rm -rf /"]})
    write_json(folder / "tricks.json", {"w": {"__ndarray__": [1, 2], "dtype": "int64",
                                              "shape": [2]}})
    write_json(folder / "done.json", {"w": {"__type__": "numpy_array", "dtype": "int64",
                                            "shape": [2], "data": [1, 2]}})
    with h5py.File(folder / "weights.json", "w") as fh:  # an HDF5 file with a .json name
        fh["w"] = np.arange(4)
    return folder


def test_bad_inputs_each_get_a_clear_reason(tmp_path: Path) -> None:
    folder = _bad_folder(tmp_path / "bad")
    before = snapshot(folder)
    items = _by_name(_plan(folder))
    broken = items["broken.json"]
    assert (broken.action, broken.line, broken.column) == ("fail", 3, 1)
    assert "broken JSON" in broken.reason
    assert items["latin1.json"].action == "fail" and "UTF-8" in items["latin1.json"].reason
    assert items["latin1.json"].line == 1
    assert items["utf16.json"].action == "fail" and "UTF-16" in items["utf16.json"].reason
    assert items["empty.json"].action == "skip" and "empty" in items["empty.json"].reason
    assert items["dupes.json"].action == "fail" and "'loss'" in items["dupes.json"].reason
    assert items["dupes.json"].line == 2
    assert items["huge_float.json"].action == "fail"
    assert "too large" in items["huge_float.json"].reason
    assert items["huge_int.json"].action == "skip"  # kept exactly: nothing to convert
    assert items["deep.json"].action == "fail" and "nested" in items["deep.json"].reason
    assert items["pickled.json"].action == "skip" and "jsonpickle" in items["pickled.json"].reason
    assert items["tricks.json"].action == "skip" and "json_tricks" in items["tricks.json"].reason
    assert items["done.json"].action == "skip" and "already" in items["done.json"].reason
    assert items["weights.json"].action == "skip" and "HDF5" in items["weights.json"].reason
    assert snapshot(folder) == before


def test_symlink_loop_and_linked_files(results: Path) -> None:
    (results / "sub" / "loop").symlink_to(results, target_is_directory=True)
    (results / "self.json").symlink_to(results / "self.json")  # a link that points at itself
    (results / "alias.json").symlink_to(results / "sub" / "config.json")
    items = _by_name(_plan(results))
    assert "not followed" in items["sub/loop"].reason
    assert items["self.json"].action == "skip" and "loop" in items["self.json"].reason
    assert items["alias.json"].action == "skip" and "symbolic link" in items["alias.json"].reason
    assert sum(1 for i in _plan(results).items if i.action == "convert") == 5


def test_read_only_file_is_left_alone(results: Path) -> None:
    target = results / "hyp_001_results.json"
    target.chmod(0o444)
    try:
        item = _by_name(_plan(results))[target.name]
        assert item.action == "fail" and "write permission" in item.reason
    finally:
        target.chmod(0o644)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_fails_with_reason(results: Path) -> None:
    target = results / "hyp_001_results.json"
    target.chmod(0)
    try:
        item = _by_name(_plan(results))[target.name]
        assert item.action == "fail" and "read" in item.reason
    finally:
        target.chmod(0o644)


def test_unreadable_file_as_root_is_still_left_untouched(results: Path) -> None:
    # Root can read a mode-000 file; it has no write bit, so Loupe still refuses to replace it.
    target = results / "hyp_001_results.json"
    target.chmod(0)
    try:
        assert _by_name(_plan(results))[target.name].action == "fail"
    finally:
        target.chmod(0o644)


def test_corpus_plan(corpus_copy: Path) -> None:
    plan = _plan(corpus_copy, workers=2)
    items = {f"{i.path.parent.name}/{i.path.name}": i for i in plan.items}
    assert len(items) == 20
    assert items["json_bad/n_object_trailing_comma.json"].action == "fail"
    assert (items["json_bad/n_object_trailing_comma.json"].line,
            items["json_bad/n_object_trailing_comma.json"].column) == (1, 9)
    assert items["json_bad/y_object_duplicated_key.json"].action == "fail"
    assert items["json_bad/i_string_UTF-16LE_with_BOM.json"].action == "fail"
    assert items["json_bad/i_number_huge_exp.json"].action == "fail"
    assert items["json_bad/n_structure_UTF8_BOM_no_data.json"].action == "skip"
    assert items["json/sacred_run90_metrics.json"].action == "convert"
    for item in plan.items:
        assert item.reason, item.path
    json.dumps([i.reason for i in plan.items])  # reasons are plain text
