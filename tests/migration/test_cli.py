"""``loupe convert`` and ``loupe restore`` as a user runs them."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

from conftest import loupe_command, subprocess_env
from migration.migration_helpers import make_results, snapshot

from gui.cli import main
from gui.cli.convert_cmd import ProgressBar


def _loupe(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*loupe_command(), *args], env=subprocess_env(tmp_path),
                          capture_output=True, text=True, timeout=300)


def test_dry_run_lists_and_writes_nothing(corpus_copy: Path, tmp_path: Path, capsys) -> None:
    before = snapshot(corpus_copy)
    code = main(["convert", str(corpus_copy), "--dry-run", "--workers", "1"])
    out = capsys.readouterr().out
    assert code == 1  # some corpus files would fail
    assert "fail     json_bad/n_object_trailing_comma.json: broken JSON" in out
    assert "(line 1, column 9)" in out and "Nothing was written." in out
    assert snapshot(corpus_copy) == before


def test_convert_prints_a_summary_and_exit_status(tmp_path: Path) -> None:
    folder = tmp_path / "lab"
    make_results(folder, 3)
    done = _loupe(tmp_path, "convert", str(folder), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert "converted" in done.stdout and "report:" in done.stdout
    assert len(list(folder.glob("loupe-report-*.md"))) == 1
    (folder / "broken.json").write_text('{"a": [1,}')
    again = _loupe(tmp_path, "convert", str(folder))
    assert again.returncode == 1
    assert "failed   broken.json: broken JSON" in again.stdout


def test_restore_command(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "lab"
    paths = make_results(folder, 2)
    originals = {p: p.read_bytes() for p in paths}
    assert main(["convert", str(folder), "--format", "compressed", "-q", "--workers", "1"]) == 0
    assert main(["restore", str(folder), "--dry-run"]) == 0
    assert "2 change(s); nothing was written." in capsys.readouterr().out
    assert main(["restore", str(folder)]) == 0
    assert "restored 2" in capsys.readouterr().out
    assert {p: p.read_bytes() for p in paths} == originals


def test_errors_are_messages_not_tracebacks(tmp_path: Path) -> None:
    missing = _loupe(tmp_path, "convert", str(tmp_path / "nope"))
    assert missing.returncode == 2 and "is not a folder" in missing.stderr
    assert "Traceback" not in missing.stderr
    bad_report = tmp_path / "r.json"
    bad_report.write_text("{}")
    restore = _loupe(tmp_path, "restore", str(bad_report))
    assert restore.returncode == 2 and "not a Loupe migration report" in restore.stderr


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_shows_files_bytes_and_eta() -> None:
    from storage import ProgressEvent

    stream = _Terminal()
    bar = ProgressBar(stream)
    bar(ProgressEvent(5, 20, 2_500_000, 10_000_000, None, "", 3.0, 9.0))
    bar.close()
    text = stream.getvalue()
    assert "5/20 files" in text and "2.4 MiB/9.5 MiB" in text and "ETA 0:00:09" in text
    assert "[#" in text and text.endswith("\n")
    quiet = io.StringIO()  # not a terminal: no bar at all
    ProgressBar(quiet)(ProgressEvent(1, 2, 1, 2))
    assert quiet.getvalue() == ""


def test_unfinished_run_needs_resume(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "lab"
    make_results(folder, 1)
    (folder / ".loupe-migration-journal.jsonl").write_text('{"t": "start", "options": {}}\n')
    assert main(["convert", str(folder), "-q"]) == 2
    assert "--resume" in capsys.readouterr().err
