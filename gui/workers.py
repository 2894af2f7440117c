"""Run blocking work off the GUI thread.

A :class:`Task` wraps a plain function. It runs in a ``QThreadPool`` and always reports, exactly
once, through ``done(result)`` or ``failed(exception)``: a worker that dies silently leaves a view
"loading" forever (silx's ``LoadingItemRunnable`` carries result and error in one signal for the
same reason). Signals are delivered on the GUI thread by Qt's queued connections.

The function may accept a ``progress`` callback (``progress(value)`` with any object) and a
``cancel`` :class:`threading.Event`; pass ``wants_progress=True`` / ``wants_cancel=True``.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

_LIVE: set[Task] = set()  # keep Python wrappers alive until they have reported


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(object)


class Task(QRunnable):
    """One unit of background work with result, error and progress signals."""

    def __init__(self, fn: Callable[..., Any], *args: Any, wants_progress: bool = False,
                 wants_cancel: bool = False, **kwargs: Any) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.signals = _Signals()
        self.cancel_event = threading.Event()
        self._fn, self._args, self._kwargs = fn, args, dict(kwargs)
        if wants_progress:
            self._kwargs["progress"] = self.signals.progress.emit
        if wants_cancel:
            self._kwargs["cancel"] = self.cancel_event

    def cancel(self) -> None:
        """Ask the function to stop; it decides when (it sees ``cancel.is_set()``)."""
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def run(self) -> None:  # noqa: D401 - Qt API
        try:
            result = self._fn(*self._args, **self._kwargs)
        except BaseException as exc:  # report everything, also KeyboardInterrupt in a worker
            exc.__loupe_traceback__ = traceback.format_exc()
            self._emit(self.signals.failed, exc)
        else:
            self._emit(self.signals.done, result)

    def _emit(self, signal: Any, value: Any) -> None:
        try:
            signal.emit(value)
        except RuntimeError:  # receiver deleted while we worked (window closed): nothing to do
            _LIVE.discard(self)

    def _reported(self, _value: Any = None) -> None:
        # Runs on the GUI thread after the caller's own callbacks (connected last), so a task
        # counts as pending until its answer has been applied, not merely sent.
        _LIVE.discard(self)


def submit(fn: Callable[..., Any], *args: Any,
           on_done: Callable[[Any], None] | None = None,
           on_error: Callable[[BaseException], None] | None = None,
           on_progress: Callable[[Any], None] | None = None,
           wants_cancel: bool = False,
           pool: QThreadPool | None = None,
           **kwargs: Any) -> Task:
    """Run ``fn(*args, **kwargs)`` in a thread pool and connect the callbacks; returns the task."""
    task = Task(fn, *args, wants_progress=on_progress is not None, wants_cancel=wants_cancel,
                **kwargs)
    if on_done is not None:
        task.signals.done.connect(on_done)
    if on_error is not None:
        task.signals.failed.connect(on_error)
    if on_progress is not None:
        task.signals.progress.connect(on_progress)
    task.signals.done.connect(task._reported)
    task.signals.failed.connect(task._reported)
    _LIVE.add(task)
    (pool or QThreadPool.globalInstance()).start(task)
    return task


class LatestOnly:
    """Submit tasks where only the newest one's answer matters (typing in a search box).

    Older tasks are asked to cancel and their late answers are dropped.
    """

    def __init__(self, pool: QThreadPool | None = None) -> None:
        self._pool = pool
        self._generation = 0
        self._current: Task | None = None

    def submit(self, fn: Callable[..., Any], *args: Any,
               on_done: Callable[[Any], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None,
               **kwargs: Any) -> Task:
        if self._current is not None:
            self._current.cancel()
        self._generation += 1
        generation = self._generation

        def keep(callback: Callable[[Any], None] | None) -> Callable[[Any], None]:
            def _maybe(value: Any) -> None:
                if generation == self._generation and callback is not None:
                    callback(value)
            return _maybe

        self._current = submit(fn, *args, on_done=keep(on_done), on_error=keep(on_error),
                               pool=self._pool, **kwargs)
        return self._current

    @property
    def busy(self) -> bool:
        return self._current is not None and self._current in _LIVE


def pending_tasks() -> int:
    """How many submitted tasks have not reported yet (used by ``--screenshot`` to wait)."""
    return len(_LIVE)
