"""What every dataset view offers the panel: priority() (whether and how well it shows a
node), show_node(), export, busy state. The viewer shows a node in the view of highest priority,
as silx's ``DataViews`` do, instead of a fixed if-chain."""

from __future__ import annotations

from html import escape

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from gui.browser.reading import ReadRunner
from storage import NodeInfo, Source

NUMERIC_KINDS = "biuf"
UNSUPPORTED = 0  # the priority of a view that cannot show the node (its tab is disabled)


def numeric(node: NodeInfo, complex_ok: bool = True) -> bool:
    kind = node.extra.get("dtype_kind", "")
    return bool(kind) and kind in (NUMERIC_KINDS + ("c" if complex_ok else ""))


class DataView(QWidget):
    """Base of the table, curve, image and value views."""

    title = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = ReadRunner(self)
        self.source: Source | None = None
        self.node: NodeInfo | None = None
        self._data: np.ndarray | None = None  # the slice on screen, in views that keep it
        self.banner = QLabel(self)
        self.banner.setObjectName("viewBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.banner.linkActivated.connect(lambda _link: self.reload())
        self.runner.cancelled.connect(self._read_cancelled)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(4, 4, 4, 4)

    @classmethod
    def priority(cls, node: NodeInfo) -> int:
        """How well this view shows ``node``: :data:`UNSUPPORTED`, or higher for better."""
        return UNSUPPORTED

    @classmethod
    def applicable(cls, node: NodeInfo) -> bool:
        return cls.priority(node) > UNSUPPORTED

    def show_node(self, source: Source, node: NodeInfo) -> None:
        self.source, self.node = source, node
        self.banner.hide()

    def reload(self) -> None:
        """Read again what was cancelled or failed ("Read again" in the banner)."""
        if self.node is not None:
            self.show_node(self.source, self.node)

    def _read_cancelled(self) -> None:
        self.clear_shown()
        self.show_message(f"Reading {self.node.path if self.node else ''} was cancelled.",
                          retry=True)

    def clear_shown(self) -> None:
        """Drop what is drawn (a cancelled read must not leave the previous node on screen)."""

    def clear(self) -> None:
        self.runner.cancel()
        self.source = self.node = None

    def is_busy(self) -> bool:
        return self.runner.busy

    def show_message(self, text: str, error: bool = False, retry: bool = False) -> None:
        """A note above the view; ``retry`` adds a "Read again" link."""
        self.banner.setObjectName("errorState" if error else "viewBanner")
        self.banner.setStyleSheet("color: #b42318;" if error else "color: #5a6b7d;")
        if retry:
            self.banner.setTextFormat(Qt.TextFormat.RichText)
            self.banner.setText(f'{escape(text)} &nbsp;<a href="retry">Read again</a>')
        else:
            self.banner.setTextFormat(Qt.TextFormat.PlainText)
            self.banner.setText(text)
        self.banner.setVisible(bool(text))

    def shown_data(self) -> np.ndarray | None:
        """The slice on screen, for CSV or .npy export."""
        return self._data

    def plot_item(self):
        """The pyqtgraph item to save as PNG or SVG, if this view draws one."""
        return None

    def selection_text(self) -> str:
        return ""
