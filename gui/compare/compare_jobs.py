"""Work of the Compare view that reads files: run in a worker (gui.workers), never in a slot."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from storage import CompareTable, RunDetails, run_details, runs_from_metadata

# Reading 10,000 runs is ~0.5 s of pure Python holding the GIL: the GUI thread then waited up
# to CPython's 5 ms switch interval for each of its many GIL acquisitions in a frame (a
# 160-190 ms stall in bench/bench_compare.py). A real pause every YIELD_EVERY runs hands it over;
# ``sleep(0)`` rarely does (this thread takes the GIL back first, see storage/_nodes/_pages.py).
YIELD_EVERY = 250
PAUSE = 0.001


def _pause() -> None:
    time.sleep(PAUSE)


@dataclass
class Loaded:
    runs: list[RunDetails]
    table: CompareTable


def load_runs(lab: Any, hits: Sequence[Any], cancel: threading.Event | None = None) -> Loaded:
    """Each hit's full record from its results file (its index metadata if that fails)."""
    runs = []
    for i, hit in enumerate(hits):
        if cancel is not None and cancel.is_set():
            break
        if i and not i % YIELD_EVERY:
            _pause()
        runs.append(run_details(lab, hit.id, hit.metadata) if lab is not None
                    else runs_from_metadata(hit.id, dict(hit.metadata)))
    return Loaded(runs, CompareTable.from_runs(runs, pause=_pause))
