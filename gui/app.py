"""Start the application: QApplication, main window, and ``--screenshot`` mode."""

from __future__ import annotations

import argparse
import sys
import time

from PySide6.QtCore import (
    QMessageLogContext,
    QTimer,
    QtMsgType,
    qFormatLogMessage,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication

from gui.icons import app_icon
from gui.resources import stylesheet

SCREENSHOT_TIMEOUT_S = 90.0
SETTLE_POLLS = 4  # consecutive idle polls (100 ms apart) before the picture is taken
# Qt messages that say nothing to a user: the offscreen platform (--screenshot) prints the first
# for every window shown, and a user reads a line on stderr as a fault.
HARMLESS_QT = ("This plugin does not support propagateSizeHints()",)


def make_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication, created once, with Loupe's names, icon and stylesheet."""
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("Loupe")
    app.setOrganizationName("Loupe")
    app.setApplicationDisplayName("Loupe")
    app.setDesktopFileName("loupe")
    app.setWindowIcon(app_icon())
    app.setStyleSheet(stylesheet())
    return app


def run_app(args: argparse.Namespace) -> int:
    """Open the main window with ``args.files`` (and ``args.lab``); run until it closes."""
    import pyqtgraph as pg

    pg.setConfigOptions(antialias=True, background="w", foreground="k")
    app = make_app()
    qInstallMessageHandler(_print_qt_message)
    from gui.main_window import MainWindow

    window = MainWindow()
    if args.screenshot:
        width, _, height = args.size.partition("x")
        window.resize(int(width), int(height))
    window.show()
    if args.files:
        window.open_paths(args.files)
    if args.lab:
        window.open_lab(args.lab)
    if args.screenshot:
        return _screenshot(app, window, args.screenshot, args.show)
    return app.exec()


def _print_qt_message(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Qt's own output (same format, QT_MESSAGE_PATTERN respected), less HARMLESS_QT."""
    if message not in HARMLESS_QT:
        print(qFormatLogMessage(mode, context, message), file=sys.stderr, flush=True)


def _screenshot(app: QApplication, window, out: str, show: str | None) -> int:
    """Wait until nothing is loading, then save the window as a PNG and quit."""
    from gui.workers import pending_tasks

    state = {"idle": 0, "shown": show is None, "start": time.monotonic(), "rc": 0}

    def poll() -> None:
        busy = window.is_busy() or pending_tasks() > 0
        timed_out = time.monotonic() - state["start"] > SCREENSHOT_TIMEOUT_S
        state["idle"] = 0 if busy else state["idle"] + 1
        if state["idle"] < SETTLE_POLLS and not timed_out:
            return
        if not state["shown"]:
            state["shown"] = True
            state["idle"] = 0
            window.show_target(show)
            return
        if timed_out:
            print("loupe: still loading after the timeout; saving what is shown", file=sys.stderr)
        timer.stop()
        grab = window.grab()
        if not grab.save(out):
            print(f"loupe: could not write {out}", file=sys.stderr)
            state["rc"] = 1
        window.close()
        app.quit()

    timer = QTimer(window)
    timer.timeout.connect(poll)
    timer.start(100)
    app.exec()
    return state["rc"]
