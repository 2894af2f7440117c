"""Start Loupe for real, in a subprocess (MNELAB's tests/test_main.py does the same)."""

from __future__ import annotations

import subprocess

import h5py
import numpy as np
from conftest import loupe_command, subprocess_env


def test_version(tmp_path) -> None:
    out = subprocess.run([*loupe_command(), "--version"], capture_output=True, text=True,
                         env=subprocess_env(tmp_path), timeout=120)
    assert out.returncode == 0
    assert out.stdout.startswith("loupe ")


def test_screenshot_writes_png(tmp_path) -> None:
    data = tmp_path / "small.h5"
    with h5py.File(data, "w") as f:
        f["loss"] = np.linspace(1, 0, 50)
    shot = tmp_path / "shot.png"
    out = subprocess.run([*loupe_command(), "--screenshot", str(shot), str(data)],
                         capture_output=True, text=True, env=subprocess_env(tmp_path),
                         timeout=180)
    assert out.returncode == 0, out.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_main_window_menus(qtbot) -> None:
    from gui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles[:3] == ["File", "Tools", "Help"]
    file_menu = window.menuBar().actions()[0].menu()
    file_actions = [a.text().replace("&", "") for a in file_menu.actions()]
    assert "Open..." in file_actions and "Quit" in file_actions
