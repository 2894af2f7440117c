"""Scalars, strings, empty (null dataspace) and opaque data, and a summary of anything else."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QPlainTextEdit

from gui.browser.node_text import kind_text
from gui.browser.tree_items import PAGE_KIND
from gui.browser.view_base import DataView
from storage import NodeInfo, NodeKind, Source, value_text

SMALL = 4096  # elements read whole for the text view


class ScalarView(DataView):
    title = "Value"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setFont(QFont("monospace"))
        self.layout_.addWidget(self.banner)
        self.layout_.addWidget(self.text)

    @classmethod
    def priority(cls, node: NodeInfo) -> int:
        return 1  # shows anything (its value, or why it cannot be shown): the last resort

    def show_node(self, source: Source, node: NodeInfo) -> None:
        super().show_node(source, node)
        self._data = None
        if node.error:
            self.text.setPlainText(f"{node.path}\n\nThis item cannot be shown: {node.error}")
            return
        if not node.is_dataset:
            self.text.setPlainText(_summary(node))
            return
        size = int(np.prod(node.shape)) if node.shape else 0
        if node.shape is not None and size > SMALL:
            self.text.setPlainText(f"{_summary(node)}\n\n{size:,} values: see the Table view.")
            return
        self.text.setPlainText("Reading\u2026")
        self.runner.run(f"Reading {node.path}", source.read, node.path,
                        on_done=self._shown, on_error=self._failed)

    def _shown(self, result) -> None:
        if result.empty:
            self.text.setPlainText(f"{_summary(self.node)}\n\n(empty: null dataspace, no data)")
            return
        self._data = np.asarray(result.data)
        value = result.data if result.data.shape else result.data[()]
        self.text.setPlainText(f"{_summary(self.node)}\n\n{value_text(value, None, None)}")

    def _failed(self, exc: BaseException) -> None:
        self.text.setPlainText(f"{_summary(self.node)}\n\nCannot read the data: {exc}")
        self.show_message("The read failed.", error=True, retry=True)

    def clear_shown(self) -> None:
        self.text.setPlainText(_summary(self.node))
        self._data = None


def _summary(node: NodeInfo | None) -> str:
    if node is None:
        return ""
    if node.kind == PAGE_KIND:  # a row that stands for members of a wide group, not a node
        return (f"{node.path}\nmembers {node.name} of this group ({node.n_children:,}): expand "
                "the row to list them, or type a name in the filter (Ctrl+F)")
    lines = [node.path, f"kind: {kind_text(node)}"]
    if node.is_group:
        lines.append(f"members: {node.n_children}")
    if node.dtype:
        lines.append(f"type: {node.dtype}")
    if node.object_kind == NodeKind.DATASET:
        lines.append(f"shape: {node.shape_text}")
    if node.warning:
        lines.append(f"note: {node.warning}")
    return "\n".join(lines)
