"""Restore: originals back byte for byte, and never a deletion of a file the run did not make."""

from __future__ import annotations

from pathlib import Path

from migration.migration_helpers import make_results, snapshot

from storage import (
    MigrationOptions,
    find_unfinished_journal,
    list_reports,
    plan_restore,
    restore_originals,
    run_migration,
)


def _originals(folder: Path) -> dict[Path, bytes]:
    return {p: b for p, b in snapshot(folder).items() if p.suffix == ".json"}


def _convert(folder: Path, fmt: str):
    return run_migration(MigrationOptions(folder, format=fmt, workers=1))


def test_restore_json_and_compressed_byte_for_byte(results: Path) -> None:
    originals = _originals(results)
    _convert(results, "compressed")
    assert any(p.read_bytes() != b for p, b in originals.items())
    changes = plan_restore(results)
    assert {c.action for c in changes} == {"restore"} and len(changes) == 6
    result = restore_originals(results)
    assert result.ok and len(result.restored) == 6 and not result.removed
    assert {p: p.read_bytes() for p in originals} == originals
    assert plan_restore(results) == []  # a second restore has nothing to do


def test_restore_hdf5_removes_only_what_it_made(tmp_path: Path) -> None:
    folder = tmp_path / "lab"
    make_results(folder, 2)
    originals = _originals(folder)
    (folder / "notes.h5").write_bytes(b"a file of the user")
    _convert(folder, "hdf5")
    assert not any(p.exists() for p in originals)
    actions = sorted((c.action, c.path.name) for c in plan_restore(folder))
    assert actions == [("remove", "hyp_000_results.h5"), ("remove", "hyp_001_results.h5"),
                       ("restore", "hyp_000_results.json"), ("restore", "hyp_001_results.json")]
    result = restore_originals(folder)
    assert result.ok and len(result.removed) == 2
    assert {p: p.read_bytes() for p in originals} == originals
    assert (folder / "notes.h5").read_bytes() == b"a file of the user"
    assert not (folder / "hyp_000_results.h5").exists()


def test_a_converted_file_changed_afterwards_is_kept(tmp_path: Path) -> None:
    folder = tmp_path / "lab"
    paths = make_results(folder, 2)
    _convert(folder, "json")
    paths[0].write_text('{"edited": "by the user after the conversion"}')
    edited = paths[0].read_bytes()
    result = restore_originals(folder)
    assert paths[0] in result.skipped and paths[1] in result.restored
    assert paths[0].read_bytes() == edited


def test_changed_backup_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "lab"
    path = make_results(folder, 1)[0]
    _convert(folder, "json")
    converted = path.read_bytes()
    path.with_name(path.name + ".backup").write_text("tampered")
    result = restore_originals(folder)
    assert not result.ok and "changed" in result.errors[0][1]
    assert path.read_bytes() == converted


def test_restore_from_a_report_file(results: Path) -> None:
    originals = _originals(results)
    report = _convert(results, "json")
    assert list_reports(results)[0] == report.saved_to[0]
    result = restore_originals(report.saved_to[0])
    assert result.ok and {p: p.read_bytes() for p in originals} == originals


def test_restore_after_two_runs_and_with_a_journal(tmp_path: Path) -> None:
    folder = tmp_path / "lab"
    make_results(folder, 2)
    originals = _originals(folder)
    _convert(folder, "json")
    make_results(folder / "later", 1)
    originals.update(_originals(folder / "later"))
    _convert(folder, "compressed")
    assert len(list_reports(folder)) == 2
    assert restore_originals(folder).ok
    assert {p: p.read_bytes() for p in originals} == originals
    assert find_unfinished_journal(folder) is None
