"""Live refresh of runs that are still being written, and the view rule that goes with it.

At every tick a worker asks each run's SWMR reader for its new lengths (metadata only) and reads
just the rows added since the last tick. One poll runs at a time, so a reader is never used by
two threads at once; readers of runs that left the plot are closed once no poll holds them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QTimer, Signal

from gui.plots.series_data import X_KEYS, RunData, RunRef
from gui.workers import submit

FOLLOW_SLACK = 1e-9


class LiveRefresher(QObject):
    """Polls the plotted runs at an interval; ``updated`` carries runs that got new rows."""

    updated = Signal(dict)  # run_id -> RunData with the grown arrays

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.poll)
        self._refs: dict[str, RunRef] = {}
        self._readers: dict[str, Any] = {}
        self._runs: dict[str, RunData] = {}
        self._metric = ""
        self._busy = False
        self._to_close: list[Any] = []
        self.polls = 0  # completed polls (tests wait on it)

    def configure(self, enabled: bool, interval_s: float) -> None:
        self._timer.setInterval(int(max(0.2, interval_s) * 1000))
        if enabled and not self._timer.isActive():
            self._timer.start()
        elif not enabled:
            self._timer.stop()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def set_refs(self, refs: Sequence[RunRef]) -> None:
        self._refs = {r.run_id: r for r in refs}
        gone = [rid for rid in self._readers if rid not in self._refs]
        self._to_close += [self._readers.pop(rid) for rid in gone]
        self._runs = {k: v for k, v in self._runs.items() if k in self._refs}
        if not self._busy:
            self._close_pending()

    def set_known(self, runs: dict[str, RunData], metric: str) -> None:
        """What the plot already holds: new rows are counted from these lengths."""
        self._runs = dict(runs)
        self._metric = metric

    def poll(self) -> None:
        """Start one poll in a worker unless the previous one is still running."""
        if self._busy or not self._refs or not self._metric:
            return
        self._busy = True
        submit(_poll, dict(self._refs), dict(self._readers), dict(self._runs), self._metric,
               on_done=self._on_polled, on_error=self._on_failed)

    def _on_polled(self, result: tuple[dict[str, Any], dict[str, RunData]]) -> None:
        readers, grown = result
        self._busy = False
        self.polls += 1
        for rid, reader in readers.items():
            if rid in self._refs:
                self._readers[rid] = reader
            elif reader is not None:
                self._to_close.append(reader)
        self._close_pending()
        grown = {k: v for k, v in grown.items() if k in self._refs}
        if grown:
            self._runs.update(grown)
            self.updated.emit(grown)

    def _on_failed(self, exc: BaseException) -> None:
        self._busy = False
        self.polls += 1

    def _close_pending(self) -> None:
        # Closing an HDF5 file takes h5py's global lock, which a long read elsewhere may hold:
        # close in a worker. No poll uses these readers any more (they left ``_readers``).
        if self._to_close:
            submit(_close_readers, self._to_close)
        self._to_close = []

    # ---- the view rule ----------------------------------------------------------------------
    @staticmethod
    def view_before_update(plot: pg.PlotItem) -> list[list[float]]:
        return plot.getViewBox().viewRange()

    @staticmethod
    def view_after_update(plot: pg.PlotItem, saved: list[list[float]], follow: bool,
                          x_span: tuple[float, float] | None, reset: bool) -> None:
        """Keep the user's zoom, unless following: then keep the latest x in view.

        Following widens the view when it starts at the first point (the whole run is shown)
        and slides it, keeping its width, when the user zoomed in on a later part.
        """
        vb = plot.getViewBox()
        if reset or x_span is None:
            vb.enableAutoRange()
            return
        (x0, x1), (y0, y1) = saved
        if not follow:
            vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
            return
        lo, hi = _view_x(plot, x_span)
        if x0 <= lo + FOLLOW_SLACK:
            vb.enableAutoRange(x=True, y=True)
            return
        width = x1 - x0
        vb.setRange(xRange=(hi - width, hi), padding=0)
        vb.setAutoVisible(y=True)
        vb.enableAutoRange(y=True)


def _close_readers(readers: list[Any]) -> None:
    for reader in readers:
        try:
            reader.close()
        except Exception:  # noqa: BLE001 - a reader of a deleted file: nothing to release
            pass


def _view_x(plot: pg.PlotItem, span: tuple[float, float]) -> tuple[float, float]:
    if plot.ctrl.logXCheck.isChecked():
        return tuple(np.log10(np.maximum(span, 1e-300)))  # type: ignore[return-value]
    return span


def _poll(refs: dict[str, RunRef], readers: dict[str, Any], runs: dict[str, RunData],
          metric: str) -> tuple[dict[str, Any], dict[str, RunData]]:
    """In a worker: open missing readers, refresh all, read only the new rows."""
    grown: dict[str, RunData] = {}
    for rid, ref in refs.items():
        reader = readers.get(rid)
        if rid not in readers:
            try:
                reader = ref.source.open_reader()
            except Exception:  # noqa: BLE001 - not created yet: try again next tick
                continue
            readers[rid] = reader
        if reader is None:  # history held in JSON: nothing is being appended
            continue
        try:
            arrays = _new_rows(reader, runs.get(rid), metric)
        except Exception:  # noqa: BLE001 - a hiccup while the writer flushes: next tick
            continue
        if arrays is not None:
            grown[rid] = RunData(ref, arrays)
    return readers, grown


def _new_rows(reader: Any, run: RunData | None, metric: str) -> dict[str, np.ndarray] | None:
    lengths = reader.refresh()
    old = dict(run.arrays) if run is not None and run.error is None else {}
    have = len(old.get(metric, ()))
    if lengths.get(metric, 0) <= have:
        return None
    old[metric] = _append(old.get(metric), reader.read(metric, have), np.float64)
    for key in X_KEYS:
        try:
            length = reader.length(key)
        except KeyError:
            continue
        have_x = len(old.get(key, ()))
        if length > have_x:
            dtype = np.int64 if key == "step" else np.float64
            old[key] = _append(old.get(key), reader.read(key, have_x), dtype)
    return old


def _append(old: np.ndarray | None, new: np.ndarray, dtype: type) -> np.ndarray:
    new = np.asarray(new, dtype=dtype)
    return new if old is None or len(old) == 0 else np.concatenate([old, new])
