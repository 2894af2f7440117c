"""Sizes in words: the one ``human_bytes`` of Loupe (storage messages, reports and the gui)."""

from __future__ import annotations

_UNITS = ("B", "KiB", "MiB", "GiB", "TiB")
UNKNOWN = "\u2014"  # an em dash: the size is not known


def human_bytes(n: int | float | None) -> str:
    """``512`` -> ``"512 B"``, ``1536`` -> ``"1.5 KiB"`` (binary units, as the file system
    counts); ``None`` -> an em dash."""
    if n is None:
        return UNKNOWN
    value = float(n)
    for unit in _UNITS:
        if abs(value) < 1024 or unit == _UNITS[-1]:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")
