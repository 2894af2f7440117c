"""The table view: any rank, two axes shown, the others at a chosen index; compound as columns."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QHeaderView, QTableView

from gui.browser.axis_controls import AxisControls
from gui.browser.table_model import WindowTableModel
from gui.browser.view_base import UNSUPPORTED, DataView
from storage import NodeInfo, Source

EXPORT_BUDGET = 256 * 1024 * 1024


class TableView(DataView):
    title = "Table"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.axes = AxisControls(("Rows", "Columns"), self)
        self.model = WindowTableModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        for header in (self.table.horizontalHeader(), self.table.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.horizontalHeader().setDefaultSectionSize(96)
        self.layout_.addWidget(self.axes)
        self.layout_.addWidget(self.banner)
        self.layout_.addWidget(self.table)
        self.axes.changed.connect(self._apply_axes)

    @classmethod
    def priority(cls, node: NodeInfo) -> int:
        return 10 if node.is_dataset and node.shape else UNSUPPORTED  # any array

    def show_node(self, source: Source, node: NodeInfo) -> None:
        super().show_node(source, node)
        fields = tuple(node.extra.get("fields", ()))
        shape = tuple(node.shape or ())
        self.axes.configure(shape, 1 if fields or len(shape) == 1 else 2)
        self._apply_axes()

    def _apply_axes(self) -> None:
        if self.node is None:
            return
        fields = tuple(self.node.extra.get("fields", ()))
        axes = self.axes.display_axes()
        col_axis = axes[1] if len(axes) > 1 and not fields else None
        self.model.configure(self.source, self.node.path, tuple(self.node.shape or ()), fields,
                             axes[0] if axes else 0, col_axis, self.axes.fixed())

    def clear(self) -> None:
        super().clear()
        self.model.configure(None, "", ())

    def is_busy(self) -> bool:
        return super().is_busy() or self.model.busy

    def selection_text(self) -> str:
        parts = []
        for sel in self.axes.selection():
            parts.append(":" if isinstance(sel, slice) else str(sel))
        return f"[{', '.join(parts)}]"

    def read_shown(self, **kwargs):
        """Read the whole 2-D plane shown (for export), refusing one over the budget."""
        sel = self.axes.selection() if self.node and self.node.shape else ()
        return self.source.read(self.node.path, sel, budget=EXPORT_BUDGET, allow_stride=False,
                                **kwargs)

    def shown_data(self) -> np.ndarray | None:
        return None  # exported through read_shown() in a worker (it may be large)
