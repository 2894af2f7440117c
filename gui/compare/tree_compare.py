"""The browser's "Compare with...": mark a file or group, then compare another one with it.

The walk of both trees runs in a worker (it lists every group of both files); the answer opens
a non-modal dialog listing differing members, attributes, shapes and dtypes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from gui.compare.diff_table import DiffTable
from gui.workers import submit
from storage import diff_sources


class TreeDiffDialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(900, 500)
        self.summary = QLabel("Comparing...", self)
        self.table = DiffTable(self)
        close = QPushButton("Close", self)
        close.clicked.connect(self.close)
        box = QVBoxLayout(self)
        box.addWidget(self.summary)
        box.addWidget(self.table, 1)
        box.addWidget(close)

    def show_result(self, differences: list) -> None:
        self.table.set_differences(differences)
        n = len(differences)
        self.summary.setText("No differences in members, attributes, shapes or dtypes "
                             "(dataset values are not compared)." if not n else
                             f"{n} difference{'s' if n != 1 else ''} "
                             "(dataset values are not compared)")

    def show_error(self, exc: BaseException) -> None:
        self.summary.setText(f"Could not compare: {exc}")


class TreeCompare:
    """Remembers the marked node; compares another node with it."""

    def __init__(self, parent: QWidget, status: Callable[[str], None]) -> None:
        self._parent = parent
        self._status = status
        self.marked: tuple[Any, str] | None = None  # (source, path)
        self.dialog: TreeDiffDialog | None = None
        self.task = None
        self.busy = False

    def label(self) -> str:
        if self.marked is None:
            return ""
        source, path = self.marked
        return f"{source.name}:{path}"

    def mark(self, source: Any, path: str) -> None:
        self.marked = (source, path)
        self._status(f"Marked {self.label()}: right-click another file or group, "
                     "Compare with...")

    def compare(self, source: Any, path: str) -> TreeDiffDialog | None:
        if self.marked is None:
            self.mark(source, path)
            return None
        a_source, a_path = self.marked
        self.dialog = TreeDiffDialog(f"{self.label()}  vs  {source.name}:{path}", self._parent)
        self.dialog.table.setHorizontalHeaderLabels(
            ["Path", "Change", f"A: {self.label()}", f"B: {source.name}:{path}"])
        self.dialog.show()
        dialog = self.dialog
        self.busy = True
        self.task = submit(diff_sources, a_source, source, a_path, path, wants_cancel=True,
                           on_done=lambda result: self._answered(dialog.show_result, result),
                           on_error=lambda exc: self._answered(dialog.show_error, exc))
        dialog.finished.connect(lambda _: self.task.cancel())
        return dialog

    def _answered(self, show: Callable[[Any], None], value: Any) -> None:
        self.busy = False
        show(value)

    def is_busy(self) -> bool:
        return self.busy
