"""Run per-file work on a process pool and hand each answer back on the calling thread.

At most two tasks per worker are in flight, so a cancel stops after the files already started.
Spawned (not forked) processes: the caller may be a GUI with threads, and forking a threaded
process can deadlock. A pool that dies (a worker killed by the OOM killer) marks the files it
held as failed and the run goes on with a fresh pool.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from ._worker import before_convert, init_worker

_POLL_S = 0.2


def run_tasks(fn: Callable[[dict], dict], tasks: list[dict], workers: int,
              on_start: Callable[[dict], None], on_result: Callable[[dict, dict], None],
              on_error: Callable[[dict, BaseException], None],
              cancel: threading.Event | None) -> bool:
    """Run ``fn`` on every task; return False when ``cancel`` stopped it early."""
    if workers <= 1 or len(tasks) <= 1:
        return _run_inline(fn, tasks, on_start, on_result, on_error, cancel)
    todo = list(reversed(tasks))
    while todo:
        if not _run_pool(fn, todo, workers, on_start, on_result, on_error, cancel):
            return False
    return True


def _cancelled(cancel: threading.Event | None) -> bool:
    return cancel is not None and cancel.is_set()


def _run_inline(fn, tasks, on_start, on_result, on_error, cancel) -> bool:
    for task in tasks:
        if _cancelled(cancel):
            return False
        on_start(task)
        try:
            result = fn(task)
        except Exception as exc:  # a bug on one file must not stop the others
            on_error(task, exc)
        else:
            on_result(task, result)
    return True


def _run_pool(fn, todo: list[dict], workers: int, on_start, on_result, on_error,
              cancel) -> bool:
    ctx = multiprocessing.get_context("spawn")
    running: dict[Future, dict] = {}
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=init_worker,
                             initargs=(before_convert(),)) as pool:
        try:
            while todo or running:
                while todo and len(running) < 2 * workers and not _cancelled(cancel):
                    task = todo.pop()
                    on_start(task)
                    running[pool.submit(fn, task)] = task
                if not running:
                    return False  # cancelled with nothing in flight
                finished, _ = wait(running, timeout=_POLL_S, return_when=FIRST_COMPLETED)
                for future in finished:
                    _deliver(future, running.pop(future), on_result, on_error)
        except BrokenProcessPool as exc:
            for future, task in running.items():
                if future.done() and not future.exception():
                    on_result(task, future.result())
                else:
                    on_error(task, exc)
            return True  # the caller starts a fresh pool for what is left in ``todo``
    return not _cancelled(cancel) or not todo


def _deliver(future: Future, task: dict, on_result, on_error) -> None:
    exc = future.exception()
    if isinstance(exc, BrokenProcessPool):
        raise exc
    if exc is not None:
        on_error(task, exc)
    else:
        on_result(task, future.result())
