"""The report of a conversion: totals, a filterable and sortable table of every file, actions.

:class:`ReportView` is a plain widget: the wizard's last page shows it, and :class:`ReportDialog`
shows it standalone with "Open report..." and the earlier reports of a folder. It loads and
exports reports in workers; it asks its host to open files (``open_paths_requested``) and to
restore (``restore_requested``) instead of doing either itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gui.messages import error_text, human_seconds
from gui.wizard.common import remember, remembered, reveal
from gui.wizard.report_model import KindFilter, reason_text, report_model, totals_lines
from gui.workers import submit

STATUSES = ("converted", "skipped", "failed", "pending")
EXPORTS = {"JSON": ("json", "*.json"), "Markdown": ("md", "*.md"), "HTML": ("html", "*.html")}


class ReportView(QWidget):
    """Totals, a status filter, a text filter, the table and per-file actions."""

    open_paths_requested = Signal(list)
    restore_requested = Signal(str)  # a report file or a folder

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report: Any = None
        self.report_path: Path | None = None
        self.model = report_model(self)
        self.proxy = KindFilter(self)
        self.proxy.setSourceModel(self.model)
        self._title = QLabel(self)
        self._title.setObjectName("reportTitle")
        self._title.setWordWrap(True)
        self._title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._totals: dict[str, QLabel] = {}
        self._status = QComboBox(self)
        self._filter = QLineEdit(self)
        self.table = QTableView(self)
        self._detail = QLabel(self)
        self.buttons: dict[str, QPushButton] = {}
        self.message = QLabel(self)
        self._build()

    # ---- layout -----------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self._title)
        layout.addWidget(self._totals_frame())
        layout.addLayout(self._filter_row())
        self._setup_table()
        layout.addWidget(self.table, 1)
        self._detail.setWordWrap(True)
        self._detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._detail.setObjectName("reportDetail")
        layout.addWidget(self._detail)
        layout.addLayout(self._button_row())
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self._update_buttons()

    def _totals_frame(self) -> QFrame:
        frame = QFrame(self)
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(frame)
        for i, (name, _) in enumerate(totals_lines({})):
            caption = QLabel(name, frame)
            caption.setStyleSheet("color: #5a6b7d;")
            value = QLabel("\u2014", frame)
            value.setStyleSheet("font-size: 15px; font-weight: 600;")
            grid.addWidget(caption, 0, i)
            grid.addWidget(value, 1, i)
            self._totals[name] = value
        return frame

    def _filter_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel("Show:", self))
        self._status.addItem("All files", None)
        for status in STATUSES:
            self._status.addItem(status.capitalize(), status)
        self._status.currentIndexChanged.connect(
            lambda: self.proxy.set_kind(self._status.currentData()))
        row.addWidget(self._status)
        self._filter.setPlaceholderText("Filter by file name or reason  (Ctrl+F)")
        self._filter.setClearButtonEnabled(True)
        self._filter.textChanged.connect(self.proxy.set_text)
        find = QAction(self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self._filter.setFocus)
        self.addAction(find)
        row.addWidget(self._filter, 1)
        return row

    def _setup_table(self) -> None:
        table = self.table
        table.setModel(self.proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setAlternatingRowColors(True)
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        table.selectionModel().currentRowChanged.connect(lambda *_: self._show_current())
        table.doubleClicked.connect(lambda *_: self.open_converted())

    def _button_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        specs = [
            ("open", "Open in Loupe", self.open_converted, "Ctrl+Return"),
            ("original", "Reveal original", self.reveal_original, None),
            ("backup", "Reveal backup", self.reveal_backup, None),
        ]
        for key, text, slot, shortcut in specs:
            button = QPushButton(text, self)
            button.clicked.connect(slot)
            if shortcut:
                button.setShortcut(QKeySequence(shortcut))
                button.setToolTip(f"{text} ({shortcut})")
            row.addWidget(button)
            self.buttons[key] = button
        row.addStretch(1)
        export = QPushButton("Export report", self)
        menu = QMenu(export)
        for label in EXPORTS:
            menu.addAction(label, lambda fmt=label: self.ask_export(fmt))
        export.setMenu(menu)
        self.buttons["export"] = export
        restore = QPushButton("Restore originals...", self)
        restore.clicked.connect(self._request_restore)
        self.buttons["restore"] = restore
        row.addWidget(export)
        row.addWidget(restore)
        return row

    # ---- content ----------------------------------------------------------------------------
    def set_report(self, report: Any, path: Path | None = None) -> None:
        """Show ``report`` (a ``MigrationReport``); ``path`` is where it was loaded from."""
        self.report, self.report_path = report, Path(path) if path else None
        self.model.set_rows(report.items, report.root)
        totals = report.totals()
        for name, value in totals_lines(totals):
            self._totals[name].setText(value)
        self._fill_status_counts(totals)
        self._title.setText(self._title_text(report, totals))
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(1, min(self.table.columnWidth(1), 420))
        self.proxy.sort(0, Qt.SortOrder.AscendingOrder)
        self._show_current()

    def _title_text(self, report: Any, totals: dict[str, Any]) -> str:
        where = f"<b>{report.root}</b>"
        if getattr(report, "cancelled", False):
            return (f"Conversion of {where} was <b>stopped</b> with {totals.get('pending', 0)} "
                    "files left. Open the wizard on this folder again and choose Resume "
                    "(or run <code>loupe convert FOLDER --resume</code>).")
        failed = totals.get("failed", 0)
        tail = f"; {failed} files could not be converted and were left untouched" if failed else ""
        return f"Conversion of {where} finished in {human_seconds(totals.get('seconds'))}{tail}."

    def _fill_status_counts(self, totals: dict[str, Any]) -> None:
        total = sum(int(totals.get(s, 0) or 0) for s in STATUSES)
        self._status.setItemText(0, f"All files ({total})")
        for i, status in enumerate(STATUSES, start=1):
            self._status.setItemText(i, f"{status.capitalize()} ({totals.get(status, 0)})")

    def set_status_filter(self, status: str | None) -> None:
        """Show only rows of ``status`` (None: all)."""
        self._status.setCurrentIndex(self._status.findData(status))

    def current_item(self) -> Any:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_item(self.proxy.mapToSource(index).row())

    def _show_current(self) -> None:
        item = self.current_item()
        self._update_buttons()
        if item is None:
            self._detail.setText("Select a file to see where its original and backup are.")
            return
        lines = [f"<b>{item.path}</b> \u2014 {item.status}"]
        if item.target:
            lines.append(f"Converted file: {item.target} ({item.target_format})")
        if item.backup:
            lines.append(f"Backup of the original: {item.backup}")
        reason = reason_text(item)
        if reason:
            lines.append(f"Reason: {reason}")
        self._detail.setText("<br>".join(lines))

    def _update_buttons(self) -> None:
        item = self.current_item()
        self.buttons["open"].setEnabled(bool(item and item.target and item.status == "converted"))
        self.buttons["original"].setEnabled(item is not None)
        self.buttons["backup"].setEnabled(bool(item and item.backup))
        self.buttons["export"].setEnabled(self.report is not None)
        self.buttons["restore"].setEnabled(self.report is not None)

    # ---- actions ----------------------------------------------------------------------------
    def open_converted(self) -> None:
        item = self.current_item()
        if item is not None and item.target and item.status == "converted":
            self.open_paths_requested.emit([str(item.target)])

    def reveal_original(self) -> None:
        item = self.current_item()
        if item is not None:
            reveal(item.path)

    def reveal_backup(self) -> None:
        item = self.current_item()
        if item is not None and item.backup:
            reveal(item.backup)

    def _request_restore(self) -> None:
        if self.report is not None:
            source = self.report_path or self.report.root
            self.restore_requested.emit(str(source))

    def ask_export(self, label: str) -> None:
        """Ask where to write the report as ``label`` (JSON, Markdown or HTML), then write it."""
        suffix, pattern = EXPORTS[label]
        start = Path(remembered("export_dir", str(self.report.root)))
        name = f"loupe-report.{suffix}"
        path, _ = QFileDialog.getSaveFileName(self, f"Export report as {label}",
                                              str(start / name), f"{label} ({pattern})")
        if path:
            remember("export_dir", str(Path(path).parent))
            self.export(Path(path), suffix)

    def export(self, path: Path, suffix: str) -> None:
        """Write the report to ``path`` as ``json``, ``md`` or ``html``, in a worker."""
        self.message.setText(f"Writing {path}...")
        # Bound methods, not lambdas: Qt drops the answer if this view was closed meanwhile.
        submit(write_report, self.report, path, suffix, on_done=self._exported,
               on_error=self._export_failed)

    def _exported(self, path: Path) -> None:
        self.message.setText(f"Report written to {path}")

    def _export_failed(self, exc: BaseException) -> None:
        self.message.setText(f"Could not write the report: {error_text(exc)}")


def write_report(report: Any, path: Path, suffix: str) -> Path:
    """Write ``report`` as ``json``, ``md`` or ``html`` at exactly ``path`` (atomically)."""
    return report.save(path, formats=(suffix,))[0]


def load_report(path: Path) -> Any:
    from storage import MigrationReport

    return MigrationReport.load(path)


class ReportDialog(QDialog):
    """The report view on its own: open a report file, or pick one of a folder's reports."""

    def __init__(self, parent: QWidget | None = None, folder: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Conversion report")
        self.resize(1200, 760)
        self.view = ReportView(self)
        self._loading: Path | None = None
        self._earlier = QComboBox(self)
        self._earlier.setMinimumContentsLength(30)
        self._earlier.activated.connect(lambda _i: self._load(self._earlier.currentData()))
        open_button = QPushButton("Open report...", self)
        open_button.setShortcut(QKeySequence.StandardKey.Open)
        open_button.clicked.connect(self.ask_open)
        top = QHBoxLayout()
        top.addWidget(QLabel("Earlier reports:", self))
        top.addWidget(self._earlier, 1)
        top.addWidget(open_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        if folder is not None:
            self.list_folder(Path(folder))

    def list_folder(self, folder: Path) -> None:
        """Fill "Earlier reports" with the folder's reports (newest first) and show the newest."""
        from storage import list_reports

        submit(list_reports, folder, on_done=self._fill_earlier, on_error=self._load_failed)

    def _fill_earlier(self, paths: list[Path]) -> None:
        self._earlier.clear()
        for path in paths:
            self._earlier.addItem(Path(path).name, str(path))
        if paths:
            self._load(str(paths[0]))
        else:
            self.view.message.setText("This folder has no conversion reports yet.")

    def ask_open(self) -> None:
        start = remembered("report_dir", str(Path.home()))
        path, _ = QFileDialog.getOpenFileName(self, "Open conversion report", start,
                                              "Loupe reports (loupe-report-*.json *.json)")
        if path:
            remember("report_dir", str(Path(path).parent))
            self._load(path)

    def _load(self, path: str | None) -> None:
        if not path:
            return
        self._loading = Path(path)
        self.view.message.setText(f"Reading {path}...")
        submit(load_report, self._loading, on_done=self._loaded, on_error=self._load_failed)

    def _loaded(self, report: Any) -> None:
        path = Path(report.saved_to[0]) if getattr(report, "saved_to", None) else self._loading
        self.view.set_report(report, path)
        self.view.message.setText(f"Report {path}")

    def _load_failed(self, exc: BaseException) -> None:
        where = f" {self._loading}" if self._loading else ""
        self.view.message.setText(f"Could not read{where}: {error_text(exc)}")
