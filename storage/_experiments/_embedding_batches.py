"""Batching and threading for the numpy MiniLM encoder (see :mod:`._embedding`)."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

# Batches hold texts of similar token length (sorted), up to this many padded tokens: big enough
# for efficient matrix products, small enough that a batch's activations stay in the caches.
BATCH_TOKENS = 1024
MAX_BATCH = 64
# Texts per thread below which splitting a batch across threads costs more than it saves.
MIN_SPLIT = 4


def pad(seqs: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    longest = max((len(s) for s in seqs), default=0)
    ids = np.zeros((len(seqs), longest), dtype=np.int64)  # [PAD] is id 0
    mask = np.zeros((len(seqs), longest), dtype=np.float32)
    for row, seq in enumerate(seqs):
        ids[row, :len(seq)] = seq
        mask[row, :len(seq)] = 1.0
    return ids, mask


def batches_by_length(lengths: Sequence[int], threads: int) -> list[list[int]]:
    """Indices grouped by similar token length, each group at most BATCH_TOKENS padded tokens.

    When there are fewer groups than threads, the largest groups are halved (down to MIN_SPLIT
    texts) so every thread has work.
    """
    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:  # ascending: the newest text is the longest of its batch
        if current and ((len(current) + 1) * lengths[i] > BATCH_TOKENS
                        or len(current) >= MAX_BATCH):
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    while 0 < len(batches) < threads:
        biggest = max(batches, key=len)
        if len(biggest) < 2 * MIN_SPLIT:
            break
        batches.remove(biggest)
        half = len(biggest) // 2
        batches += [biggest[:half], biggest[half:]]
    return batches


_BLAS_LOCK = threading.Lock()
_BLAS_USERS = 0
_BLAS_LIMIT: Any = None


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """BLAS limited to one thread while any encode runs (reference-counted across threads).

    Multithreaded OpenBLAS spins when the cores are busy (a GUI, a training run): measured 6x
    slower than one thread on a loaded 2-core machine. Parallelism comes from encode's own
    threads instead. Counting users keeps one caller's exit from restoring many BLAS threads
    while another caller is still encoding.
    """
    global _BLAS_USERS, _BLAS_LIMIT
    with _BLAS_LOCK:
        if _BLAS_USERS == 0:
            _BLAS_LIMIT = _limit_blas()
        _BLAS_USERS += 1
    try:
        yield
    finally:
        with _BLAS_LOCK:
            _BLAS_USERS -= 1
            if _BLAS_USERS == 0 and _BLAS_LIMIT is not None:
                _BLAS_LIMIT.restore_original_limits()
                _BLAS_LIMIT = None


_CONTROLLER: Any = None


def _limit_blas() -> Any:
    global _CONTROLLER
    if _CONTROLLER is None:  # scanning the loaded libraries takes milliseconds: once
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:
            return None
        _CONTROLLER = ThreadpoolController()
    return _CONTROLLER.limit(limits=1, user_api="blas")


def thread_count() -> int:
    """Threads for bulk embedding: ``LOUPE_EMBED_THREADS``, else 2 (or 1 on one core)."""
    try:
        return max(1, int(os.environ["LOUPE_EMBED_THREADS"]))
    except (KeyError, ValueError):
        return max(1, min(2, os.cpu_count() or 1))
