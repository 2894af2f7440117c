"""Search settings: the lab folder and, for a shared team index, the Chroma server.

With no host the index is embedded in the lab (``LAB/.loupe/index``). Values are remembered in
QSettings under ``experiments/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from gui import settings as loupe_settings

DEFAULT_PORT = 8000


@dataclass
class SearchSettings:
    lab: str = ""
    host: str = ""
    port: int = DEFAULT_PORT
    timeout_s: float = 5.0

    @property
    def uses_server(self) -> bool:
        return bool(self.host.strip())

    def chroma_config(self):
        """A ``storage.ChromaConfig`` for the server, or None for the lab's embedded index."""
        if not self.uses_server:
            return None
        from storage import ChromaConfig

        return ChromaConfig(persist_directory=None, host=self.host.strip(), port=self.port,
                            timeout_s=self.timeout_s)


def load() -> SearchSettings:
    s = loupe_settings.settings()
    return SearchSettings(lab=str(s.value("experiments/lab", "") or ""),
                          host=str(s.value("experiments/chroma_host", "") or ""),
                          port=int(s.value("experiments/chroma_port", DEFAULT_PORT)),
                          timeout_s=float(s.value("experiments/chroma_timeout_s", 5.0)))


def save(values: SearchSettings) -> None:
    s = loupe_settings.settings()
    s.setValue("experiments/lab", values.lab)
    s.setValue("experiments/chroma_host", values.host.strip())
    s.setValue("experiments/chroma_port", int(values.port))
    s.setValue("experiments/chroma_timeout_s", float(values.timeout_s))


class SettingsDialog(QDialog):
    """Edit :class:`SearchSettings`; ``values()`` after ``exec()`` returns Accepted."""

    def __init__(self, values: SearchSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Search settings")
        self.lab = QLineEdit(values.lab, self)
        browse = QPushButton("Browse...", self)
        browse.clicked.connect(self._browse)
        lab_row = QHBoxLayout()
        lab_row.addWidget(self.lab, 1)
        lab_row.addWidget(browse)
        self.host = QLineEdit(values.host, self, placeholderText="empty: the lab's own index")
        self.port = QSpinBox(self, minimum=1, maximum=65535, value=values.port)
        self.timeout = QDoubleSpinBox(self, minimum=0.5, maximum=120.0, value=values.timeout_s,
                                      suffix=" s")
        form = QFormLayout(self)
        form.addRow("Lab folder", lab_row)
        form.addRow(QLabel("<b>Shared index (Chroma server)</b>", self))
        form.addRow("Host", self.host)
        form.addRow("Port", self.port)
        form.addRow("Timeout", self.timeout)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _browse(self) -> None:
        start = self.lab.text() or str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, "Lab folder", start)
        if folder:
            self.lab.setText(folder)

    def values(self) -> SearchSettings:
        return SearchSettings(lab=self.lab.text().strip(), host=self.host.text().strip(),
                              port=self.port.value(), timeout_s=self.timeout.value())
