"""File > Open URL...: an HSDS domain or an object in S3, GCS, Azure or on HTTP.

The dialog checks the URL as it is typed, offers the recent URLs, and keeps the remote
preferences (S3-compatible endpoint, timeout, read budget). Secrets are never stored: recent
URLs are remembered without user, password or signed query, and credentials stay where each
library looks for them (HS_* or ~/.hscfg, AWS_* or ~/.aws/credentials...).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gui import settings as loupe_settings
from storage import RemoteOptions, is_remote_url, parse_url, redact, set_default_remote_options

RECENT_KEY = "recent/urls"
HELP = (
    "<b>HSDS</b>: <code>hsds://HOST:PORT/home/user/run.h5</code> (<code>hsdss://</code> for "
    "https; <code>hsds:///home/...</code> uses HS_ENDPOINT). Credentials: HS_USERNAME and "
    "HS_PASSWORD, or ~/.hscfg.<br><b>Object stores</b>: <code>s3://bucket/key.h5</code>, "
    "<code>https://...</code>, <code>gs://</code>, <code>az://</code>. Credentials: the store's "
    "usual variables and files (AWS_ACCESS_KEY_ID, AWS_PROFILE, ~/.aws/credentials...).<br>"
    "Loupe never stores credentials; files are read in pieces, never downloaded whole."
)


def remote_options() -> RemoteOptions:
    """The remote preferences as remembered in the settings."""
    store = loupe_settings.settings()
    return RemoteOptions(
        timeout=float(store.value("remote/timeout", 20.0)),
        endpoint_url=str(store.value("remote/s3_endpoint", "") or ""),
        read_budget=int(float(store.value("remote/read_budget_mb", 256))) * 1024 * 1024,
    )


def prepare_location(location: str) -> str:
    """Before opening ``location``: apply the remote preferences; return what to remember.

    For a URL that is its form without secrets (also added to the recent URLs); a path is
    returned as it is.
    """
    if not is_remote_url(location):
        return location
    set_default_remote_options(remote_options())
    shown = redact(location)
    loupe_settings.add_recent(shown, key=RECENT_KEY)
    return shown


class OpenUrlDialog(QDialog):
    """Ask for a URL; :meth:`url` is what the user accepted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open URL")
        self.setMinimumWidth(640)
        self.combo = QComboBox(self)
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.addItems(loupe_settings.recent_items(RECENT_KEY))
        self.combo.setCurrentText("")
        self.combo.lineEdit().setPlaceholderText("hsds://host:5101/home/me/run.h5 or "
                                                 "s3://bucket/run.h5")
        self.combo.lineEdit().setClearButtonEnabled(True)
        self.state = QLabel(self)
        self.state.setObjectName("urlState")
        help_label = QLabel(HELP, self)
        help_label.setWordWrap(True)
        help_label.setTextFormat(Qt.TextFormat.RichText)
        self.endpoint, self.timeout, self.budget = self._preference_fields()
        form = QFormLayout()
        form.addRow("&URL:", self.combo)
        form.addRow("", self.state)
        form.addRow("S3 &endpoint:", self.endpoint)
        form.addRow("&Timeout:", self.timeout)
        form.addRow("Read &budget:", self.budget)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(help_label)
        layout.addWidget(self.buttons)
        self.combo.editTextChanged.connect(self._check)
        self._check(self.combo.currentText())

    def _preference_fields(self) -> tuple[QLineEdit, QDoubleSpinBox, QSpinBox]:
        options = remote_options()
        endpoint = QLineEdit(options.endpoint_url, self)
        endpoint.setPlaceholderText("AWS_ENDPOINT_URL, else AWS (e.g. http://127.0.0.1:9000 "
                                    "for MinIO)")
        timeout = QDoubleSpinBox(self)
        timeout.setRange(1.0, 600.0)
        timeout.setSuffix(" s")
        timeout.setValue(options.timeout)
        budget = QSpinBox(self)
        budget.setRange(1, 1_000_000)
        budget.setSuffix(" MiB (a bigger read asks first)")
        budget.setValue(max(1, options.read_budget // (1024 * 1024)))
        return endpoint, timeout, budget

    def _check(self, text: str) -> None:
        ok, message = True, ""
        try:
            url = parse_url(text) if text.strip() else None
        except Exception as exc:  # UnsupportedFormatError: say why, keep Open disabled
            ok, message = False, str(exc)
        else:
            if url is None:
                ok = False
            elif url.kind == "hsds":
                where = url.endpoint or "the endpoint in HS_ENDPOINT or ~/.hscfg"
                message = f"HSDS domain {url.path} on {where}"
            else:
                message = f"{url.scheme}:// object, read in pieces through fsspec"
        self.state.setText(message)
        self.buttons.button(QDialogButtonBox.StandardButton.Open).setEnabled(ok)

    def url(self) -> str:
        return self.combo.currentText().strip()

    def accept(self) -> None:
        store = loupe_settings.settings()
        store.setValue("remote/s3_endpoint", self.endpoint.text().strip())
        store.setValue("remote/timeout", self.timeout.value())
        store.setValue("remote/read_budget_mb", self.budget.value())
        super().accept()


def ask_url(parent: QWidget | None = None) -> str | None:
    """Show the dialog; the URL to open, or None when cancelled."""
    dialog = OpenUrlDialog(parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.url() or None
