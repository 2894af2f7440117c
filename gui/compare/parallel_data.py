"""The geometry of parallel coordinates, without Qt: each axis maps its values to 0..1.

Numbers are placed linearly, or logarithmically (learning rates: 1e-4 and 1e-2 would otherwise
share the bottom pixel), strings as evenly spaced categories. A reported NaN sits below the axis
at ``NAN_Y`` and a missing value lower, at ``MISSING_Y``, so both stay visible and distinct.
A brush is a (low, high) range in these 0..1 units; :meth:`Axis.filter_text` turns it back into
the search panel's filter language.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

NAN_Y, MISSING_Y = -0.1, -0.2
LOG_SPAN = 100.0  # positive numeric axes spanning this factor or more start logarithmic


@dataclass
class Axis:
    name: str
    numeric: bool
    log: bool = False
    lo: float = 0.0
    hi: float = 1.0
    categories: list[str] = field(default_factory=list)
    y: np.ndarray = field(default_factory=lambda: np.zeros(0))  # each run's height, 0..1

    @classmethod
    def of(cls, column: Any, log: bool | None = None) -> Axis:
        if not column.numeric:
            cats = column.categories()
            axis = cls(column.name, False, categories=cats)
            pos = {c: (i / (len(cats) - 1) if len(cats) > 1 else 0.5) for i, c in enumerate(cats)}
            axis.y = np.array([MISSING_Y if v is None else pos[str(v)] for v in column.values])
            return axis
        values = column.values
        finite = values[np.isfinite(values)]
        positive = bool(len(finite)) and bool((finite > 0).all())
        if log is None:
            log = positive and finite.max() / finite.min() >= LOG_SPAN
        axis = cls(column.name, True, log=bool(log and positive))
        scaled = np.log10(np.where(values > 0, values, np.nan)) if axis.log else values
        ok = scaled[np.isfinite(scaled)]
        axis.lo, axis.hi = (float(ok.min()), float(ok.max())) if len(ok) else (0.0, 1.0)
        span = axis.hi - axis.lo or 1.0
        with np.errstate(invalid="ignore"):
            y = (scaled - axis.lo) / span if axis.hi > axis.lo else np.full(len(values), 0.5)
        y = np.where(np.isnan(values), NAN_Y, y)
        axis.y = np.where(column.is_missing(), MISSING_Y, y)
        return axis

    def value_at(self, y: float) -> float:
        """The data value at height ``y`` of a numeric axis."""
        v = self.lo + y * ((self.hi - self.lo) or 1.0) if self.hi > self.lo else self.lo
        return 10 ** v if self.log else v

    def tick_texts(self) -> list[tuple[float, str]]:
        """Labels along the axis: the categories, or the ends and middle of a numeric range."""
        if not self.numeric:
            step = max(1, len(self.categories) // 12)
            n = len(self.categories)
            return [(i / (n - 1) if n > 1 else 0.5, c) for i, c in
                    enumerate(self.categories)][::step]
        return [(y, f"{self.value_at(y):.3g}") for y in (0.0, 0.5, 1.0)]

    def filter_text(self, low: float, high: float) -> str:
        """The brush ``low..high`` (0..1 units) in the filter language ('' when it is all)."""
        if not self.numeric:
            n = len(self.categories)
            keep = [c for i, c in enumerate(self.categories)
                    if low <= (i / (n - 1) if n > 1 else 0.5) <= high]
            if not keep or len(keep) == n:
                return ""
            return f"{self.name} in ({', '.join(json.dumps(c) for c in keep)})"
        parts = []
        if low > 0.0:
            parts.append(f"{self.name} >= {_number(self.value_at(low))}")
        if high < 1.0:
            parts.append(f"{self.name} <= {_number(self.value_at(high))}")
        return " and ".join(parts)


def _number(value: float) -> str:
    return f"{value:.6g}" if math.isfinite(value) else "0"


def brush_mask(axes: list[Axis], brushes: dict[int, tuple[float, float]]) -> np.ndarray:
    """Which runs pass every brush (axis index -> (low, high) in 0..1 units)."""
    n = len(axes[0].y) if axes else 0
    keep = np.ones(n, dtype=bool)
    for i, (low, high) in brushes.items():
        keep &= (axes[i].y >= low) & (axes[i].y <= high)
    return keep


def color_groups(metric: np.ndarray, groups: int) -> np.ndarray:
    """Each run's colour group 0..groups-1 by its metric (``groups`` for NaN)."""
    finite = np.isfinite(metric)
    out = np.full(len(metric), groups, dtype=int)
    if finite.any():
        lo, hi = metric[finite].min(), metric[finite].max()
        scaled = (metric[finite] - lo) / ((hi - lo) or 1.0)
        out[finite] = np.minimum((scaled * groups).astype(int), groups - 1)
    return out
