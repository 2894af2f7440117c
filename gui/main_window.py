"""Loupe's main window. It composes the panels and owns the menus; it does no work itself.

Panels (each in its own package) offer a small interface the window relies on:
``open_paths(paths)``, ``is_busy()``, ``confirm_close()`` and ``show_target(what)`` for the file
browser; ``open_lab(path)``, ``is_busy()``, ``confirm_close()`` and ``show_target(what)`` for the
experiments panel. Panels talk back through signals only: ``status_message`` (a status-bar
line) and the experiments panel's ``open_files_requested`` (paths to open in the Files tab).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QTabWidget, QWizard

from gui import settings as loupe_settings
from gui.about import show_about
from gui.browser.open_url_dialog import ask_url, prepare_location
from gui.browser.panel import BrowserPanel
from gui.experiments_panel import ExperimentsPanel
from gui.help_dialog import show_getting_started
from gui.icons import app_icon
from gui.workers import submit
from storage import experiment_sources, open_dialog_filters

STATUS_MS = 8000  # how long a panel's status line stays
# From storage's format registry, so the dialog offers exactly what the Files tab opens.
FILE_FILTER = ";;".join([f"{label} ({' '.join(patterns)})"
                         for label, patterns in open_dialog_filters()] + ["All files (*)"])


class MainWindow(QMainWindow):
    """The window: a file browser tab, an experiments tab, menus, drag and drop."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Loupe")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.browser = BrowserPanel(self)
        self.experiments = ExperimentsPanel(self)
        self.experiments.open_files_requested.connect(self.open_paths)
        for panel in (self.browser, self.experiments):
            panel.status_message.connect(self._show_status)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.browser, "Files")
        self.tabs.addTab(self.experiments, "Experiments")
        self.setCentralWidget(self.tabs)
        self._recent_menu = QMenu("Open &Recent", self)
        self._build_menus()
        self.statusBar().showMessage("Ready")
        self._restore_geometry()

    # ---- opening things -------------------------------------------------------------------
    def open_paths(self, paths: list[str]) -> None:
        """Open files (or URLs) in the browser tab and remember them as recent."""
        if not paths:
            return
        self.tabs.setCurrentWidget(self.browser)
        remembered = [prepare_location(str(p)) for p in paths]  # URLs: preferences, no secrets
        self.browser.open_paths([str(p) for p in paths])
        for p in remembered:
            loupe_settings.add_recent(p)
        self._fill_recent_menu()

    def _show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, STATUS_MS)

    def open_lab(self, path: str) -> None:
        self.tabs.setCurrentWidget(self.experiments)
        self.experiments.open_lab(str(path))

    def open_folder(self, path: str) -> None:
        """A dropped folder: a lab when it holds results, else offer to convert it.

        Telling which lists the folder (a big or network folder takes a while): in a worker.
        """
        self.statusBar().showMessage(f"Looking into {path}...")
        submit(_is_lab, path, on_done=lambda lab: self._folder_looked_at(path, lab),
               on_error=lambda exc: self.statusBar().showMessage(f"Cannot open {path}: {exc}",
                                                                 8000))

    def _folder_looked_at(self, path: str, is_lab: bool) -> None:
        self.statusBar().clearMessage()
        if is_lab:
            self.open_lab(path)
        else:
            self.show_convert_wizard(path)

    def is_busy(self) -> bool:
        return self.browser.is_busy() or self.experiments.is_busy()

    def show_target(self, what: str) -> None:
        """Used by ``--screenshot --show``: bring a panel, a node or a dialog to front."""
        if what in ("search", "experiments", "plots") or what.startswith("compare"):
            self.tabs.setCurrentWidget(self.experiments)
            self.experiments.show_target(what)
        else:
            self.tabs.setCurrentWidget(self.browser)
            self.browser.show_target(what)

    # ---- menus ------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._add(file_menu, "&Open...", self._ask_open, QKeySequence.StandardKey.Open)
        self._add(file_menu, "Open &URL...", self._ask_open_url, "Ctrl+Shift+O")
        self._add(file_menu, "Open &Lab Folder...", self._ask_open_lab, "Ctrl+L")
        file_menu.addMenu(self._recent_menu)
        self._fill_recent_menu()
        file_menu.addSeparator()
        self._add(file_menu, "&Close File", lambda: self.browser.close_current(),
                  QKeySequence.StandardKey.Close)
        self._add(file_menu, "&Reload File", lambda: self.browser.reload_current(),
                  QKeySequence.StandardKey.Refresh)
        file_menu.addSeparator()
        self._add(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        tools = self.menuBar().addMenu("&Tools")
        self._add(tools, "&Convert JSON Results...", lambda: self.show_convert_wizard(None),
                  "Ctrl+Shift+C")
        self._add(tools, "&Restore Originals...", self.show_restore_dialog, "Ctrl+Shift+R")
        self._add(tools, "Conversion Re&ports...", self._show_reports)
        help_menu = self.menuBar().addMenu("&Help")
        self._add(help_menu, "&Getting Started", lambda: show_getting_started(self),
                  QKeySequence.StandardKey.HelpContents)
        self._add(help_menu, "&About Loupe", lambda: show_about(self))

    def _add(self, menu: QMenu, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _fill_recent_menu(self) -> None:
        self._recent_menu.clear()
        items = loupe_settings.recent_items()
        for item in items:
            action = self._recent_menu.addAction(item)
            action.triggered.connect(lambda _=False, p=item: self.open_paths([p]))
        self._recent_menu.addSeparator()
        clear = self._recent_menu.addAction("Clear List")
        clear.setEnabled(bool(items))
        clear.triggered.connect(self._clear_recent)

    def _clear_recent(self) -> None:
        loupe_settings.clear_recent()
        self._fill_recent_menu()

    def _ask_open(self) -> None:
        start = loupe_settings.settings().value("dialogs/open_dir", str(Path.home()))
        paths, _ = QFileDialog.getOpenFileNames(self, "Open results", str(start), FILE_FILTER)
        if paths:
            loupe_settings.settings().setValue("dialogs/open_dir", str(Path(paths[0]).parent))
            self.open_paths(paths)

    def _ask_open_url(self) -> None:
        url = ask_url(self)
        if url:
            self.open_paths([url])

    def _ask_open_lab(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open lab folder", str(Path.home()))
        if folder:
            self.open_lab(folder)

    def show_convert_wizard(self, folder: str | None) -> None:
        """The wizard on ``folder``; from the menu, on the folder converted last or, the first
        time, on the lab that is open (whose results are what a user would convert)."""
        from gui.wizard import open_convert_wizard

        if folder is None and not loupe_settings.settings().value("wizard/folder"):
            lab = self.experiments.search.lab_path
            folder = str(lab) if lab else None
        open_convert_wizard(self, folder)

    def _show_reports(self) -> None:
        from gui.wizard import open_report_dialog

        open_report_dialog(self, loupe_settings.settings().value("wizard/folder") or None)

    def show_restore_dialog(self) -> None:
        from gui.wizard import open_restore_dialog

        open_restore_dialog(self)

    # ---- drag and drop ----------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt API
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt API
        paths = [u.toLocalFile() or u.toString() for u in event.mimeData().urls()]
        folders = [p for p in paths if Path(p).is_dir()]
        files = [p for p in paths if p not in folders]
        self.open_paths(files)
        for folder in folders[:1]:
            self.open_folder(folder)
        event.acceptProposedAction()

    # ---- geometry ---------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        geometry = loupe_settings.settings().value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 900)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        running = [w for w in self.findChildren(QWizard) if _is_converting(w)]
        if running:
            # A conversion is in flight: its wizard asks whether to stop (the journal keeps the
            # rest resumable); the window stays open so nothing is cut off mid-file.
            running[0].raise_()
            running[0].reject()
            event.ignore()
            return
        for panel in (self.browser, self.experiments):
            if not panel.confirm_close():
                event.ignore()
                return
        loupe_settings.settings().setValue("window/geometry", self.saveGeometry())
        self.browser.close_all()
        super().closeEvent(event)


def _is_lab(path: str) -> bool:
    """In a worker: does this folder hold experiments (an index, or any source Loupe reads)?"""
    folder = Path(path)
    return (folder / ".loupe").exists() or bool(experiment_sources(folder))


def _is_converting(wizard: QWizard) -> bool:
    run_page = getattr(wizard, "run", None)
    return bool(run_page is not None and run_page.is_running())
