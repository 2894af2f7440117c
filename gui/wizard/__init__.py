"""The conversion wizard and the restore dialog (Tools menu)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def open_convert_wizard(parent: QWidget, folder: str | None = None) -> None:
    QMessageBox.information(parent, "Convert", "The conversion wizard is not available yet.")


def open_restore_dialog(parent: QWidget) -> None:
    QMessageBox.information(parent, "Restore", "Restore is not available yet.")
