"""The words of the gui: error text and sizes, in one place (Qt-free).

``human_bytes`` is storage's own (binary units), so a size reads the same in a storage message, a
report, the wizard and the browser.
"""

from __future__ import annotations

from storage import StorageError, human_bytes


def error_text(exc: BaseException) -> str:
    """One readable line for an exception; typed storage errors already carry the fix."""
    message = str(exc).strip() or type(exc).__name__
    if isinstance(exc, OSError) and not isinstance(exc, StorageError):
        return f"{type(exc).__name__}: {message}"  # a bare OS error: its kind helps
    return message


def human_seconds(seconds: float | None) -> str:
    """``75.2`` -> ``"1 min 15 s"``; small values keep a decimal, under a second in ms (a file
    converted in 40 ms showed "0.0 s"); ``None`` -> an em dash."""
    if seconds is None:
        return "\u2014"
    if seconds <= 0:
        return "0 s"
    if seconds < 0.9995:
        return f"{seconds * 1000:.0f} ms" if seconds >= 0.0005 else f"{seconds * 1000:.2f} ms"
    if seconds < 10:
        return f"{seconds:.1f} s"
    total = int(round(seconds))
    if total < 60:
        return f"{total} s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


__all__ = ["error_text", "human_bytes", "human_seconds"]
