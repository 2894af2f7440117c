"""The small pieces: formatting, patterns, models without a run, drag and drop of a folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from gui.messages import human_bytes, human_seconds
from gui.wizard.common import reveal_target, split_patterns
from gui.wizard.report_model import KindFilter, reason_text, report_model, totals_lines


def test_formatting() -> None:
    assert human_bytes(None) == "\u2014"
    assert human_bytes(512) == "512 B"
    assert human_bytes(1536) == "1.5 KiB"  # one unit style everywhere (storage's)
    assert human_bytes(5 * 1024**3) == "5.0 GiB"
    assert human_seconds(None) == "\u2014"
    assert human_seconds(2.25) == "2.2 s" or human_seconds(2.25) == "2.3 s"
    assert human_seconds(75) == "1 min 15 s"
    assert human_seconds(3 * 3600 + 120) == "3 h 02 min"
    assert split_patterns("*.json, runs/*.json  x*") == ("*.json", "runs/*.json", "x*")


def test_reveal_target(tmp_path: Path) -> None:
    f = tmp_path / "a.json"
    f.write_text("{}")
    assert reveal_target(f) == tmp_path
    assert reveal_target(tmp_path) == tmp_path


def test_report_model_filters_and_sorts(qtbot, tmp_path: Path) -> None:
    from storage import MigrationReport, ReportItem

    items = [
        ReportItem(tmp_path / "b.json", "converted", tmp_path / "b.json", "json", size_before=100,
                   size_after=40, seconds=0.5),
        ReportItem(tmp_path / "a.json", "failed", reason="broken JSON", line=3, column=7,
                   size_before=10),
        ReportItem(tmp_path / "c.json", "skipped", reason="already DL-friendly", size_before=5),
    ]
    report = MigrationReport(tmp_path, items=items, seconds=1.0)
    model = report_model()
    model.set_rows(report.items, report.root)
    proxy = KindFilter()
    proxy.setSourceModel(model)
    proxy.sort(0, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 0).data() for r in range(3)] == ["failed", "converted", "skipped"]
    assert proxy.index(0, 1).data() == "a.json"  # relative to the report's root
    assert proxy.index(0, 7).data() == "broken JSON (line 3, column 7)"
    proxy.sort(3, Qt.SortOrder.DescendingOrder)  # "Before" sorts by bytes, not by text
    assert proxy.index(0, 1).data() == "b.json"
    proxy.set_kind("skipped")
    assert proxy.rowCount() == 1
    proxy.set_kind(None)
    proxy.set_text("broken")
    assert proxy.rowCount() == 1 and proxy.index(0, 0).data() == "failed"
    assert reason_text(items[0]) == ""
    lines = dict(totals_lines(report.totals()))
    assert lines["Converted"] == "1" and lines["Failed"] == "1" and lines["Ratio"] == "0.40"


def test_dropping_a_folder_on_the_source_page(driver, tmp_path: Path, qtbot) -> None:
    other = tmp_path / "other"
    other.mkdir()
    wizard = driver.open(tmp_path)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(other))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    wizard.source.dropEvent(event)
    assert wizard.source.folder() == other
