"""Step 2: target format, arrays, backups and workers, each explained in one line, remembered."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from gui.wizard.common import hint, remember, remembered

FORMATS = [
    ("auto", "Automatic",
     "Loupe picks per file: HDF5 when its arrays pass 100 MB, compressed when it has arrays, "
     "else plain JSON."),
    ("json", "DL-friendly JSON",
     "Plain JSON any tool can read; arrays keep their exact dtype and shape."),
    ("compressed", "Compressed DL-friendly JSON",
     "The same document, zstd/zlib-compressed inside one JSON object: much smaller files."),
    ("hdf5", "HDF5",
     "Written beside the original as NAME.h5; opens in Loupe's browser and in h5py."),
]


class OptionsPage(QWizardPage):
    """The conversion options; ``values()`` gives them as MigrationOptions keywords."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setTitle("Options")
        self.setSubTitle("How to convert. Your choices are remembered for the next time.")
        self.format_combo = QComboBox(self)
        self.format_hint = hint("")
        self.arrays = QCheckBox("Turn lists of numbers into arrays", self)
        self.min_len = QSpinBox(self)
        self.backup_beside = QRadioButton("Beside each file, as NAME.backup", self)
        self.backup_folder = QRadioButton("In this folder:", self)
        self.backup_dir_edit = QLineEdit(self)
        self.workers = QSpinBox(self)
        self._build()
        self._load_choices()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        fmt = self._group(layout, "Target format")
        for key, label, _ in FORMATS:
            self.format_combo.addItem(label, key)
        self.format_combo.currentIndexChanged.connect(self._format_changed)
        fmt.addRow("Write as:", _compact(self.format_combo))
        fmt.addRow(self.format_hint)
        arrays = self._group(layout, "Arrays")
        arrays.addRow(self.arrays)
        self.min_len.setRange(1, 1_000_000)
        self.min_len.setSuffix(" numbers or more")
        arrays.addRow("From length:", _compact(self.min_len))
        arrays.addRow(hint("Per-epoch histories become real numpy arrays (exact dtype); "
                           "shorter lists and everything else keep their value and type."))
        self.arrays.toggled.connect(self.min_len.setEnabled)
        self._build_backup(self._group(layout, "Backups"))
        speed = self._group(layout, "Speed")
        self.workers.setRange(1, max(1, os.cpu_count() or 1) * 2)
        speed.addRow("Workers:", _compact(self.workers))
        speed.addRow(hint("Files converted at the same time, each in its own process; one per "
                          "CPU core is fastest."))
        layout.addStretch(1)

    def _group(self, layout: QVBoxLayout, title: str) -> QFormLayout:
        box = QGroupBox(title, self)
        form = QFormLayout(box)
        form.setVerticalSpacing(4)
        layout.addWidget(box)
        return form

    def _build_backup(self, form: QFormLayout) -> None:
        group = QButtonGroup(self)
        group.addButton(self.backup_beside)
        group.addButton(self.backup_folder)
        browse = QPushButton("Browse...", self)
        browse.clicked.connect(self._browse_backup)
        row = QHBoxLayout()
        row.addWidget(self.backup_folder)
        row.addWidget(self.backup_dir_edit, 1)
        row.addWidget(browse)
        form.addRow(self.backup_beside)
        form.addRow(row)
        form.addRow(hint("Every original is copied before it is touched and never overwritten; "
                         "Restore puts it back byte for byte."))
        self.backup_folder.toggled.connect(self.backup_dir_edit.setEnabled)
        self.backup_dir_edit.textChanged.connect(self.completeChanged)
        self.backup_folder.toggled.connect(self.completeChanged)

    def _load_choices(self) -> None:
        index = self.format_combo.findData(remembered("format", "auto"))
        self.format_combo.setCurrentIndex(max(index, 0))
        self._format_changed()
        self.arrays.setChecked(remembered("arrays", True))
        self.min_len.setValue(remembered("min_array_len", 8))
        self.min_len.setEnabled(self.arrays.isChecked())
        backup_dir = remembered("backup_dir", "")
        self.backup_dir_edit.setText(backup_dir)
        use_folder = remembered("backup_in_folder", False)
        (self.backup_folder if use_folder else self.backup_beside).setChecked(True)
        self.backup_dir_edit.setEnabled(use_folder)
        self.workers.setValue(remembered("workers", min(2, os.cpu_count() or 1)))

    def _format_changed(self) -> None:
        key = self.format_combo.currentData()
        self.format_hint.setText(next(text for k, _, text in FORMATS if k == key))

    def _browse_backup(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for backups",
                                                  self.backup_dir_edit.text() or str(Path.home()))
        if folder:
            self.backup_dir_edit.setText(folder)
            self.backup_folder.setChecked(True)

    def backup_dir(self) -> Path | None:
        text = self.backup_dir_edit.text().strip()
        return Path(text).expanduser() if self.backup_folder.isChecked() and text else None

    def values(self) -> dict[str, Any]:
        """The chosen options as keywords of ``MigrationOptions``."""
        return {
            "format": self.format_combo.currentData(),
            "arrays": self.arrays.isChecked(),
            "min_array_len": self.min_len.value(),
            "backup_dir": self.backup_dir(),
            "workers": self.workers.value(),
        }

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        return not self.backup_folder.isChecked() or bool(self.backup_dir_edit.text().strip())

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        remember("format", self.format_combo.currentData())
        remember("arrays", self.arrays.isChecked())
        remember("min_array_len", self.min_len.value())
        remember("backup_in_folder", self.backup_folder.isChecked())
        remember("backup_dir", self.backup_dir_edit.text().strip())
        remember("workers", self.workers.value())
        return True



def _compact(widget: QWidget) -> QHBoxLayout:
    """``widget`` at its natural width, the rest of the row left empty."""
    widget.setMinimumWidth(260)
    row = QHBoxLayout()
    row.addWidget(widget)
    row.addStretch(1)
    return row
