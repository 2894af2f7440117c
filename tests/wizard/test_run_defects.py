"""Regression tests of the conversion defects found by hand (issue 13): stopping that did not
stop, a live log that skipped failures, and a resumed report's times."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from gui.messages import human_seconds
from gui.wizard import common

pytestmark = pytest.mark.slow


def test_cancel_stops_while_the_question_is_up(driver, big_folder: Path, qtbot,
                                               monkeypatch) -> None:
    """The user reads the question for a while: nothing new starts, and "Stop and close"
    closes the wizard although the stopped part has ended meanwhile."""
    wizard = driver.open(big_folder)
    driver.to_preview(wizard, fmt="json", workers=1)
    seen: list[str] = []

    def slow_user(parent, title, text, yes="Yes", no="No") -> bool:
        seen.append(wizard.run.state)
        qtbot.waitUntil(lambda: not wizard.run.is_running(), timeout=driver.RUN_TIMEOUT_MS)
        return True  # "Stop and close"

    monkeypatch.setattr(common, "ask", slow_user)
    driver.start_run(wizard)
    qtbot.waitUntil(lambda: wizard.run.last_event is not None
                    and wizard.run.last_event.files_done >= 1, timeout=driver.RUN_TIMEOUT_MS)
    wizard.reject()  # Cancel
    assert seen == ["stopping"]  # stopped before asking
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=10_000)
    report = wizard.report
    assert report is not None and report.cancelled
    assert report.totals()["pending"] > 0  # the run did not go on to the end behind the question


def test_keep_converting_resumes_the_run(driver, big_folder: Path, qtbot, monkeypatch) -> None:
    wizard = driver.open(big_folder)
    driver.to_preview(wizard, fmt="json", workers=1)
    monkeypatch.setattr(common, "ask", lambda *a, **k: False)  # "Keep converting"
    driver.start_run(wizard)
    qtbot.waitUntil(lambda: wizard.run.last_event is not None
                    and wizard.run.last_event.files_done >= 1, timeout=driver.RUN_TIMEOUT_MS)
    wizard.reject()
    assert wizard.isVisible()
    qtbot.waitUntil(lambda: wizard.run.state == "done", timeout=driver.RUN_TIMEOUT_MS)
    assert wizard.report.totals()["pending"] == 0 and not wizard.report.cancelled


def test_live_log_shows_every_failure(driver, results_folder: Path) -> None:
    wizard = driver.open(results_folder)
    driver.to_preview(wizard, fmt="json", workers=2)
    driver.start_run(wizard)
    driver.wait_run(wizard)
    log = wizard.run.log.toPlainText()
    failed = wizard.report.failed
    assert failed
    for item in failed:
        assert f"failed {Path(item.path).name}: {item.reason}" in log
    assert log.count("] converted ") == wizard.report.totals()["converted"]


def test_resumed_report_times_cover_every_part(big_folder: Path) -> None:
    from storage import MigrationOptions, run_migration

    cancel = threading.Event()

    def stop_after_two(event) -> None:
        if event.files_done >= 2:
            cancel.set()

    options = MigrationOptions(root=big_folder, format="json", workers=1)
    first = run_migration(options, progress=stop_after_two, cancel=cancel)
    assert first.cancelled and first.totals()["pending"] > 0
    resumed = run_migration(options, resume=True)
    assert resumed.totals()["pending"] == 0
    converted = [i for i in resumed.items if i.status == "converted"]
    assert converted and all(i.seconds > 0 for i in converted)
    # One worker: the run's wall time is at least the sum of its files' times, earlier part
    # included (timing only the resume claimed several times the real MB/s).
    assert resumed.seconds >= sum(i.seconds for i in converted)
    assert resumed.seconds >= first.seconds


def test_short_times_are_not_zero() -> None:
    assert human_seconds(0.04) == "40 ms"
    assert human_seconds(0.0002) == "0.20 ms"
    assert human_seconds(0.9996) == "1.0 s"
    assert human_seconds(0) == "0 s"  # nothing left


def test_journal_times_of_stopped_and_killed_parts(tmp_path: Path) -> None:
    from storage._migration import _journal

    path = tmp_path / "journal"
    records = [{"t": "start", "options": {"workers": 2}, "started": "x"},
               {"t": "done", "item": {"path": "a", "seconds": 3.0}},
               {"t": "part", "seconds": 2.5},  # stopped: its own wall time counts
               {"t": "done", "item": {"path": "b", "seconds": 4.0}},
               {"t": "done", "item": {"path": "c", "seconds": 2.0}}]  # then killed
    for record in records:
        _journal.append(path, record)
    _journal.close(path)
    assert _journal.read(path).elapsed_s == pytest.approx(2.5 + (4.0 + 2.0) / 2)
