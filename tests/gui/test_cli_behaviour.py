"""What every ``loupe`` command does alike, run as a user runs it (``python -m gui ...``):
closed pipes, exit codes, errors as one line (and JSON with --json), reading commands that
create nothing, no display, and a restore with nothing to restore."""

from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest
from conftest import loupe_command, subprocess_env

from gui.cli.common import EXIT_FAILED, EXIT_PIPE, EXIT_USAGE, name_once
from gui.cli.display import X_TCP_PORT, display_problem

TIMEOUT_S = 120


def _loupe(tmp_path: Path, *args: str, env: dict[str, str] | None = None
           ) -> subprocess.CompletedProcess:
    return subprocess.run([*loupe_command(), *map(str, args)], capture_output=True, text=True,
                          env=env or subprocess_env(tmp_path), timeout=TIMEOUT_S)


def _files(folder: Path) -> set[Path]:
    return {p.relative_to(folder) for p in folder.rglob("*")}


@pytest.fixture
def many_nodes(tmp_path: Path) -> Path:
    """An HDF5 file whose listing is far larger than a pipe's buffer (64 KiB)."""
    path = tmp_path / "many.h5"
    with h5py.File(path, "w") as f:
        for i in range(3000):
            f.create_dataset(f"group_{i // 100:02d}/dataset_{i:05d}", data=np.arange(4))
    return path


def _read_three_lines_then_close(tmp_path: Path, *args: str) -> tuple[int, str]:
    """``loupe ARGS | head -3``: read three lines, close the pipe, collect stderr and the code."""
    proc = subprocess.Popen([*loupe_command(), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=subprocess_env(tmp_path))
    for _ in range(3):
        assert proc.stdout.readline()
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    return proc.wait(timeout=TIMEOUT_S), stderr


@pytest.mark.parametrize("options", [[], ["--json"]], ids=["text", "json"])
def test_inspect_into_a_closed_pipe_exits_quietly(tmp_path, many_nodes, options) -> None:
    code, stderr = _read_three_lines_then_close(tmp_path, "inspect", str(many_nodes), *options)
    assert stderr == ""
    assert code in (0, EXIT_PIPE)  # 0 only if all output fit in the pipe before it closed


def test_convert_plan_into_a_closed_pipe_exits_quietly(tmp_path) -> None:
    folder = tmp_path / "results"
    folder.mkdir()
    for i in range(1500):
        (folder / f"run_with_a_long_name_{i:05d}.json").write_text('{"loss": [1, 2, 3]}')
    code, stderr = _read_three_lines_then_close(tmp_path, "convert", str(folder), "--dry-run")
    assert stderr == "" and code in (0, EXIT_FAILED, EXIT_PIPE)
    assert not list(folder.glob("loupe-*")), "a dry run wrote something"


@pytest.mark.parametrize("args", ["inspect --help", "--help"])
def test_help_into_a_closed_pipe_exits_quietly(tmp_path, args) -> None:
    proc = subprocess.run(f"{' '.join(loupe_command())} {args} | head -1", shell=True,
                          capture_output=True, text=True, env=subprocess_env(tmp_path),
                          timeout=TIMEOUT_S)
    assert proc.stdout.startswith("usage: loupe") and proc.stderr == ""


@pytest.mark.parametrize("command", ["search", "index"])
def test_a_mistyped_lab_is_a_usage_error_and_creates_nothing(tmp_path, command) -> None:
    typo = tmp_path / "MISTYPED"
    args = ["search", "x", "--lab", typo] if command == "search" else ["index", typo]
    out = _loupe(tmp_path, *args)
    assert out.returncode == EXIT_USAGE
    assert f"loupe {command}: {typo} does not exist" in out.stderr
    assert not typo.exists()


def test_a_folder_that_is_not_a_lab_is_a_usage_error(tmp_path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    out = _loupe(tmp_path, "search", "x", "--lab", folder, "--json")
    assert out.returncode == EXIT_USAGE and "is not a lab" in out.stderr
    assert json.loads(out.stdout) == {"error": out.stderr.split(": ", 1)[1].strip(),
                                      "command": "search", "exit_code": EXIT_USAGE}
    assert _files(folder) == set()


def test_searching_a_lab_without_an_index_creates_no_index(tmp_path) -> None:
    lab = tmp_path / "lab"
    (lab / "results").mkdir(parents=True)
    out = _loupe(tmp_path, "search", "x", "--lab", lab)
    assert out.returncode == EXIT_FAILED and "has no index yet" in out.stderr
    assert f"loupe index {lab}" in out.stderr
    assert _files(lab) == {Path("results")}


def test_inspect_errors_name_the_file_once_and_json_is_parseable(tmp_path) -> None:
    bad = tmp_path / "notahdf5file.h5"
    bad.write_bytes(b"this is not an HDF5 file..")
    out = _loupe(tmp_path, "inspect", bad, "--json")
    assert out.returncode == EXIT_USAGE
    assert out.stderr.count("notahdf5file.h5") == 1 and "Traceback" not in out.stderr
    error = json.loads(out.stdout)
    assert error["command"] == "inspect" and "not an HDF5 file" in error["error"]
    usage = _loupe(tmp_path, "inspect", "--no-such-option", bad, "--json")
    assert usage.returncode == EXIT_USAGE
    assert "--no-such-option" in json.loads(usage.stdout)["error"]


def test_name_once() -> None:
    assert name_once("/a/b.h5", "b.h5: not an HDF5 file") == "b.h5: not an HDF5 file"
    assert name_once("/a/b.h5", "permission denied") == "/a/b.h5: permission denied"


def test_restore_of_a_folder_never_converted_says_so(tmp_path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "run.json").write_text('{"loss": 1}')
    for extra in ([], ["--dry-run"]):
        out = _loupe(tmp_path, "restore", folder, *extra)
        assert out.returncode == EXIT_FAILED, out.stderr
        assert out.stderr.startswith(f"loupe restore: nothing to restore in {folder}")
    assert _files(folder) == {Path("run.json")}


def test_help_documents_exit_codes_json_errors_and_restore_dry_run(tmp_path) -> None:
    top = _loupe(tmp_path, "--help").stdout
    assert "Exit codes:" in top and '{"error"' in top and "xvfb-run" in top
    restore = " ".join(_loupe(tmp_path, "restore", "--help").stdout.split())
    assert "--dry-run list each original that would be put back" in restore
    assert "nothing is written" in restore and "Exit codes:" in restore


def _headless_env(tmp_path: Path) -> dict[str, str]:
    env = subprocess_env(tmp_path)
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        env.pop(name, None)
    return env


def test_no_display_says_what_to_do_before_qt_starts(tmp_path) -> None:
    out = _loupe(tmp_path, "--lab", tmp_path, env=_headless_env(tmp_path))
    assert out.returncode == EXIT_FAILED
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "DISPLAY" in lines[0] and "xvfb-run" in lines[0]
    assert "--screenshot" in lines[0] and "xcb" not in out.stderr


def test_screenshot_needs_no_display(tmp_path) -> None:
    shot = tmp_path / "shot.png"
    out = _loupe(tmp_path, "--screenshot", shot, env=_headless_env(tmp_path))
    assert out.returncode == 0, out.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out.stderr == ""  # not Qt's "This plugin does not support propagateSizeHints()"


def test_display_rules(tmp_path) -> None:
    """A display is trusted when its X server accepts a connection, not because DISPLAY is set."""
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, tmp_path) is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, tmp_path) is None
    assert "DISPLAY is not set" in display_problem({}, tmp_path)
    gone = display_problem({"DISPLAY": ":7"}, tmp_path)  # no server: a stopped Xvfb
    assert "no X server answers on DISPLAY=:7" in gone and "xvfb-run" in gone
    with socket.socket(socket.AF_UNIX) as server:  # a real listening socket, as Xvfb makes
        server.bind(str(tmp_path / "X7"))
        server.listen()
        assert display_problem({"DISPLAY": ":7.0"}, tmp_path) is None
    with socket.socket() as server:  # ssh -X forwards display N to TCP port 6000 + N
        server.bind(("127.0.0.1", 0))
        server.listen()
        number = server.getsockname()[1] - X_TCP_PORT
        assert display_problem({"DISPLAY": f"127.0.0.1:{number}.0"}, tmp_path) is None
    assert "no X server" in display_problem({"DISPLAY": f"127.0.0.1:{number}.0"}, tmp_path)
    assert display_problem({"DISPLAY": "odd-name"}, tmp_path) is None  # not understood: Qt decides


def test_a_display_that_is_gone_says_so_before_qt_starts(tmp_path) -> None:
    env = {**_headless_env(tmp_path), "DISPLAY": ":87"}
    out = _loupe(tmp_path, "--lab", tmp_path, env=env)
    assert out.returncode == EXIT_FAILED, out.stderr  # not Qt's abort (134)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "DISPLAY=:87" in lines[0] and "xvfb-run" in lines[0]
