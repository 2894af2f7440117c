"""Helpers of the experiments GUI tests (a module of its own: ``conftest`` is the shared one)."""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np


def write_series(path: Path, loss, *, steps=None, extra: dict | None = None) -> Path:
    """One time-series file in the layout of the experiments API, written with h5py."""
    with h5py.File(path, "w", libver="latest") as f:
        f.attrs["loupe_timeseries"] = 1
        f.attrs["experiment_id"] = path.stem
        f.create_dataset("loss", data=np.asarray(loss, dtype=np.float64), maxshape=(None,),
                         chunks=True, compression="gzip")
        if steps is not None:
            f.create_dataset("step", data=np.asarray(steps, dtype=np.int64), maxshape=(None,))
        for name, values in (extra or {}).items():
            f.create_dataset(name, data=np.asarray(values, dtype=np.float64), maxshape=(None,))
    return path


def wait_drawn(qtbot, panel, action, timeout: int = 20000) -> None:
    """Run ``action`` and wait for the plot's next draw with nothing left in flight."""
    with qtbot.waitSignal(panel.drawn, timeout=timeout):
        action()
    qtbot.waitUntil(lambda: not panel.is_busy(), timeout=timeout)
