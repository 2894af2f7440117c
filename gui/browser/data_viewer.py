"""The right side of the browser: the dataset views in tabs, attributes, properties, export."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMenu,
    QSplitter,
    QTabWidget,
    QToolButton,
    QWidget,
)

from gui import settings as loupe_settings
from gui.browser.attributes_view import AttributesView
from gui.browser.curve_view import CurveView
from gui.browser.export import DATA_FILTER, PLOT_FILTER, save_array, save_plot
from gui.browser.image_view import ImageView
from gui.browser.properties_view import PropertiesView
from gui.browser.reading import ReadRunner, ReadStatus
from gui.browser.scalar_view import ScalarView
from gui.browser.table_view import TableView
from gui.browser.view_base import DataView
from gui.layouts import column, hbox
from gui.workers import LatestOnly
from storage import NodeInfo, NodeKind, Source

# The registry of views, in tab order; each says how well it shows a node (``priority``).
VIEWS: tuple[type[DataView], ...] = (TableView, CurveView, ImageView, ScalarView)


def best_view(node: NodeInfo) -> str:
    """The title of the view of highest priority for ``node`` (the first in tab order on a tie):
    image for 2-D+ numbers, curve for 1-D, table for other arrays, else value."""
    return max(VIEWS, key=lambda view: view.priority(node)).title


class DataViewer(QWidget):
    """Shows one node: its best view first, the other applicable views one tab away."""

    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("Select a dataset in the tree", self)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = ReadStatus(self)
        self.export_button = QToolButton(self)
        self.export_button.setText("Export")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export_button)
        menu.addAction("Data as CSV or .npy\u2026  (Ctrl+E)", self.ask_export_data)
        menu.addAction("Plot as PNG or SVG\u2026", self.ask_export_plot)
        self.export_button.setMenu(menu)
        self.views: list[DataView] = [view(self) for view in VIEWS]
        self.tabs = QTabWidget(self)
        for view in self.views:
            self.tabs.addTab(view, view.title)
            self.status.watch(view.runner)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.attributes = AttributesView(self)
        self.properties = PropertiesView(self)
        self.info_tabs = QTabWidget(self)
        self.info_tabs.addTab(self.attributes, "Attributes")
        self.info_tabs.addTab(self.properties, "Properties")
        self.export_runner = ReadRunner(self)
        self.status.watch(self.export_runner)
        self._attr_task, self._prop_task = LatestOnly(), LatestOnly()
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.info_tabs)
        self.splitter.setSizes([560, 240])
        column(self, hbox(self.title, self.status, self.export_button, stretch=self.title),
               self.splitter)
        self.source: Source | None = None
        self.node: NodeInfo | None = None
        self._shown_in: set[str] = set()

    # ---- showing ----------------------------------------------------------------------------
    def show_node(self, source: Source, node: NodeInfo, view: str | None = None) -> None:
        self.source, self.node, self._shown_in = source, node, set()
        self.title.setText(f"<b>{node.path}</b> &nbsp; {source.name}")
        for i, v in enumerate(self.views):
            self.tabs.setTabEnabled(i, v.applicable(node))
        wanted = view if view and self.view_named(view).applicable(node) else best_view(node)
        index = self.views.index(self.view_named(wanted))
        if self.tabs.currentIndex() == index:
            self._tab_changed(index)
        else:
            self.tabs.setCurrentIndex(index)
        self._load_info(source, node)

    def view_named(self, title: str) -> DataView:
        return next((v for v in self.views if v.title.lower() == title.lower()), self.views[-1])

    def current_view(self) -> DataView:
        return self.views[self.tabs.currentIndex()]

    def _tab_changed(self, index: int) -> None:
        view = self.views[index]
        if self.node is not None and view.title not in self._shown_in and \
                view.applicable(self.node):
            self._shown_in.add(view.title)
            view.show_node(self.source, self.node)

    def _load_info(self, source: Source, node: NodeInfo) -> None:
        if node.error and node.kind in (NodeKind.BROKEN, NodeKind.UNREADABLE):
            self.attributes.set_message(node.error)
            self.properties.set_rows([("Path", node.path), ("Problem", node.error)])
            return
        self._attr_task.submit(source.attributes, node.path, on_done=self._attributes_read,
                               on_error=lambda e: self.attributes.set_message(f"{e}"))
        self._prop_task.submit(source.properties, node.path, on_done=self.properties.set_rows,
                               on_error=lambda e: self.properties.set_rows([("Problem", f"{e}")]))

    def _attributes_read(self, attrs) -> None:
        self.attributes.set_attributes(attrs)
        # Nothing to read there: a dataset's properties say more (chunks, filters, sizes).
        self.info_tabs.setCurrentIndex(0 if attrs or not self.node or not self.node.is_dataset
                                       else 1)

    def clear(self) -> None:
        for view in self.views:
            view.clear()
        self.source = self.node = None
        self.title.setText("Select a dataset in the tree")
        self.attributes.set_attributes([])
        self.properties.set_rows([])

    def is_busy(self) -> bool:
        return any(v.is_busy() for v in self.views) or self.export_runner.busy or \
            self._attr_task.busy or self._prop_task.busy

    # ---- export -------------------------------------------------------------------------------
    def _ask_path(self, title: str, filters: str, suffix: str) -> str:
        folder = str(loupe_settings.settings().value("browser/export_dir", str(Path.home())))
        name = (self.node.name if self.node else "data").replace("/", "_") + suffix
        path, _ = QFileDialog.getSaveFileName(self, title, str(Path(folder) / name), filters)
        if path:
            loupe_settings.settings().setValue("browser/export_dir", str(Path(path).parent))
        return path

    def ask_export_data(self) -> None:
        if self.node is not None and self.node.is_dataset:
            path = self._ask_path("Export the shown data", DATA_FILTER, ".npy")
            if path:
                self.export_data(path)

    def ask_export_plot(self) -> None:
        if self.current_view().plot_item() is None:
            self.message.emit("This view has no plot: switch to Curve or Image to export one")
            return
        path = self._ask_path("Export the plot", PLOT_FILTER, ".png")
        if path:
            self.export_plot(path)

    def export_data(self, path: str) -> None:
        """Write the shown slice to ``path`` (.csv or .npy), in a worker."""
        view = self.current_view()
        if isinstance(view, TableView):
            def job(cancel=None, progress=None):
                return save_array(view.read_shown(cancel=cancel, progress=progress).data, path)
        else:
            data = view.shown_data()
            if data is None:
                self.message.emit("Nothing to export yet")
                return

            def job(cancel=None, progress=None):
                return save_array(data, path)
        self.export_runner.run(f"Exporting to {Path(path).name}", job,
                               on_done=lambda p: self.message.emit(f"Saved {p}"),
                               on_error=lambda e: self.message.emit(f"Export failed: {e}"))

    def export_plot(self, path: str) -> None:
        item = self.current_view().plot_item()
        if item is None:
            return
        try:
            self.message.emit(f"Saved {save_plot(item, path)}")
        except Exception as exc:  # a full disk or a bad folder: say so, keep the window
            self.message.emit(f"Export failed: {exc}")
