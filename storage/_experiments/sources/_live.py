"""Live refresh for runs whose series live in their source's own files (event files, MLflow
metrics, ``metrics.csv``): the shape of :class:`SeriesReader`, polling the source.

Sources cache their parsed files by signature, so a tick where nothing grew costs a ``stat``.
Each metric has its own steps in these sources: ``step`` and ``wall_time`` are those of the
metric read last (live refresh reads a metric, then its x keys).
"""

from __future__ import annotations

from typing import Any

import numpy as np

X_KEYS = ("step", "wall_time")


class PollingSeriesReader:
    def __init__(self, locator: str) -> None:
        self.locator = locator
        self._data: dict[str, dict[str, np.ndarray]] = {}
        self._last: str | None = None

    def metrics(self) -> list[str]:
        from . import series_metrics

        return series_metrics(self.locator)

    def has(self, name: str) -> bool:
        return name in self._data or (name in X_KEYS and self._last is not None)

    def refresh(self) -> dict[str, int]:
        from . import read_series

        self._data = {m: read_series(self.locator, [m]) for m in self.metrics()}
        return {m: len(d.get(m, ())) for m, d in self._data.items()}

    def _arrays(self, name: str) -> np.ndarray:
        if name in X_KEYS:
            if self._last is None or name not in self._data.get(self._last, {}):
                raise KeyError(name)
            return self._data[self._last][name]
        if name not in self._data:
            self.refresh()
        if name not in self._data:
            raise KeyError(name)
        self._last = name
        return self._data[name][name]

    def length(self, metric: str) -> int:
        return len(self._arrays(metric))

    def read(self, metric: str, start: int = 0, stop: int | None = None) -> np.ndarray:
        return self._arrays(metric)[start:stop]

    def close(self) -> None:
        self._data = {}

    def __enter__(self) -> PollingSeriesReader:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
