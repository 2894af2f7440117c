"""Restore (from a folder and from a report file) and the standalone report view."""

from __future__ import annotations

from pathlib import Path

import pytest

from gui.wizard.report_view import ReportDialog
from gui.wizard.restore_dialog import RestoreDialog

pytestmark = pytest.mark.slow


def _restore(qtbot, source: Path) -> RestoreDialog:
    dialog = RestoreDialog(None, source)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.state in ("planned", "failed"), timeout=60_000)
    return dialog


def _originals_back(folder: Path, originals: dict[Path, bytes]) -> None:
    for path, data in originals.items():
        assert path.read_bytes() == data, path


def test_restore_puts_every_original_back(snapshot, driver, results_folder: Path, qtbot) -> None:
    originals = snapshot(results_folder)
    wizard = driver.open(results_folder)
    report = driver.convert(wizard, fmt="hdf5", workers=2)
    converted = [i for i in report.items if i.status == "converted"]
    assert converted, [(i.path.name, i.status, i.reason) for i in report.items]
    wizard.close()
    dialog = _restore(qtbot, results_folder)
    # The confirmation lists what will change before anything does.
    listed = {(Path(c.path), c.action) for c in dialog.changes}
    assert {(Path(i.path), "restore") for i in converted} <= listed
    assert dialog.list.topLevelItemCount() == len(dialog.changes)
    assert f"Restore {len(converted)} originals" == dialog.restore_button.text()
    assert dialog.restore_button.isEnabled()
    dialog.restore_button.click()
    qtbot.waitUntil(lambda: dialog.state in ("done", "failed"), timeout=60_000)
    assert dialog.state == "done", dialog.summary.text()
    result = dialog.result
    assert not result.errors
    assert {Path(p) for p in result.restored} == {Path(i.path) for i in converted}
    assert f"Put back {len(converted)} originals" in dialog.summary.text()
    _originals_back(results_folder, originals)
    for item in converted:  # the .h5 files Loupe made are gone
        assert not Path(item.target).exists()


def test_restore_from_a_report_file(snapshot, driver, results_folder: Path, qtbot) -> None:
    originals = snapshot(results_folder)
    wizard = driver.open(results_folder)
    report = driver.convert(wizard, fmt="compressed", workers=1)
    report_file = next(Path(p) for p in report.saved_to if str(p).endswith(".json"))
    # The report view's "Restore originals..." opens the dialog on that report.
    wizard.report_page.view.buttons["restore"].click()
    dialogs = wizard.findChildren(RestoreDialog)
    assert dialogs and dialogs[0].source() == report_file
    dialogs[0].close()
    wizard.close()
    dialog = _restore(qtbot, report_file)
    dialog.restore()
    qtbot.waitUntil(lambda: dialog.state in ("done", "failed"), timeout=60_000)
    assert dialog.state == "done", dialog.summary.text()
    _originals_back(results_folder, originals)


def test_restore_of_untouched_folder_changes_nothing(tmp_path: Path, qtbot) -> None:
    (tmp_path / "a.json").write_text('{"x": 1}')
    dialog = _restore(qtbot, tmp_path)
    assert dialog.changes == [] or dialog.state == "failed"
    assert not dialog.restore_button.isEnabled()
    assert (tmp_path / "a.json").read_text() == '{"x": 1}'


def test_report_dialog_lists_earlier_reports(driver, results_folder: Path, qtbot) -> None:
    wizard = driver.open(results_folder)
    report = driver.convert(wizard, fmt="json", workers=1)
    wizard.close()
    dialog = ReportDialog(None, results_folder)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.view.report is not None, timeout=30_000)
    assert dialog._earlier.count() >= 1
    assert dialog.view.model.rowCount() == len(report.items)
    assert dialog.view.report_path is not None and dialog.view.report_path.suffix == ".json"


def test_report_dialog_on_a_file_that_is_not_a_report(tmp_path: Path, qtbot) -> None:
    bogus = tmp_path / "loupe-report-bogus.json"
    bogus.write_text('{"hello": 1}')
    dialog = ReportDialog(None, None)
    qtbot.addWidget(dialog)
    dialog._load(str(bogus))
    qtbot.waitUntil(lambda: "Could not read" in dialog.view.message.text(), timeout=30_000)
    assert dialog.view.report is None
