"""A pyqtgraph curve that draws long series from a precomputed :class:`Envelope`.

The item keeps the full data (``getOriginalDataset``, bounds, export see every point) and shows
the envelope's window for the current view: about one (min, max) pair per pixel column, computed
from the pyramid in well under a millisecond instead of re-reducing every visible point per frame.
Short curves (no envelope) fall back to pyqtgraph's own peak downsampling and clip-to-view.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.PlotDataItem import PlotDataset

from gui.plots.envelope import Envelope

DEFAULT_PIXELS = 1000  # before the item is in a view


class EnvelopeCurveItem(pg.PlotDataItem):
    """``PlotDataItem`` whose display data come from an envelope when it has one.

    ``detail`` scales the pairs per pixel column: the faint raw curve under a smoothed one uses
    fewer (its shape is a band of noise; half the vertices look the same and paint faster).
    """

    # Class defaults: PlotDataItem.__init__ draws (calls the overrides below) before ours runs.
    _envelope: Envelope | None = None
    _shown_key: tuple | None = None
    detail = 1.0

    def __init__(self, *args: Any, detail: float = 1.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.detail = detail

    def set_curve(self, x: np.ndarray, y: np.ndarray, envelope: Envelope | None) -> None:
        """Show ``(x, y)``; ``envelope`` (built from the same arrays, or None) draws it fast."""
        self._envelope = envelope
        self._shown_key = None
        self.setData(x, y)

    def _getDisplayDataset(self) -> PlotDataset | None:  # noqa: N802 - pyqtgraph's name
        env = self._envelope
        if env is None or self._dataset is None or self._mapped_modes():
            return super()._getDisplayDataset()
        x0, x1, pixels = self._view_span(env)
        log_y = bool(self.opts["logMode"][1])
        key = (x0, x1, pixels, log_y)
        if self._datasetDisplay is not None and key == self._shown_key:
            return self._datasetDisplay
        xs, ys = env.window(x0, x1, pixels)
        if log_y:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                ys = np.log10(ys)
            ys[~np.isfinite(ys)] = np.nan
        self._datasetDisplay = PlotDataset(xs, ys, True, None)
        self._shown_key = key
        return self._datasetDisplay

    def _mapped_modes(self) -> bool:
        """Modes the envelope cannot draw (never used by Loupe's plots): pyqtgraph handles them."""
        o = self.opts
        return bool(o["logMode"][0] or o["fftMode"] or o["derivativeMode"]
                    or o["phasemapMode"] or o["subtractMeanMode"])

    def _view_span(self, env: Envelope) -> tuple[float, float, int]:
        """The x range to cover and the pixel columns it spans.

        While the view auto-ranges x the whole curve is covered (as pyqtgraph's clip-to-view
        does), so "view all" sees the full data bounds.
        """
        vb = self.getViewBox()
        if vb is None or vb.autoRangeEnabled()[0]:
            x0, x1 = float(env.x[0]), float(env.x[-1])
        else:
            rect = vb.viewRect()
            x0, x1 = rect.left(), rect.right()
        width = vb.width() if vb is not None else DEFAULT_PIXELS
        pixels = max(16, int(round((width or DEFAULT_PIXELS) * self.detail)))
        return x0, x1, pixels

    def viewRangeChanged(self, vb: Any = None, ranges: Any = None,  # noqa: N802
                         changed: Any = None) -> None:
        if self._envelope is None:
            super().viewRangeChanged(vb, ranges, changed)
        elif changed is None or changed[0]:  # y changes never change which points are drawn
            self.updateItems(styleUpdate=False)
