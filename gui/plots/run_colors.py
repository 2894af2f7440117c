"""One colour per run, the same in every plot, table and legend of the session.

Colours are handed out in the order runs are first seen, from a palette whose neighbours are easy
to tell apart (Tableau 10, then its light variants); a hash would give two of ten runs the same
colour more often than not.
"""

from __future__ import annotations

import colorsys

from PySide6.QtGui import QColor

PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5",
    "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5",
)
GOLDEN = 0.618033988749895


class RunColors:
    """Maps run ids (or group names) to colours, stable for the lifetime of the object."""

    def __init__(self) -> None:
        self._assigned: dict[str, str] = {}

    def hex(self, run_id: str) -> str:
        """The colour of ``run_id`` as ``#rrggbb``; new ids get the next free colour."""
        color = self._assigned.get(run_id)
        if color is None:
            color = _nth_color(len(self._assigned))
            self._assigned[run_id] = color
        return color

    def qcolor(self, run_id: str, alpha: int = 255) -> QColor:
        color = QColor(self.hex(run_id))
        color.setAlpha(alpha)
        return color

    def known(self) -> dict[str, str]:
        return dict(self._assigned)


def group_key(name: str) -> str:
    """The colour key of a group of runs (the plot's mean and band, the table's swatches)."""
    return f"group:{name}"


def _nth_color(n: int) -> str:
    if n < len(PALETTE):
        return PALETTE[n]
    # Past the palette: walk the hue circle by the golden ratio, which never repeats a hue.
    hue = (n * GOLDEN) % 1.0
    r, g, b = colorsys.hsv_to_rgb(hue, 0.65, 0.8)
    return f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"


_SESSION = RunColors()


def session_colors() -> RunColors:
    """The registry shared by all panels of this process."""
    return _SESSION
