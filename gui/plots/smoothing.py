"""Smoothing of training curves: pure numpy, no Qt, so the values can be tested exactly.

Both smoothers skip non-finite values instead of spreading them: one NaN must not turn the rest of
an exponential average into NaN, and an Inf must not drag a window mean to Inf. The output holds
NaN at every non-finite input, so the plot leaves a gap there and marks the point itself
(:func:`nonfinite_points`): smoothing never hides a NaN or an Inf.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

# exp(-EMA_BLOCK_LOG) bounds the scale factors inside one block of the vectorised EMA, far from
# float64 overflow (1e308) while keeping blocks long, so the loop over blocks stays short.
EMA_BLOCK_LOG = 150 * math.log(10)
MAX_BLOCK = 1 << 16
# Past a^n < exp(-DEBIAS_LOG) = 1e-17 the bias correction 1 - a^n is 1.0 in float64.
DEBIAS_LOG = 17 * math.log(10)


def ema(values: ArrayLike, weight: float) -> np.ndarray:
    """Exponential moving average with bias correction (the TensorBoard smoother).

    ``s_k = weight * s_{k-1} + (1 - weight) * v_k`` over the finite values ``v`` only, starting at
    0 and divided by ``1 - weight**n`` (n finite values seen so far) so the start is not pulled to
    zero. ``weight`` is in [0, 1): 0 returns the input, 0.99 smooths strongly.
    """
    y = np.asarray(values, dtype=np.float64)
    if not 0.0 <= weight < 1.0:
        raise ValueError(f"EMA weight must be in [0, 1), got {weight}")
    finite = np.isfinite(y)
    all_finite = bool(finite.all())
    v = y if all_finite else y[finite]  # the common case skips two million-point copies
    if v.size == 0 or weight == 0.0:
        return y.copy() if all_finite else np.where(finite, y, np.nan)
    smoothed = _ema_no_bias(v, weight)
    _debias(smoothed, weight)
    if all_finite:
        return smoothed
    out = np.full(y.shape, np.nan)
    out[finite] = smoothed
    return out


def _debias(s: np.ndarray, a: float) -> None:
    """Divide ``s_k`` by ``1 - a^(k+1)`` in place, only where that differs from 1 in float64."""
    head = min(s.size, int(DEBIAS_LOG // -math.log(a)) + 1)
    n = np.arange(1, head + 1, dtype=np.float64)
    s[:head] /= -np.expm1(n * math.log(a))


def _ema_no_bias(v: np.ndarray, a: float) -> np.ndarray:
    """``s_k = a s_{k-1} + (1-a) v_k``, ``s_{-1} = 0``, with no Python loop over points.

    The series is cut into blocks of length L, laid out as the rows of a 2-D array that becomes
    the output (the only million-point allocation: fresh memory is slow to touch). Inside a block
    ``s_{t+k} = (1-a) a^k (sum_{j<=k} a^-j v_{t+j} + a S / (1-a))`` with S the value before the
    block, so one ``cumsum`` along the rows smooths every block at once once S is added to each
    block's first value (L keeps ``a^-j`` finite). The S are a short recurrence over the blocks
    (about 1,500 for a million points at weight 0.6), fed by each block's own last value, a
    single matrix-vector product.
    """
    block = int(min(MAX_BLOCK, max(1, EMA_BLOCK_LOG // -math.log(a))))
    n = v.size
    rows = -(-n // block)
    out = np.empty(rows * block)
    out[:n] = v
    out[n:] = 0.0
    grid = out.reshape(rows, block)
    k = np.arange(block, dtype=np.float64)
    log_a = math.log(a)
    own_last = grid @ ((1.0 - a) * np.exp((block - 1 - k) * log_a))  # each block alone, from 0
    starts = np.empty(rows)
    prev, decay = 0.0, math.exp(block * log_a)
    for j, last in enumerate(own_last.tolist()):
        starts[j] = prev
        prev = decay * prev + last
    grid *= np.exp(-k * log_a)  # a^-k
    grid[:, 0] += starts * (a / (1.0 - a))
    np.cumsum(grid, axis=1, out=grid)
    grid *= (1.0 - a) * np.exp(k * log_a)
    return out[:n]


def moving_average(values: ArrayLike, window: float, x: ArrayLike | None = None) -> np.ndarray:
    """Trailing mean over a window, counting finite values only.

    Without ``x`` the window is a number of points; with ``x`` (ascending: steps, epochs or
    seconds) it is a span in x units: point i averages the finite values with
    ``x_i - window < x_j <= x_i``. Non-finite inputs give NaN.
    """
    y = np.asarray(values, dtype=np.float64)
    if window <= 0:
        raise ValueError(f"moving window must be positive, got {window}")
    finite = np.isfinite(y)
    sums = np.concatenate(([0.0], np.cumsum(np.where(finite, y, 0.0))))
    counts = np.concatenate(([0], np.cumsum(finite)))
    stop = np.arange(1, y.size + 1)
    if x is None:
        start = np.maximum(stop - int(max(1, round(window))), 0)
    else:
        xs = np.asarray(x, dtype=np.float64)
        start = np.searchsorted(xs, xs - window, side="right")
    n = counts[stop] - counts[start]
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (sums[stop] - sums[start]) / n
    out[~finite] = np.nan
    return out


def smooth(values: ArrayLike, method: str, amount: float, x: ArrayLike | None = None) -> np.ndarray:
    """Dispatch: ``method`` is "none", "ema" (amount = weight) or "window" (amount = span)."""
    if method == "ema":
        return ema(values, amount)
    if method == "window":
        return moving_average(values, amount, x)
    return np.asarray(values, dtype=np.float64)


def nonfinite_points(values: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Indices of non-finite values and their kinds ("nan", "+inf", "-inf")."""
    y = np.asarray(values, dtype=np.float64)
    idx = np.flatnonzero(~np.isfinite(y))
    bad = y[idx]
    kinds = np.where(np.isnan(bad), "nan", np.where(bad > 0, "+inf", "-inf"))
    return idx, kinds


def nonfinite_segments(values: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Runs of consecutive non-finite values of one kind: first index, kind and length.

    A diverged run can end in a million NaNs; one marker per run of them keeps the plot fast and
    readable, and the hover names how many points it stands for.
    """
    idx, kinds = nonfinite_points(values)
    if idx.size == 0:
        return idx, kinds, np.empty(0, dtype=np.int64)
    new = np.ones(idx.size, dtype=bool)
    new[1:] = (np.diff(idx) != 1) | (kinds[1:] != kinds[:-1])
    starts = np.flatnonzero(new)
    counts = np.diff(np.append(starts, idx.size))
    return idx[starts], kinds[starts], counts


def marker_heights(smoothed: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Where to draw the marker of each non-finite point: at the last finite curve value before it
    (or the first one after, at the start), so the marker sits on the curve it interrupts."""
    if idx.size == 0:  # most runs: no pass over the curve at all
        return np.empty(0)
    finite_idx = np.flatnonzero(np.isfinite(smoothed))
    if finite_idx.size == 0:
        return np.zeros(idx.size)
    pos = np.searchsorted(finite_idx, idx, side="right") - 1
    pos = np.clip(pos, 0, finite_idx.size - 1)
    return smoothed[finite_idx[pos]]
