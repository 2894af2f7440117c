"""Min/max envelopes of long curves: computed once, then every frame draws about one pair per pixel.

pyqtgraph's peak downsampling re-reduces every visible point of every curve on each pan or zoom
frame: a million-point run shown whole costs two passes over a million values per curve per
frame. :class:`Envelope` builds a pyramid of (min, max) per block of 16, 32, 64, ... points once
(in a worker, about 2-4 ms per million points); a frame then picks the level whose blocks are
just finer than a pixel column and reduces only the few thousand blocks in view.

Qt-free and pure numpy, so workers can build envelopes and tests can check them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

BASE = 16  # finest stored level: blocks of 16 points (finer views reduce the points in view)
MIN_POINTS = 8192  # shorter curves are drawn as they are: an envelope would not save a frame
TOP_BLOCKS = 1024  # the pyramid stops once a level has no more blocks than a wide plot has pixels


class Envelope:
    """Pyramid of per-block minima and maxima of ``y`` (NaN ignored, all-NaN blocks stay NaN).

    ``x`` must be ascending (epochs, steps, wall time): views are found by binary search.
    """

    def __init__(self, x: ArrayLike, y: ArrayLike) -> None:
        self.x = np.asarray(x, dtype=np.float64)
        self.y = np.asarray(y, dtype=np.float64)
        if self.x.shape != self.y.shape or self.x.ndim != 1:
            raise ValueError("x and y must be 1-D arrays of one length")
        self.levels: list[tuple[int, np.ndarray, np.ndarray]] = []
        if self.y.size >= 2 * BASE:
            lo, hi = _blocks(self.y, BASE)
            block = BASE
            self.levels.append((block, lo, hi))
            while lo.size > TOP_BLOCKS:
                lo, hi = _halve(lo, hi)
                block *= 2
                self.levels.append((block, lo, hi))

    @property
    def size(self) -> int:
        return int(self.y.size)

    def window(self, x0: float, x1: float, pixels: int) -> tuple[np.ndarray, np.ndarray]:
        """The points to draw for the view ``[x0, x1]`` on ``pixels`` columns.

        Zoomed in (fewer than 2 points per column) these are the points themselves, with one
        point beyond each edge so the line reaches the border. Otherwise one (min, max) pair per
        group of points, groups aligned to fixed indices so panning does not make the curve
        shimmer; a pair sits at the x of its group's first point.
        """
        n = self.y.size
        i0 = max(int(np.searchsorted(self.x, x0, side="left")) - 1, 0)
        i1 = min(int(np.searchsorted(self.x, x1, side="right")) + 1, n)
        per = (i1 - i0) // max(int(pixels), 1)
        if per < 2:
            return self.x[i0:i1], self.y[i0:i1]
        block, lo, hi = 1, self.y, self.y
        for level in self.levels:
            if level[0] > per:
                break
            block, lo, hi = level
        ratio = per // block
        step = block * ratio
        g0, g1 = i0 // step, -(-i1 // step)
        lo = _reduce(lo[g0 * ratio:g1 * ratio], ratio, g1 - g0, np.fmin)
        hi = _reduce(hi[g0 * ratio:g1 * ratio], ratio, g1 - g0, np.fmax)
        xs = np.repeat(self.x[g0 * step:min(g1 * step, n):step], 2)
        ys = np.empty(xs.size)
        ys[0::2], ys[1::2] = lo, hi
        return xs, ys


def _blocks(y: np.ndarray, block: int) -> tuple[np.ndarray, np.ndarray]:
    """Min and max of each block of ``block`` points (the last block may be shorter).

    One pass per column of the (blocks, block) view is several times faster than numpy's
    reduction along a short inner axis, and no copy of ``y`` is made.
    """
    full = y.size // block
    grid = y[:full * block].reshape(full, block)
    lo, hi = np.fmin(grid[:, 0], grid[:, 1]), np.fmax(grid[:, 0], grid[:, 1])
    for col in range(2, block):
        np.fmin(lo, grid[:, col], out=lo)
        np.fmax(hi, grid[:, col], out=hi)
    tail = y[full * block:]
    if tail.size:
        lo = np.append(lo, np.fmin.reduce(tail))
        hi = np.append(hi, np.fmax.reduce(tail))
    return lo, hi


def _halve(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if lo.size % 2:
        lo, hi = np.append(lo, np.nan), np.append(hi, np.nan)
    return np.fmin(lo[0::2], lo[1::2]), np.fmax(hi[0::2], hi[1::2])


def _reduce(values: np.ndarray, ratio: int, groups: int, op: np.ufunc) -> np.ndarray:
    """``op``-reduce consecutive runs of ``ratio`` values into ``groups`` values (NaN-padded)."""
    if ratio == 1 and values.size == groups:
        return values
    padded = np.full(groups * ratio, np.nan)
    padded[:values.size] = values
    grid = padded.reshape(groups, ratio)
    out = grid[:, 0].copy()
    for col in range(1, ratio):
        op(out, grid[:, col], out=out)
    return out


def envelope_for(x: np.ndarray, y: np.ndarray) -> Envelope | None:
    """An envelope when ``y`` is long and ``x`` ascending; ``None`` means draw the points as-is."""
    if y.size < MIN_POINTS or x.size != y.size:
        return None
    if not bool(np.all(x[1:] >= x[:-1])):  # NaN or decreasing x: binary search would be wrong
        return None
    return Envelope(x, y)
