"""What the monkey test checks after every step: no exception reached ``sys.excepthook`` or
Qt's message handler, the GUI thread never stalled, and every plot's axis range is finite."""

from __future__ import annotations

import math
import sys
import threading
import time

from PySide6.QtCore import QObject, QTimer, QtMsgType, qInstallMessageHandler

from gui.app import HARMLESS_QT as APP_SILENCED

TICK_MS = 20
# Qt warnings that say nothing about Loupe (the offscreen and Xvfb platforms' limits): those the
# app itself silences, and font and session notes it leaves on stderr.
HARMLESS_QT = (*APP_SILENCED, "QFont::", "Populating font family aliases",
               "This plugin does not support", "XDG_RUNTIME_DIR")


class Trap:
    """Collects exceptions that reach ``sys.excepthook`` and Qt warnings, criticals and fatals
    (installed over pytest-qt's own handlers for the test; both restored by ``close``)."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self._old_hook = sys.excepthook
        sys.excepthook = self._hook
        self._old_handler = qInstallMessageHandler(self._message)

    def _hook(self, kind, value, tb) -> None:
        import traceback

        self.problems.append("".join(traceback.format_exception(kind, value, tb)))

    def _message(self, mode, context, text: str) -> None:
        if mode in (QtMsgType.QtDebugMsg, QtMsgType.QtInfoMsg):
            return
        if any(h in text for h in HARMLESS_QT):
            return
        self.problems.append(f"Qt {mode.name}: {text}")

    def take(self) -> list[str]:
        found, self.problems = self.problems, []
        return found

    def close(self) -> None:
        sys.excepthook = self._old_hook
        qInstallMessageHandler(self._old_handler)


class Watchdog(QObject):
    """A GUI-thread timer ticks every ``TICK_MS``; a thread measures how late the ticks come.

    The lateness is the time the GUI thread did not get back to its event loop: a user sees a
    frozen window for that long. The thread reads a clock, so it measures a stall correctly
    even when the GIL kept it from running during the stall.
    """

    def __init__(self) -> None:
        super().__init__()
        self._last = time.monotonic()
        self.worst = 0.0
        self._worst_since_take = 0.0
        self._timer = QTimer(self, interval=TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True, name="monkey-watchdog")
        self._thread.start()

    def _tick(self) -> None:
        self._last = time.monotonic()

    def _watch(self) -> None:
        while not self._stop.wait(TICK_MS / 1000):
            late = time.monotonic() - self._last - TICK_MS / 1000
            if late > self._worst_since_take:
                self._worst_since_take = late
                self.worst = max(self.worst, late)

    def take(self) -> float:
        """The worst lateness since the last call, in seconds."""
        worst, self._worst_since_take = self._worst_since_take, 0.0
        return worst

    def pause(self) -> None:
        """Before a step the test itself blocks in (not the window's doing)."""
        self._timer.stop()

    def resume(self) -> None:
        self._last = time.monotonic()
        self._worst_since_take = 0.0
        self._timer.start()

    def close(self) -> None:
        self._stop.set()
        self._timer.stop()
        self._thread.join(1)


def bad_axis_ranges(window) -> list[str]:
    """Every pyqtgraph view box under ``window`` (and its dialogs) whose range is not finite."""
    import pyqtgraph as pg

    bad = []
    for view in window.findChildren(pg.GraphicsView):
        scene = view.scene()
        if scene is None:
            continue
        for item in scene.items():
            if isinstance(item, pg.ViewBox):
                ranges = item.viewRange()
                if not all(math.isfinite(v) for pair in ranges for v in pair):
                    bad.append(f"{type(view).__name__} {view.objectName()}: {ranges}")
    return bad
