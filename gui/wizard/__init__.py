"""The conversion wizard, the report view and the restore dialog (Tools menu).

The main window calls :func:`open_convert_wizard` and :func:`open_restore_dialog`; the modules
behind them are imported only then, so starting Loupe does not pay for them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget


def open_convert_wizard(parent: QWidget | None, folder: str | None = None):
    """Show the conversion wizard (non-modal) on ``folder`` (or the last one) and return it.

    ``parent`` is the MainWindow: "Open in Loupe" in the report calls ``parent.open_paths``.
    """
    from gui.wizard.wizard import ConvertWizard

    wizard = ConvertWizard(parent, folder)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    wizard.show()
    return wizard


def open_restore_dialog(parent: QWidget | None, source: str | Path | None = None):
    """Show the restore dialog (non-modal) for a folder or report file and return it."""
    from gui.wizard.restore_dialog import open_restore_dialog as _open

    return _open(parent, Path(source) if source else None)


def open_report_dialog(parent: QWidget | None, folder: str | Path | None = None):
    """Show the report view standalone, with the earlier reports of ``folder``."""
    from gui.wizard.report_view import ReportDialog

    dialog = ReportDialog(parent, Path(folder) if folder else None)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if parent is not None and hasattr(parent, "open_paths"):
        dialog.view.open_paths_requested.connect(parent.open_paths)
    dialog.view.restore_requested.connect(lambda source: open_restore_dialog(dialog, source))
    dialog.show()
    return dialog
