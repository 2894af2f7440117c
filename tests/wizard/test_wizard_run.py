"""The Run and Report steps: a complete run whose report matches the disk, stop and resume,
closing while a run is going, opening converted files in Loupe."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from gui import settings as loupe_settings
from gui.wizard import common
from gui.wizard.wizard import REPORT, RUN

pytestmark = pytest.mark.slow


def _check_report_matches_disk(report, originals: dict[Path, bytes]) -> None:
    """Every row of the report is true of the files on disk."""
    by_path = {Path(i.path): i for i in report.items}
    json_files = {p for p in originals if p.suffix == ".json"}
    assert set(by_path) == json_files
    for path, item in by_path.items():
        if item.status == "converted":
            assert item.target is not None and Path(item.target).is_file()
            assert item.size_after == Path(item.target).stat().st_size
            assert item.size_before == len(originals[path])
            assert item.backup is not None
            assert Path(item.backup).read_bytes() == originals[path]  # the original, intact
        else:
            assert item.status in ("skipped", "failed"), item
            assert path.read_bytes() == originals[path]  # left untouched
        if item.status == "failed" and item.line is not None:
            assert item.line >= 1


def test_complete_run_report_matches_files(snapshot, driver, results_folder: Path,
                                           main_window) -> None:
    originals = snapshot(results_folder)
    wizard = driver.open(results_folder, parent=main_window)
    report = driver.convert(wizard, fmt="auto", workers=2)
    totals = report.totals()
    assert totals["converted"] >= 5 and totals["failed"] >= 3 and totals["pending"] == 0
    assert not report.cancelled
    _check_report_matches_disk(report, originals)
    # The run page told what happened and logged it.
    assert f"{totals['converted']} converted" in wizard.run.status.text()
    assert "Done" in wizard.run.log.toPlainText()
    # The report view shows every file, its totals, and filters by status.
    view = wizard.report_page.view
    assert view.model.rowCount() == len(report.items)
    assert view._totals["Converted"].text() == str(totals["converted"])
    assert view._totals["Failed"].text() == str(totals["failed"])
    view.set_status_filter("failed")
    assert view.proxy.rowCount() == totals["failed"]
    failed_rows = [view.model.row_item(view.proxy.mapToSource(view.proxy.index(r, 0)).row())
                   for r in range(view.proxy.rowCount())]
    assert {i.status for i in failed_rows} == {"failed"}
    trailing = [i for i in failed_rows if Path(i.path).name == "n_object_trailing_comma.json"]
    assert trailing and trailing[0].line == 1 and trailing[0].column is not None
    view.set_status_filter(None)
    # Sorting by size after puts the largest converted file last.
    view.table.sortByColumn(4, Qt.SortOrder.AscendingOrder)
    last = view.model.row_item(view.proxy.mapToSource(
        view.proxy.index(view.proxy.rowCount() - 1, 0)).row())
    assert last.size_after == max(i.size_after or 0 for i in report.items)
    # The report was saved in the folder, and the run can be reopened from it.
    assert any(Path(p).suffix == ".json" and Path(p).is_file() for p in report.saved_to)
    # "Open in Loupe": the converted file goes to the main window (and its recent list).
    converted = [r for r in range(view.proxy.rowCount())
                 if view.proxy.index(r, 0).data() == "converted"]
    view.table.selectRow(converted[0])
    item = view.current_item()
    assert view.buttons["open"].isEnabled() and view.buttons["backup"].isEnabled()
    assert str(item.backup) in view._detail.text()
    view.open_converted()
    assert str(item.target) in loupe_settings.recent_items()


def test_export_report_formats(driver, results_folder: Path, qtbot, tmp_path: Path) -> None:
    wizard = driver.open(results_folder)
    report = driver.convert(wizard, fmt="json", workers=1)
    view = wizard.report_page.view
    for suffix in ("json", "md", "html"):
        target = tmp_path / f"exported.{suffix}"
        view.export(target, suffix)
        qtbot.waitUntil(lambda t=target: t.is_file() and "written" in view.message.text())
    from storage import MigrationReport

    again = MigrationReport.load(tmp_path / "exported.json")
    assert len(again.items) == len(report.items)
    assert "n_object_trailing_comma.json" in (tmp_path / "exported.md").read_text()
    assert "<table" in (tmp_path / "exported.html").read_text()


def _stop_after(wizard, files: int) -> None:
    """Press Stop as soon as ``files`` files are done (from the progress the page receives)."""
    original = wizard.run._on_progress
    pressed: list[bool] = []

    def watch(event) -> None:
        original(event)
        if event.files_done >= files and wizard.run.state == "running" and not pressed:
            pressed.append(True)  # once: the resumed run must go to the end
            wizard.run.stop_button.click()

    wizard.run._on_progress = watch


def _cancelled_run(snapshot, driver, folder: Path, fmt: str):
    """The folder's bytes before, and the wizard whose run (one worker) was stopped after the
    first file."""
    originals = snapshot(folder)
    wizard = driver.open(folder)
    driver.to_preview(wizard, fmt=fmt, workers=1)
    _stop_after(wizard, 1)
    driver.start_run(wizard)
    driver.wait_run(wizard)
    assert wizard.run.state == "cancelled"
    return originals, wizard


def test_cancel_in_the_middle_then_resume(snapshot, driver, big_folder: Path, qtbot) -> None:
    originals, wizard = _cancelled_run(snapshot, driver, big_folder, "json")
    report = wizard.report
    assert report.cancelled
    pending = [i for i in report.items if i.status == "pending"]
    assert pending, "the run finished before Stop took effect"
    for item in pending:  # files the run did not reach are exactly as they were
        assert Path(item.path).read_bytes() == originals[Path(item.path)]
    # The page says how to resume, and Next shows the partial report.
    text = wizard.run.status.text()
    assert "Stopped" in text and "--resume" in text and "Resume it" in text
    assert wizard.run.resume_button.isVisible()
    wizard.next()
    assert wizard.currentId() == REPORT
    assert "stopped" in wizard.report_page.view._title.text()
    wizard.close()
    # Opening the wizard on the folder again offers to resume; resuming finishes the job.
    again = driver.open(big_folder)
    assert again.source.banner.isVisible()
    again.source.resume_button.click()
    assert again.currentId() == RUN
    driver.wait_run(again)
    assert again.run.state == "done", again.run.status.text()
    final = again.report
    assert final.totals()["pending"] == 0
    _check_report_matches_disk(final, originals)
    done_first = {Path(i.path) for i in report.items if i.status == "converted"}
    assert done_first <= {Path(i.path) for i in final.items if i.status in ("converted",
                                                                            "skipped")}


def test_resume_now_button_finishes_the_run(snapshot, driver, big_folder: Path) -> None:
    originals, wizard = _cancelled_run(snapshot, driver, big_folder, "compressed")
    wizard.run.resume_button.click()
    assert wizard.run.state == "running"
    driver.wait_run(wizard)
    assert wizard.run.state == "done"
    assert wizard.report.totals()["pending"] == 0
    _check_report_matches_disk(wizard.report, originals)


def test_closing_during_a_run_asks_first(driver, big_folder: Path, qtbot, monkeypatch) -> None:
    wizard = driver.open(big_folder)
    driver.to_preview(wizard, fmt="json", workers=1)
    answers: list[str] = []

    def answer(choice: bool):
        def ask(parent, title, text, yes="Yes", no="No") -> bool:
            answers.append(title)
            return choice
        return ask

    monkeypatch.setattr(common, "ask", answer(False))
    driver.start_run(wizard)
    assert wizard.run.is_running()
    wizard.close()  # "Keep converting"
    assert answers == ["Stop the conversion?"]
    assert wizard.isVisible() and wizard.run.is_running()
    monkeypatch.setattr(common, "ask", answer(True))
    wizard.reject()  # Cancel / Escape: "Stop and close"
    assert wizard.run.state in ("stopping", "cancelled", "done")
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=driver.RUN_TIMEOUT_MS)
    assert not wizard.run.is_running()


def test_run_with_hdf5_target_opens_in_loupe(driver, results_folder: Path, main_window) -> None:
    wizard = driver.open(results_folder, parent=main_window)
    report = driver.convert(wizard, fmt="hdf5", workers=2)
    converted = [i for i in report.items if i.status == "converted"]
    assert converted, [(i.path.name, i.status, i.reason) for i in report.items]
    assert all(Path(i.target).suffix == ".h5" for i in converted)
    view = wizard.report_page.view
    view.set_status_filter("converted")
    view.table.selectRow(0)
    view.open_converted()
    assert view.current_item().target is not None
    assert str(view.current_item().target) in loupe_settings.recent_items()


def test_a_run_that_cannot_start_says_why(driver, results_folder: Path, tmp_path: Path) -> None:
    import shutil

    wizard = driver.open(results_folder)
    driver.to_preview(wizard, fmt="json", workers=1)
    moved = tmp_path / "moved"
    shutil.move(results_folder, moved)  # the folder vanishes between preview and run
    driver.start_run(wizard)
    driver.wait_run(wizard)
    assert wizard.run.state == "failed"
    assert "could not run" in wizard.run.status.text()
    assert str(results_folder) in wizard.run.status.text()  # the engine's message names it
    assert wizard.run.resume_button.text() == "Try again"
    assert not wizard.run.isComplete()
    shutil.move(moved, results_folder)
    wizard.run.resume_button.click()
    driver.wait_run(wizard)
    assert wizard.run.state == "done"


def test_closing_the_main_window_during_a_run_asks_the_wizard(
        driver, big_folder: Path, main_window, qtbot, monkeypatch) -> None:
    wizard = driver.open(big_folder, parent=main_window)
    driver.to_preview(wizard, fmt="json", workers=1)
    asked: list[str] = []
    monkeypatch.setattr(common, "ask", lambda parent, title, text, **kw: asked.append(title))
    driver.start_run(wizard)
    main_window.show()
    main_window.close()  # the user answers "Keep converting": nothing closes
    assert asked == ["Stop the conversion?"]
    assert main_window.isVisible() and wizard.run.is_running()
    monkeypatch.setattr(common, "ask", lambda parent, title, text, **kw: True)
    wizard.reject()
    qtbot.waitUntil(lambda: not wizard.run.is_running(), timeout=driver.RUN_TIMEOUT_MS)
