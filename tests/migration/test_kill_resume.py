"""A real ``loupe convert`` process killed with SIGKILL (or stopped with Ctrl-C) mid-run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import loupe_command, subprocess_env
from migration.migration_helpers import convert_with_pause, make_results

from storage import DLFriendlyStorage, MigrationReport, find_unfinished_journal
from storage._migration._values import differences

FILES = 24


def _journal_counts(folder: Path) -> tuple[int, int]:
    path = folder / ".loupe-migration-journal.jsonl"
    if not path.exists():
        return 0, 0
    kinds = []
    for line in path.read_bytes().splitlines():
        try:
            kinds.append(json.loads(line)["t"])
        except ValueError:
            pass
    return kinds.count("backup"), kinds.count("done")


def _start(folder: Path, tmp_path: Path, *extra: str) -> subprocess.Popen:
    env = subprocess_env(tmp_path)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent) + os.pathsep + env["PYTHONPATH"]
    # A pause before each file (the worker's test seam) keeps the run long enough to stop it.
    return subprocess.Popen([sys.executable, *convert_with_pause(), "convert", str(folder),
                             "--format", "compressed",
                             "--workers", "2", "--quiet", *extra], env=env,
                            start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def _wait_for(folder: Path, proc: subprocess.Popen, backups: int, done: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        b, d = _journal_counts(folder)
        if b >= backups and d >= done:
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.01)
    pytest.fail("the conversion never got that far")


def _check_safe(folder: Path, originals: dict[Path, bytes]) -> None:
    """Each original is intact, or its backup holds its exact bytes."""
    for path, raw in originals.items():
        backup = path.with_name(path.name + ".backup")
        if path.read_bytes() != raw:
            assert backup.read_bytes() == raw, path
            DLFriendlyStorage().load_from_file(path)  # a complete converted file, never half
        elif backup.exists():
            assert backup.read_bytes() == raw


@pytest.mark.slow
@pytest.mark.parametrize("when", [(1, 0), (4, 3), (10, 8)], ids=["first-backup", "early", "mid"])
def test_kill_9_then_resume_then_restore(tmp_path: Path, when: tuple[int, int]) -> None:
    folder = tmp_path / "lab"
    paths = make_results(folder, FILES, epochs=1500)
    originals = {p: p.read_bytes() for p in paths}
    proc = _start(folder, tmp_path)
    _wait_for(folder, proc, *when)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert find_unfinished_journal(folder) is not None
    _check_safe(folder, originals)

    resumed = subprocess.run([*loupe_command(), "convert", str(folder), "--resume", "--quiet"],
                             env=subprocess_env(tmp_path), capture_output=True, text=True,
                             timeout=300)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert find_unfinished_journal(folder) is None
    report = MigrationReport.load(sorted(folder.glob("loupe-report-*.json"))[-1])
    assert report.totals()["converted"] == FILES and report.totals()["pending"] == 0
    assert not [p for p in folder.iterdir() if p.name.startswith(".hyp_")]  # no temporaries
    for path, raw in originals.items():
        assert path.with_name(path.name + ".backup").read_bytes() == raw
        assert not path.with_name(path.name + ".backup.2").exists()
        assert differences(json.loads(raw), DLFriendlyStorage().load_from_file(path)) is None

    restored = subprocess.run([*loupe_command(), "restore", str(folder)],
                              env=subprocess_env(tmp_path), capture_output=True, text=True,
                              timeout=300)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert {p: p.read_bytes() for p in paths} == originals


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_and_resumes(tmp_path: Path) -> None:
    folder = tmp_path / "lab"
    paths = make_results(folder, FILES, epochs=300)
    originals = {p: p.read_bytes() for p in paths}
    proc = _start(folder, tmp_path)
    _wait_for(folder, proc, 2, 1)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends to the whole process group
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, out + err.decode()
    assert b"--resume" in err
    assert find_unfinished_journal(folder) is not None
    _check_safe(folder, originals)
    report = MigrationReport.load(sorted(folder.glob("loupe-report-*.json"))[-1])
    assert report.cancelled and report.totals()["pending"] > 0
    assert report.totals()["failed"] == 0  # stopping is not a failure of any file
    resumed = subprocess.run([*loupe_command(), "convert", str(folder), "--resume", "-q"],
                             env=subprocess_env(tmp_path), capture_output=True, timeout=300)
    assert resumed.returncode == 0
    assert find_unfinished_journal(folder) is None
