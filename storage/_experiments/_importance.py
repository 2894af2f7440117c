"""Which hyperparameters go with a metric: rank correlation and a non-monotone measure.

For each parameter column of a :class:`CompareTable` and one metric:

- ``spearman``: Spearman's rank correlation, numpy ranks with ties averaged (scipy's number;
  scipy itself is not imported: its import held the GIL ~1 s in bits of up to ~100 ms, a GUI
  stall even from a worker). Only for numeric parameters: a category has no order.
- ``eta2``: the correlation ratio eta squared, the share of the metric's variance explained by
  the parameter's groups (one-way ANOVA). Numeric parameters with many values are cut into at
  most ``BINS`` quantile bins. It sees effects that go up then down (a learning rate that is best
  in the middle), which a rank correlation reports as near zero, and it works for categories.
- ``n``: the runs both numbers rest on (runs missing either value, or with a NaN metric, are
  left out) and a ``verdict``: "too few runs" under ``MIN_RUNS``, "constant" when the parameter
  does not vary among them, else "ok". Small samples inflate eta squared; the verdict and ``n``
  are shown next to it so nobody reads 0.9 from five runs as a law.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._compare import PARAM, Column, CompareTable

MIN_RUNS = 8
BINS = 5
TOO_FEW, CONSTANT, OK = "too few runs", "constant", "ok"


@dataclass
class Importance:
    name: str
    spearman: float | None
    eta2: float | None
    n: int
    verdict: str

    @property
    def strength(self) -> float:
        """For sorting: the larger of |rho| and eta squared (unknown counts as 0)."""
        return max(abs(self.spearman or 0.0), self.eta2 or 0.0)


def parameter_importance(table: CompareTable, metric: str) -> list[Importance]:
    """One :class:`Importance` per parameter column, strongest first (KeyError: no metric)."""
    target = table.column(metric)
    if not target.numeric:
        raise ValueError(f"{metric!r} is not a numeric metric")
    params = [c for c in table.columns + table.constant if c.role == PARAM]
    result = [_one(col, target.values) for col in params]
    ok = sorted((r for r in result if r.verdict == OK), key=lambda r: -r.strength)
    return ok + [r for r in result if r.verdict != OK]


def _one(col: Column, metric: np.ndarray) -> Importance:
    keep = ~np.isnan(metric) & ~col.is_missing()
    if col.numeric:
        keep &= ~np.isnan(col.values)
    x, y = col.values[keep], metric[keep]
    n = int(keep.sum())
    if n < MIN_RUNS:
        return Importance(col.name, None, None, n, TOO_FEW)
    groups = _groups(x, col.numeric)
    if len(np.unique(groups)) < 2:
        return Importance(col.name, None, None, n, CONSTANT)
    rho = spearman(x.astype(float), y) if col.numeric else None
    return Importance(col.name, rho, correlation_ratio(groups, y), n, OK)


def _groups(x: np.ndarray, numeric: bool) -> np.ndarray:
    """Group labels: categories as they are, numbers as values or (when many) quantile bins."""
    if not numeric:
        return np.unique(x.astype(str), return_inverse=True)[1]
    values = x.astype(float)
    distinct = np.unique(values)
    if len(distinct) <= BINS:
        return np.searchsorted(distinct, values)
    edges = np.unique(np.quantile(values, np.linspace(0, 1, BINS + 1)[1:-1]))
    return np.searchsorted(edges, values, side="right")


def correlation_ratio(groups: np.ndarray, y: np.ndarray) -> float:
    """eta^2 = between-group sum of squares / total sum of squares (0 when y is constant)."""
    total = float(((y - y.mean()) ** 2).sum())
    if total == 0.0:
        return 0.0
    labels, inverse, counts = np.unique(groups, return_inverse=True, return_counts=True)
    means = np.bincount(inverse, weights=y) / counts
    between = float((counts * (means - y.mean()) ** 2).sum())
    return between / total


def spearman(x: np.ndarray, y: np.ndarray) -> float | None:
    """Spearman's rho (None when either side is constant)."""
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return None
    return _pearson(rank(x), rank(y))


def rank(values: np.ndarray) -> np.ndarray:
    """Ranks from 1, ties sharing their average rank (as scipy.stats.rankdata)."""
    order = np.argsort(values, kind="stable")
    ranks = np.empty(len(values), dtype=float)
    ranks[order] = np.arange(1, len(values) + 1)
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    return (sums / counts)[inverse]


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum()))
