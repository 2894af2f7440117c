"""Reads for the dataset views: one at a time per view, with progress and cancel.

:class:`ReadRunner` runs a read in a worker; starting a new one cancels the one before (its late
answer is dropped). :class:`ReadStatus` is the bar that shows a slow read and its Cancel button.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from gui.browser.read_budget import ask_to_read_more
from gui.workers import Task, submit

SHOW_AFTER_MS = 250  # a read that answers sooner never shows the bar


class ReadRunner(QObject):
    started = Signal(object)  # the runner itself
    progress = Signal(float)
    finished = Signal(object)
    cancelled = Signal()  # the user stopped a read (not: a newer read replaced it)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._task: Task | None = None
        self._generation = 0
        self.label = ""

    def run(self, label: str, fn: Callable[..., Any], *args: Any,
            on_done: Callable[[Any], None], on_error: Callable[[BaseException], None],
            **kwargs: Any) -> None:
        """Run ``fn(*args, cancel=..., progress=..., **kwargs)`` in a worker."""
        self.cancel()
        self._generation += 1
        generation = self._generation
        self.label = label

        def finish(callback: Callable[[Any], None]) -> Callable[[Any], None]:
            def _answer(value: Any) -> None:
                if generation != self._generation:
                    return
                self._task = None
                self.finished.emit(self)
                callback(value)
            return _answer

        def error(exc: BaseException) -> None:
            if ask_to_read_more(self.parent(), exc):  # a big remote read: asked, agreed
                self.run(label, fn, *args, on_done=on_done, on_error=on_error, **kwargs)
            else:
                on_error(exc)

        self._task = submit(fn, *args, on_done=finish(on_done), on_error=finish(error),
                            on_progress=self._progress(generation), wants_cancel=True, **kwargs)
        self.started.emit(self)

    def _progress(self, generation: int) -> Callable[[Any], None]:
        def _emit(value: Any) -> None:
            if generation == self._generation:
                self.progress.emit(float(value))
        return _emit

    def cancel(self, by_user: bool = False) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
            self._generation += 1
            self.finished.emit(self)
            if by_user:
                self.cancelled.emit()

    @property
    def busy(self) -> bool:
        return self._task is not None


class ReadStatus(QWidget):
    """'Reading /x ... [=====   ] Cancel' for the runners it watches; hidden when idle."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._label = QLabel(self)
        self._bar = QProgressBar(self)
        self._bar.setMaximumWidth(220)
        self._cancel = QPushButton("Cancel", self)
        self._cancel.setToolTip("Stop this read (Esc)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._label, 1)
        layout.addWidget(self._bar)
        layout.addWidget(self._cancel)
        self._runners: list[ReadRunner] = []
        self._active: ReadRunner | None = None
        self._timer = QTimer(self, singleShot=True, interval=SHOW_AFTER_MS)
        self._timer.timeout.connect(self._show_if_busy)
        self._cancel.clicked.connect(self.cancel)
        self.hide()

    def watch(self, runner: ReadRunner) -> None:
        self._runners.append(runner)
        runner.started.connect(self._started)
        runner.finished.connect(self._finished)
        runner.progress.connect(self._progress)

    def _started(self, runner: ReadRunner) -> None:
        self._active = runner
        self._bar.setRange(0, 0)  # busy until the first progress report
        self._label.setText(runner.label)
        self._timer.start()

    def _progress(self, fraction: float) -> None:
        self._bar.setRange(0, 1000)
        self._bar.setValue(int(fraction * 1000))

    def _finished(self, runner: ReadRunner) -> None:
        if not any(r.busy for r in self._runners):
            self._timer.stop()
            self.hide()

    def _show_if_busy(self) -> None:
        if any(r.busy for r in self._runners):
            self.show()

    def cancel(self) -> None:
        for runner in self._runners:
            runner.cancel(by_user=True)
