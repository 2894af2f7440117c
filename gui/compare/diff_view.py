"""Diff of two runs: nested config, metadata and final metrics, only what differs by default."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QLabel, QWidget

from gui.compare.diff_table import DiffTable
from gui.compare.table_view import run_combo
from gui.layouts import column, flow
from storage import diff_values


class RunDiffView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runs: dict[str, Any] = {}
        self.run_a = run_combo(self, "Run A")
        self.run_b = run_combo(self, "Run B")
        self.show_all = QCheckBox("Show equal values too", self)
        self.summary = QLabel(self)
        self.table = DiffTable(self)
        self.summary.setWordWrap(True)
        bar = flow(self, [QLabel("A:", self), self.run_a], [QLabel("B:", self), self.run_b],
                   [self.show_all])
        column(self, bar, self.summary, self.table, stretch=self.table)
        for combo in (self.run_a, self.run_b):
            combo.currentTextChanged.connect(lambda _: self.refresh())
        self.show_all.toggled.connect(lambda _: self.refresh())

    def set_runs(self, runs: list[Any]) -> None:
        """The runs to choose from (``storage.RunDetails``); A and B start as the first two."""
        self.runs = {r.id: r for r in runs}
        ids = list(self.runs)
        for combo, pick in ((self.run_a, 0), (self.run_b, 1)):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(ids)
            combo.setCurrentIndex(min(pick, len(ids) - 1))
            combo.blockSignals(False)
        self.refresh()

    # ---- user actions -------------------------------------------------------------------------
    def compare(self, run_a: str, run_b: str) -> None:
        self.run_a.setCurrentText(run_a)
        self.run_b.setCurrentText(run_b)

    def set_show_all(self, on: bool) -> None:
        self.show_all.setChecked(on)

    def refresh(self) -> None:
        a, b = self.runs.get(self.run_a.currentText()), self.runs.get(self.run_b.currentText())
        if a is None or b is None or len(self.runs) < 2:
            self.table.set_differences([])
            self.summary.setText("Choose two runs." if len(self.runs) != 1 else
                                 "Only one run: select a second to compare.")
            return
        found = diff_values(a.as_tree(), b.as_tree(), include_same=self.show_all.isChecked())
        self.table.set_differences(found)
        changed = sum(d.kind != "same" for d in found)
        self.summary.setText("The two runs are the same." if a is b or not changed
                             else f"{changed} difference{'s' if changed != 1 else ''}")
