"""Work of the Compare view that reads files: run in a worker (gui.workers), never in a slot."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from storage import CompareTable, RunDetails, run_details, runs_from_metadata


@dataclass
class Loaded:
    runs: list[RunDetails]
    table: CompareTable


def load_runs(lab: Any, hits: Sequence[Any], cancel: threading.Event | None = None) -> Loaded:
    """Each hit's full record from its results file (its index metadata if that fails)."""
    runs = []
    for hit in hits:
        if cancel is not None and cancel.is_set():
            break
        runs.append(run_details(lab, hit.id, hit.metadata) if lab is not None
                    else runs_from_metadata(hit.id, dict(hit.metadata)))
    _warm_scipy()
    return Loaded(runs, CompareTable.from_runs(runs))


def _warm_scipy() -> None:
    """Import scipy.stats here: the importance tab's first Spearman would import it on the
    GUI thread, a 1.5-3 s freeze measured by bench/bench_compare.py."""
    try:
        import scipy.stats  # noqa: F401
    except ImportError:  # numpy ranks are used instead
        pass
