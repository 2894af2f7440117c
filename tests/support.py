"""Helpers that tests in several folders share (``tests`` is on pytest's pythonpath)."""

from __future__ import annotations

import subprocess
from pathlib import Path


def stop_process(proc: subprocess.Popen, timeout: float = 15) -> None:
    """End a server the test started, by its own process: SIGTERM, then SIGKILL if it hangs."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)


def show_widget(qtbot, widget, width: int = 1200, height: int = 800):
    """``widget`` registered with qtbot (closed after the test), sized and shown."""
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    return widget


def open_experiments_panel(qtbot, lab: Path, timeout: int):
    """The experiments panel shown with ``lab`` open, once its first results are shown."""
    from gui.experiments_panel import ExperimentsPanel

    widget = show_widget(qtbot, ExperimentsPanel(), 1400, 800)
    with qtbot.waitSignal(widget.search.results_shown, timeout=timeout):
        widget.open_lab(str(lab))
    return widget


def indexed_demo_lab(root: Path, hypotheses: int = 6) -> Path:
    """A demo lab written at ``root`` and indexed (session fixtures copy or only read it)."""
    from storage import Lab, write_demo_lab

    write_demo_lab(root, hypotheses=hypotheses)
    Lab(root).reindex()
    return root
