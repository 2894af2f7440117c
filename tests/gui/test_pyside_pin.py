"""Guard for the PySide6 pin (<6.12): 6.12.0 drops a reference to None (and True on
Signal.emit) on every C++ call returning it, and Python 3.11 aborts with `none_dealloc` after
about 5,000 calls. A release may replace the pin only if this test passes on it."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

CALLS = 100_000


class _Emitter(QObject):
    changed = Signal(bool)


def test_none_and_true_refcounts_survive_many_cpp_calls(qtbot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    emitter = _Emitter()
    seen: list[bool] = []
    emitter.changed.connect(lambda value: seen.append(value) if len(seen) < 1 else None)
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for i in range(CALLS):
        label.setText("x" if i % 2 else "y")  # a C++ call that returns None
        emitter.changed.emit(True)
    # Small drift is normal (other objects come and go); a lost reference per call is not.
    assert sys.getrefcount(None) > none_before - 1_000
    assert sys.getrefcount(True) > true_before - 1_000
