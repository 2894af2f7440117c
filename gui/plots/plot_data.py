"""From read arrays to what the plot draws: x axis, smoothing, non-finite markers, group bands.

Qt-free and pure numpy, so the plot panel can run it in a worker and tests can check values.
"""

from __future__ import annotations

import csv
import functools
import warnings
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from gui.plots.envelope import Envelope, envelope_for
from gui.plots.series_data import RunData
from gui.plots.smoothing import marker_heights, nonfinite_segments, smooth
from storage import SEED_KEYS, is_configuration

X_AXES = {"epoch": "Epoch", "step": "Step", "wall_time": "Wall time (s since start)"}
@dataclass
class Smoothing:
    method: str = "none"  # "none" | "ema" | "window"
    amount: float = 0.6  # EMA weight, or window span in x units


@dataclass
class Curve:
    """One run's prepared curve."""

    run_id: str
    label: str
    x: np.ndarray
    raw: np.ndarray
    smoothed: np.ndarray
    bad_x: np.ndarray = field(default_factory=lambda: np.empty(0))
    bad_y: np.ndarray = field(default_factory=lambda: np.empty(0))
    bad_kind: np.ndarray = field(default_factory=lambda: np.empty(0, dtype="<U4"))
    bad_count: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    error: str | None = None
    # Built in the worker with the curve: "raw" and "smoothed" (one object when not smoothed).
    envelopes: dict[str, Envelope | None] = field(default_factory=dict)
    stats: dict[str, float | int | None] | None = None  # summarize(), also off the GUI thread


@dataclass
class GroupCurve:
    """The mean of a group of runs with its band (min-max or mean +- std)."""

    name: str
    run_ids: list[str]
    x: np.ndarray
    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray
    envelopes: dict[str, Envelope | None] = field(default_factory=dict)  # mean, low, high


def x_values(arrays: Mapping[str, np.ndarray], n: int, axis: str) -> np.ndarray:
    """The x of ``n`` points: epoch index, logged step, or seconds since the first wall time."""
    data = arrays.get(axis) if axis in ("step", "wall_time") else None
    if data is None or len(data) < n:
        return _index_axis(n)
    x = np.asarray(data[:n], dtype=np.float64)
    return x - x[0] if axis == "wall_time" and n else x


@functools.lru_cache(maxsize=8)
def _index_axis(n: int) -> np.ndarray:
    """0..n-1 as float64, shared (read-only) by every run of that length: ten million-point runs
    need one 8 MB axis, not ten (touching fresh memory costs more than computing it)."""
    x = np.arange(n, dtype=np.float64)
    x.flags.writeable = False
    return x


def prepare_curve(run: RunData, metric: str, axis: str, smoothing: Smoothing) -> Curve:
    """Smooth one run and find its NaN/Inf points (marked on the smoothed curve's height)."""
    label = run.ref.label
    y = run.arrays.get(metric)
    if run.error or y is None:
        empty = np.empty(0)
        reason = run.error or f"no series named {metric!r}"
        return Curve(run.run_id, label, empty, empty, empty, error=reason)
    y = np.asarray(y, dtype=np.float64)
    x = x_values(run.arrays, y.size, axis)
    smoothed = smooth(y, smoothing.method, smoothing.amount, x if axis != "epoch" else None)
    idx, kinds, counts = nonfinite_segments(y)
    curve = Curve(run.run_id, label, x, y, smoothed, x[idx], marker_heights(smoothed, idx), kinds,
                  counts)
    raw_env = envelope_for(x, y)
    smooth_env = raw_env if smoothed is y else envelope_for(x, smoothed)
    curve.envelopes = {"raw": raw_env, "smoothed": smooth_env}
    curve.stats = summarize(curve, metric)
    return curve


def prepare_curves(runs: Iterable[RunData], metric: str, axis: str,
                   smoothing: Smoothing) -> list[Curve]:
    return [prepare_curve(r, metric, axis, smoothing) for r in runs]


def group_fields(metadata: Iterable[Mapping[str, Any]]) -> list[str]:
    """The fields worth grouping these runs by: a scalar (not the seed) whose values put two or
    more runs together. A field with a value of its own per run (accuracy, a path, a start
    time, the id) made one group per run, which is no grouping at all."""
    values: dict[str, list[Any]] = {}
    for meta in metadata:
        for key, value in meta.items():
            if isinstance(value, str | int | float | bool) and key not in SEED_KEYS:
                values.setdefault(key, []).append(value)
    return sorted(k for k, v in values.items() if len(set(map(str, v))) < len(v))


def group_key_function(field_name: str,
                       results: Container[str] = ()) -> Callable[[Mapping[str, Any]], str]:
    """``metadata -> group name``: one field, or "hyperparameters" = the configuration but the
    seed (see :func:`is_configuration`; ``results`` are the series names, never config)."""
    if field_name == "hyperparameters":
        def key(meta: Mapping[str, Any]) -> str:
            items = sorted((k, v) for k, v in meta.items() if is_configuration(k, v, results))
            return ", ".join(f"{k}={v}" for k, v in items) or "(no hyperparameters)"
        return key
    return lambda meta: str(meta.get(field_name, "(none)"))


def group_curves(curves: Sequence[Curve], groups: Mapping[str, str],
                 band: str = "minmax") -> list[GroupCurve]:
    """Mean and band per group, aligned on the point index (runs of a group log the same x).

    Shorter runs drop out where they end; the x of the longest run is used.
    ``band`` is "minmax" or "std".
    """
    members: dict[str, list[Curve]] = {}
    for c in curves:
        if c.error is None and c.smoothed.size:
            members.setdefault(groups.get(c.run_id, c.run_id), []).append(c)
    return [_group(name, cs, band) for name, cs in members.items()]


def _group(name: str, curves: list[Curve], band: str) -> GroupCurve:
    n = max(c.smoothed.size for c in curves)
    stack = np.full((len(curves), n), np.nan)
    for row, c in zip(stack, curves, strict=True):
        row[:c.smoothed.size] = np.where(np.isfinite(c.smoothed), c.smoothed, np.nan)
    longest = max(curves, key=lambda c: c.x.size)
    with warnings.catch_warnings():  # all-NaN columns (every run ended) are expected
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(stack, axis=0)
        if band == "std":
            std = np.nanstd(stack, axis=0)
            low, high = mean - std, mean + std
        else:
            low, high = np.nanmin(stack, axis=0), np.nanmax(stack, axis=0)
    envelopes = {k: envelope_for(longest.x, v) for k, v in
                 (("mean", mean), ("low", low), ("high", high))}
    return GroupCurve(name, [c.run_id for c in curves], longest.x, mean, low, high, envelopes)


def lower_is_better(metric: str) -> bool:
    """Loss-like metrics are best at their minimum, everything else at its maximum."""
    name = metric.lower()
    return any(w in name for w in ("loss", "error", "err", "perplexity", "mse", "mae", "nll"))


def summarize(curve: Curve, metric: str) -> dict[str, float | int | None]:
    """Last finite value, best finite value and the index (epoch) of the best, of the raw data."""
    y = curve.raw
    if y.size == 0:
        return {"last": None, "best": None, "best_at": None, "points": 0}
    mask = np.isfinite(y)
    if mask.all():  # the common case: no index arrays over a million points
        best_index = int(np.argmin(y) if lower_is_better(metric) else np.argmax(y))
        last = float(y[-1])
    else:
        finite = np.flatnonzero(mask)
        if finite.size == 0:
            return {"last": None, "best": None, "best_at": None, "points": int(y.size)}
        values = y[finite]
        best_index = int(finite[np.argmin(values) if lower_is_better(metric)
                                else np.argmax(values)])
        last = float(values[-1])
    return {"last": last, "best": float(y[best_index]), "best_at": float(curve.x[best_index]),
            "points": int(y.size)}


def write_csv(path: str | Path, curves: Sequence[Curve], axis: str) -> Path:
    """The plotted data in long form: one row per run and point (raw and smoothed values)."""
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["run", axis, "value", "smoothed"])
        for c in curves:
            if c.error is not None:
                continue
            rows = zip(c.x.tolist(), c.raw.tolist(), c.smoothed.tolist(), strict=True)
            writer.writerows((c.run_id, x, y, s) for x, y, s in rows)
    return path
