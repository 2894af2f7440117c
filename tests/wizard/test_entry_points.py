"""How the main window reaches the wizard: Tools menu, a dropped folder, the public functions."""

from __future__ import annotations

from pathlib import Path

from gui.wizard import open_convert_wizard, open_report_dialog, open_restore_dialog
from gui.wizard.report_view import ReportDialog
from gui.wizard.restore_dialog import RestoreDialog
from gui.wizard.wizard import ConvertWizard


def _tools_actions(window) -> dict[str, object]:
    tools = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Tools")
    return {a.text().replace("&", ""): a for a in tools.actions() if a.text()}


def test_tools_menu_opens_the_wizard_on_the_last_folder(main_window, tmp_path, qtbot) -> None:
    from gui.wizard.common import remember

    remember("folder", str(tmp_path))
    actions = _tools_actions(main_window)
    assert {"Convert JSON Results...", "Restore Originals...", "Conversion Reports..."} <= set(
        actions)
    actions["Convert JSON Results..."].trigger()
    wizards = main_window.findChildren(ConvertWizard)
    assert len(wizards) == 1 and wizards[0].isVisible()
    assert wizards[0].source.folder() == tmp_path
    qtbot.waitUntil(lambda: not wizards[0].source.is_busy())
    wizards[0].close()


def test_first_use_opens_the_wizard_on_the_lab_that_is_open(main_window, tmp_path, qtbot) -> None:
    lab = tmp_path / "lab"
    (lab / "results").mkdir(parents=True)
    (lab / "results" / "h001_results.json").write_text('{"accuracy": 0.9}')
    main_window.open_lab(str(lab))
    _tools_actions(main_window)["Convert JSON Results..."].trigger()
    wizard = main_window.findChildren(ConvertWizard)[-1]
    assert wizard.source.folder() == lab
    qtbot.waitUntil(lambda: not wizard.source.is_busy() and not main_window.is_busy(),
                    timeout=60000)
    wizard.close()


def test_dropped_folder_without_results_offers_conversion(main_window, tmp_path, qtbot) -> None:
    (tmp_path / "metrics.json").write_text('{"loss": [1, 2, 3, 4, 5, 6, 7, 8, 9]}')
    main_window.open_folder(str(tmp_path))  # the folder is looked into in a worker
    qtbot.waitUntil(lambda: bool(main_window.findChildren(ConvertWizard)))
    wizard = main_window.findChildren(ConvertWizard)[-1]
    assert wizard.source.folder() == tmp_path
    qtbot.waitUntil(lambda: wizard.source.counted is not None)
    assert wizard.source.counted.files == 1
    wizard.close()


def test_public_functions_return_their_windows(main_window, tmp_path: Path, qtbot) -> None:
    wizard = open_convert_wizard(main_window, str(tmp_path))
    assert isinstance(wizard, ConvertWizard) and wizard.parent() is main_window
    qtbot.waitUntil(lambda: not wizard.source.is_busy())
    wizard.close()
    restore = open_restore_dialog(main_window, tmp_path)
    assert isinstance(restore, RestoreDialog) and restore.source() == tmp_path
    qtbot.waitUntil(lambda: restore.state in ("planned", "failed"))
    restore.close()
    reports = open_report_dialog(main_window, tmp_path)
    assert isinstance(reports, ReportDialog)
    qtbot.waitUntil(lambda: "no conversion reports" in reports.view.message.text())
    reports.close()
