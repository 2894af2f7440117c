"""The first three steps of the wizard: source count, remembered options, the dry-run preview."""

from __future__ import annotations

from pathlib import Path

from gui.wizard.report_model import KIND_ROLE
from gui.wizard.source_page import count_files


def test_source_page_counts_json_files(driver, results_folder: Path) -> None:
    wizard = driver.open(results_folder)
    files = [p for p in results_folder.rglob("*.json")]
    assert wizard.source.counted.files == len(files)
    assert wizard.source.counted.bytes == sum(p.stat().st_size for p in files)
    assert f"{len(files)} JSON files" in wizard.source.count_label.text()
    assert wizard.source.isComplete()
    assert not wizard.source.banner.isVisible()  # no journal here


def test_source_patterns_and_recursion(driver, results_folder: Path) -> None:
    wizard = driver.open(results_folder)
    wizard.source.recursive.setChecked(False)
    wizard.source.exclude_edit.setText("sacred_*")
    wizard.source.recount()
    driver.qtbot.waitUntil(lambda: not wizard.source.is_busy()
                           and "Counting" not in wizard.source.count_label.text())
    top = [p for p in results_folder.glob("*.json") if not p.name.startswith("sacred_")]
    assert wizard.source.counted.files == len(top)
    assert wizard.option_values()["exclude"] == ("sacred_*",)
    assert wizard.option_values()["recursive"] is False


def test_missing_folder_blocks_next(driver, tmp_path: Path) -> None:
    wizard = driver.open(tmp_path)
    wizard.source.set_folder(tmp_path / "nope")
    assert not wizard.source.isComplete()
    wizard.source.recount()
    assert "existing folder" in wizard.source.count_label.text()


def test_count_files_does_not_count_backups(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("{}")
    (tmp_path / "a.json.backup").write_text("{}")
    (tmp_path / "loupe-report-1.json").write_text("{}")
    count = count_files(tmp_path, True, ("*.json",), ())
    assert count.files == 1


def test_options_are_remembered(driver, results_folder: Path, qtbot) -> None:
    wizard = driver.open(results_folder)
    wizard.next()
    driver.set_options(wizard, fmt="compressed", workers=1, arrays=False, min_len=50)
    wizard.options.backup_folder.setChecked(True)
    assert not wizard.options.isComplete()  # a backup folder must be named
    wizard.options.backup_dir_edit.setText(str(results_folder.parent / "backups"))
    assert wizard.options.isComplete()
    wizard.next()  # leaving the page remembers
    wizard.preview.cancel()
    second = driver.open(results_folder)
    values = second.option_values()
    assert values["format"] == "compressed"
    assert values["workers"] == 1
    assert values["arrays"] is False and values["min_array_len"] == 50
    assert values["backup_dir"] == results_folder.parent / "backups"
    assert "zstd" in second.options.format_hint.text()  # each option explains itself
    second.options.backup_beside.setChecked(True)
    second.options.validatePage()


def test_preview_shows_plan_and_writes_nothing(snapshot, driver, results_folder: Path) -> None:
    from storage import MigrationOptions, plan_migration

    before = snapshot(results_folder)
    wizard = driver.open(results_folder)
    plan = driver.to_preview(wizard, fmt="json")
    page = wizard.preview
    # The table is the plan: one row per file, the same actions and reasons.
    assert page.model.rowCount() == len(plan.items) == len(list(results_folder.rglob("*.json")))
    items = [page.model.row_item(r) for r in range(len(plan.items))]
    rows = {str(i.path): i for i in items}
    expected = plan_migration(MigrationOptions(**wizard.option_values()))
    assert {str(i.path): i.action for i in expected.items} == {p: i.action for p, i in rows.items()}
    # The broken files are visible at once: failures sort first, with line and column.
    first = page.proxy.index(0, 1).data()
    assert first == "fail"
    trailing = rows[str(results_folder / "bad" / "n_object_trailing_comma.json")]
    assert trailing.action == "fail"
    assert "line 1" in page.proxy.index(0, 2).data() or trailing.line == 1
    for name in ("keras_tuner_v08_results.json", "sacred_run90_metrics.json",
                 "runs/hyp_000_results.json"):
        assert rows[str(results_folder / name)].action == "convert"
    # Filtering by action.
    page.action_filter.setCurrentIndex(page.action_filter.findData("fail"))
    fails = sum(1 for i in plan.items if i.action == "fail")
    assert page.proxy.rowCount() == fails
    assert {page.proxy.index(r, 0).data(KIND_ROLE) for r in range(fails)} == {"fail"}
    assert "Nothing has been written yet" in page.summary.text()
    assert page.isComplete()
    assert snapshot(results_folder) == before


def test_back_from_preview_cancels_planning(driver, results_folder: Path) -> None:
    wizard = driver.open(results_folder)
    wizard.next()
    wizard.next()
    wizard.back()
    assert not wizard.preview.is_busy()
    assert wizard.preview.plan is None
