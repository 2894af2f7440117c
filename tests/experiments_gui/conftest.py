"""Fixtures of the experiments GUI tests: time-series files in the storage layout."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from experiments_gui.expgui_helpers import write_series


@pytest.fixture
def series_dir(tmp_path: Path) -> Path:
    """Four runs: two architectures x two seeds; run b has a NaN and an Inf."""
    rng = np.random.default_rng(0)
    for name, scale in (("a", 1.0), ("b", 1.2), ("c", 2.0), ("d", 2.2)):
        loss = scale * np.exp(-np.arange(60) / 20) + rng.normal(0, 0.01, 60) + 0.05
        if name == "b":
            loss[[20, 40]] = [np.nan, np.inf]
        write_series(tmp_path / f"{name}.h5", loss, steps=np.arange(60) * 10,
                     extra={"accuracy": 1 - loss / 3})
    return tmp_path

