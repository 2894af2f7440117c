"""Parameter importance for a chosen metric: rank correlation, eta squared, runs, verdict.

Computed on the GUI thread: it is a few numpy passes over the loaded table (under 20 ms for
10,000 runs and 8 settings, see bench/bench_compare.py).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.layouts import refill
from storage import parameter_importance

HEADERS = ("Setting", "Rank correlation (Spearman)", "Any effect (eta\u00b2)", "Runs", "Verdict")


class ImportanceView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table: Any = None
        self.results: list[Any] = []
        self.metric_box = QComboBox(self, toolTip="The metric the settings are judged against")
        self.note = QLabel(self, wordWrap=True)
        self.view = QTableWidget(0, len(HEADERS), self)
        self.view.setHorizontalHeaderLabels(HEADERS)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Metric:", self))
        bar.addWidget(self.metric_box)
        bar.addStretch(1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(bar)
        box.addWidget(self.note)
        box.addWidget(self.view, 1)
        self.metric_box.currentTextChanged.connect(self.set_metric)

    def set_table(self, table: Any, metric: str | None = None) -> None:
        self.table = table
        metrics = table.names(role="metric", numeric=True)
        refill(self.metric_box, metrics, metric)
        self.set_metric(self.metric_box.currentText())

    def set_metric(self, metric: str) -> None:
        """Judge every setting against ``metric`` (a user action)."""
        if self.metric_box.currentText() != metric:
            if self.metric_box.findText(metric) >= 0:
                self.metric_box.setCurrentText(metric)
            return
        if self.table is None:
            return
        self.results = parameter_importance(self.table, metric) if metric else []
        self.view.setRowCount(len(self.results))
        for row, r in enumerate(self.results):
            cells = (r.name, _num(r.spearman), _num(r.eta2), str(r.n), r.verdict)
            for col, text in enumerate(cells):
                self.view.setItem(row, col, QTableWidgetItem(text))
        self.view.resizeColumnsToContents()
        self.note.setText(_note(self.results, len(self.table) if self.table else 0))


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:+.2f}" if value < 0 or value > 0 else "0.00"


def _note(results: list[Any], runs: int) -> str:
    if not results:
        return "No settings vary among these runs, or there is no numeric metric."
    if all(r.verdict == "too few runs" for r in results):
        return (f"Too few runs to tell ({runs}; at least 8 with both values are needed). "
                "Select more runs, or clear the selection to compare all listed runs.")
    return ("Rank correlation: does the metric rise (+) or fall (-) with the setting. "
            "eta\u00b2: the share of the metric's spread explained by the setting's groups, "
            "also when the best value is in the middle. Few runs make both look stronger.")
