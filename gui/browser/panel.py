"""The file browser panel: the lazy tree on the left, the data viewer on the right.

Interface used by the main window: ``open_paths(paths)``, ``close_current()``,
``reload_current()`` (keeps expanded paths and the selection), ``is_busy()``,
``confirm_close()`` and ``show_target(what)`` (``/path`` or ``/path#image``: select it and show
that view); it tells the window what happened through ``status_message`` (it never reaches up).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QMenu,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from gui import settings as loupe_settings
from gui.browser.data_viewer import DataViewer
from gui.browser.expand_below import ExpandBelow
from gui.browser.failed_source import FailedSource
from gui.browser.name_filter import NameFilter
from gui.browser.tree_model import PAGE_KIND, TreeModel
from gui.compare.tree_compare import TreeCompare
from gui.workers import submit
from storage import Source, open_source


def _open(location: str) -> tuple[Source, object]:
    source = open_source(location)
    try:
        return source, source.root()
    except Exception:
        source.close()
        raise


class BrowserPanel(QWidget):
    status_message = Signal(str)  # a line for the window's status bar

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = TreeModel(self)
        self.tree = QTreeView(self)
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)  # lets Qt lay out 100,000 rows without asking each
        self.tree.setAlternatingRowColors(True)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((220, 110, 90, 90, 70, 100)):
            self.tree.header().resizeSection(column, width)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        self.name_filter = NameFilter(self)
        self.expander = ExpandBelow(self)
        self.filter, self.filter_note = self.name_filter.edit, self.name_filter.note
        self.empty = QLabel("Open an HDF5 or JSON file: File > Open, or drop it here.", self)
        self.empty.setObjectName("emptyState")
        self.empty.setWordWrap(True)  # a long line would set the window's minimum width
        self.viewer = DataViewer(self)
        self.viewer.message.connect(self._status)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.filter)
        left_layout.addWidget(self.filter_note)
        left_layout.addWidget(self.empty)
        left_layout.addWidget(self.tree)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.viewer)
        self.splitter.setSizes([560, 840])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)
        self._opening = 0
        self._asked = 0  # files asked for so far: their order in the tree
        self._restoring = 0
        self._add_actions()
        self.tree_compare = TreeCompare(self, self._status)
        self.model.failed.connect(self._status)
        self._update_empty()

    # ---- the main window's interface ---------------------------------------------------------
    def open_paths(self, paths: list[str], on_open=None) -> None:
        _freeze_startup_objects()
        for path in paths:
            self._opening += 1
            self._asked += 1
            submit(_open, str(path),
                   on_done=lambda res, cb=on_open, n=self._asked: self._opened(res, cb, n),
                   on_error=lambda exc, p=str(path), n=self._asked: self._open_failed(p, exc, n))

    def close_current(self) -> None:
        source = self._current_source()
        if source is None:
            return
        self.viewer.clear()
        self.name_filter.forget()
        self.model.remove_source(source)
        submit(source.close)  # may wait for a read in progress: never on the GUI thread
        self._update_empty()

    def reload_current(self) -> None:
        source = self._current_source()
        if source is None or isinstance(source, FailedSource):
            return
        top = self.model.source_index(source)
        expanded = self.expanded_paths(top)
        selected = self.model.node(self.tree.currentIndex())
        selected_path = selected.path if selected is not None else None
        self.close_current()
        self.open_paths([source.location], on_open=lambda index: self.restore_tree(
            index, expanded, selected_path))

    def is_busy(self) -> bool:
        return bool(self._opening or self._restoring or self.model.is_busy() or
                    self.viewer.is_busy() or self.name_filter.busy or self.expander.busy
                    or self.tree_compare.is_busy())

    def show_target(self, what: str) -> None:
        path, _, view = (what or "").partition("#")
        if not path.startswith("/"):
            self.viewer.tabs.setCurrentWidget(self.viewer.view_named(path))
            return
        top = self.model.index(0, 0)
        if top.isValid():
            self._restoring += 1
            self.model.locate(top, path, lambda index: self._select(index, view or None))

    # ---- opening -------------------------------------------------------------------
    def _opened(self, result, on_open, order: int) -> None:
        self._opening -= 1
        source, root = result
        index = self.model.add_source(source, root, order)
        self._update_empty()
        self.tree.expand(index)
        if on_open is not None:
            on_open(index)
        elif not self.tree.currentIndex().isValid():
            self.tree.setCurrentIndex(index)
        self._status(f"Opened {source.location}")

    def _open_failed(self, path: str, exc: BaseException, order: int) -> None:
        self._opening -= 1
        source = FailedSource(path, f"{exc}")
        index = self.model.add_source(source, source.root(), order)
        self._update_empty()
        if not self.tree.currentIndex().isValid():  # as for a file that opens: keep the user's
            self.tree.setCurrentIndex(index)
        self._status(f"Cannot open {path}: {exc}")

    def restore_tree(self, top: QModelIndex, expanded: list[tuple[str, int | None]],
                     selected: str | None) -> None:
        """Expand ``expanded`` (paths, and pages of wide groups) below the source row ``top``
        and select ``selected``, listing groups on the way."""
        for path, page in expanded:
            self._restoring += 1
            if page is None:
                self.model.locate(top, path, self._expand_restored)
            else:
                self.model.locate(top, path, lambda index, row=page: self._expand_page(index, row))
        if selected:
            self._restoring += 1
            self.model.locate(top, selected, self._select)

    def _expand_restored(self, index: QModelIndex) -> None:
        self._restoring -= 1
        if index.isValid():
            self.tree.expand(index)

    def _expand_page(self, group: QModelIndex, row: int) -> None:
        """Expand page ``row`` of a wide group once the group's pages are all listed."""
        if not group.isValid():
            self._restoring -= 1
            return
        item = self.model.item(group)

        def listed() -> None:
            self._restoring -= 1
            index = self.model.index_of(item)
            page = self.model.index(row, 0, index)
            if page.isValid() and self.model.node(page).kind == PAGE_KIND:
                self.tree.expand(index)
                self.tree.expand(page)

        self.model.when_listed(group, listed)

    def _select(self, index: QModelIndex, view: str | None = None) -> None:
        self._restoring -= 1
        if not index.isValid():
            self._status("Not found in the file")
            return
        parent = index.parent()
        while parent.isValid():
            self.tree.expand(parent)
            parent = parent.parent()
        self._wanted_view = view
        if index == self.tree.currentIndex() and view:  # shown already: only switch views
            self._wanted_view = None
            self.viewer.tabs.setCurrentWidget(self.viewer.view_named(view))
        self.tree.setCurrentIndex(index)
        self.tree.scrollTo(index)

    def expanded_paths(self, top: QModelIndex) -> list[tuple[str, int | None]]:
        """Expanded rows as (path, None), and expanded pages of wide groups as (group path,
        page row): a page has no path of its own."""
        out, stack = [], [top]
        while stack:
            index = stack.pop()
            if index.isValid() and self.tree.isExpanded(index):
                node = self.model.node(index)
                out.append((node.path, index.row() if node.kind == PAGE_KIND else None))
                stack += [self.model.index(r, 0, index) for r in range(self.model.rowCount(index))]
        return out

    # ---- selection -------------------------------------------------------------------
    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        item = self.model.item(current)
        if item is None:
            return
        view, self._wanted_view = getattr(self, "_wanted_view", None), None
        if item.node.detailed or item.parent is None:
            self.viewer.show_node(item.source, item.node, view)
            return
        submit(item.source.info, item.node.path,
               on_done=lambda node: self._described(current, node, view),
               on_error=lambda exc: self._status(f"{item.node.path}: {exc}"))

    def _described(self, index: QModelIndex, node, view) -> None:
        item = self.model.item(index)
        if item is not None and self.tree.currentIndex() == index:
            self.viewer.show_node(item.source, node, view)

    def _current_source(self) -> Source | None:
        item = self.model.item(self.tree.currentIndex())
        if item is None:
            top = self.model.index(0, 0)
            item = self.model.item(top)
        return item.source if item is not None else None

    # ---- actions -------------------------------------------------------------------
    def _add_actions(self) -> None:
        self.copy_path_action = self._action("Copy Path", QKeySequence.StandardKey.Copy,
                                             self.copy_path, self.tree)
        self.copy_snippet_action = self._action("Copy h5py Snippet", "Ctrl+Alt+C",
                                                self.copy_snippet, self.tree)
        self.expand_below_action = self._action(
            "Expand All Below", "*", lambda: self.expander.start(self.tree.currentIndex()),
            self.tree)
        self._action("Filter by Name", QKeySequence.StandardKey.Find, self._focus_filter, self)
        self._action("Export Data", "Ctrl+E", self.viewer.ask_export_data, self)
        # One Esc for the whole panel (two actions on one key in nested widgets are ambiguous
        # and neither fires): it stops what runs, else it clears the filter.
        self._action("Cancel", "Escape", self.escape, self)

    def _action(self, text: str, shortcut, slot, widget: QWidget) -> QAction:
        action = QAction(text, widget)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        widget.addAction(action)
        return action

    def escape(self) -> None:
        if self.expander.busy:
            self.expander.cancel()
        elif self.viewer.is_busy():
            self.viewer.status.cancel()
        elif self.name_filter.active:
            self.name_filter.clear()

    def _focus_filter(self) -> None:
        self.filter.setFocus()
        self.filter.selectAll()

    def _context_menu(self, pos) -> None:
        menu = QMenu(self)
        menu.addAction(self.copy_path_action)
        menu.addAction(self.copy_snippet_action)
        menu.addAction(self.expand_below_action)
        menu.addSeparator()
        node = self.model.node(self.tree.currentIndex())
        if node is not None and node.is_group:
            menu.addAction("Mark for Compare", self.mark_for_compare)
            if self.tree_compare.marked is not None:
                menu.addAction(f"Compare with {self.tree_compare.label()}\u2026",
                               self.compare_with_marked)
        menu.addSeparator()
        menu.addAction("Filter by Name\u2026", self._focus_filter)
        menu.addAction("Reload File", self.reload_current)
        menu.addAction("Close File", self.close_current)
        menu.exec(self.tree.viewport().mapToGlobal(pos))

    def mark_for_compare(self) -> None:
        """Remember the current file or group for "Compare with..."."""
        item = self.model.item(self.tree.currentIndex())
        if item is not None and item.source is not None:
            self.tree_compare.mark(item.source, item.node.path)

    def compare_with_marked(self):
        """Compare the current file or group with the marked one (a dialog; None if unmarked)."""
        item = self.model.item(self.tree.currentIndex())
        if item is None or item.source is None:
            return None
        return self.tree_compare.compare(item.source, item.node.path)

    def copy_path(self) -> None:
        node = self.model.node(self.tree.currentIndex())
        if node is not None:
            QGuiApplication.clipboard().setText(node.path)
            self._status(f"Copied {node.path}")

    def copy_snippet(self) -> None:
        item = self.model.item(self.tree.currentIndex())
        if item is None:
            return
        submit(item.source.snippet, item.node.path,
               on_done=lambda code: (QGuiApplication.clipboard().setText(code),
                                     self._status("Copied a snippet that reads it")),
               on_error=lambda exc: self._status(f"No snippet: {exc}"))

    def status(self, text: str) -> None:
        self._status(text)

    def _status(self, text: str) -> None:
        self.status_message.emit(text)

    def confirm_close(self) -> bool:
        """The window is closing: nothing here needs asking."""
        return True

    def close_all(self) -> None:
        """Close every open file (the window closed): HDF5 keeps one open file per path in the
        process, and a handle left open holds its flags for every later opener."""
        self.viewer.clear()
        for source in self.model.sources():
            self.model.remove_source(source)
            submit(source.close)  # may wait for a read in progress: never on the GUI thread
        self._update_empty()

    def _update_empty(self) -> None:
        has = self.model.rowCount() > 0
        self.empty.setVisible(not has)
        self.tree.setVisible(has)

    # ---- settings -------------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        state = loupe_settings.settings().value("browser/splitter")
        if state is not None and not getattr(self, "_restored_layout", False):
            self.splitter.restoreState(state)
        self._restored_layout = True
        super().showEvent(event)

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt API
        loupe_settings.settings().setValue("browser/splitter", self.splitter.saveState())
        super().hideEvent(event)


_FROZEN = [False]


def _freeze_startup_objects() -> None:
    """Move the objects alive at the first open (modules, Qt wrappers, pyqtgraph: ~200,000)
    out of the cyclic collector's reach, once per process.

    Listing a 10,000-member group allocates 10,000 nodes in a worker; that tips CPython's
    full (generation 2) collection, which walks every tracked object while holding the GIL:
    106 ms measured, a frozen window (bench_remote, S3). Frozen objects are still freed by
    reference counting; only garbage cycles among them are never collected.
    """
    if not _FROZEN[0]:
        _FROZEN[0] = True
        gc.freeze()
