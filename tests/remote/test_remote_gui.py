"""The window on remote data with pytest-qt: Open URL, browse HSDS and S3, a server that stops."""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import pytest
from browser.gui_helpers import expand_all, select, wait_idle
from PySide6.QtWidgets import QDialogButtonBox
from remote.servers import HsdsServer
from support import show_widget

from gui import settings as loupe_settings
from gui.browser.failed_source import FailedSource
from gui.browser.open_url_dialog import RECENT_KEY, OpenUrlDialog, prepare_location
from gui.main_window import MainWindow

pytestmark = [pytest.mark.server, pytest.mark.usefixtures("remote_env")]


@pytest.fixture()
def window(qtbot):
    win = show_widget(qtbot, MainWindow())
    yield win
    for source in win.browser.model.sources():  # remote connections end with the test
        source.close()


def _names(model, index) -> list[str]:
    return sorted(model.node(model.index(r, 0, index)).name for r in range(model.rowCount(index)))


def _top(window, location: str):
    model = window.browser.model
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        if model.item(index).source.location == location:
            return index
    raise AssertionError(f"{location} not in the tree")


@pytest.mark.parametrize("server", ["hsds", "s3"])
def test_browse_remote_file_in_the_window(qtbot, window, server, request) -> None:
    url = request.getfixturevalue(server).urls["run"]
    window.open_paths([url])
    wait_idle(qtbot, window.browser)
    model = window.browser.model
    top = _top(window, url)
    assert model.node(top).name == "run.h5" and not model.node(top).error
    indexes = expand_all(qtbot, window.browser, top)
    paths = {model.node(i).path for i in indexes}
    assert {"/metrics/loss", "/layers/w0019", "/images/sample"} <= paths
    loss = next(i for i in indexes if model.node(i).path == "/metrics/loss")
    select(qtbot, window.browser, loss)
    assert model.node(loss).shape == (1000,) and not model.node(loss).error
    assert url in loupe_settings.recent_items(RECENT_KEY)


def test_open_url_dialog_checks_and_remembers(qtbot) -> None:
    dialog = OpenUrlDialog()
    qtbot.addWidget(dialog)
    open_button = dialog.buttons.button(QDialogButtonBox.StandardButton.Open)
    dialog.combo.setEditText("ftp://example.org/run.h5")
    assert not open_button.isEnabled() and "not a URL Loupe can open" in dialog.state.text()
    dialog.combo.setEditText("hsds://127.0.0.1:5101/home/admin/run.h5")
    assert open_button.isEnabled() and "/home/admin/run.h5" in dialog.state.text()
    dialog.endpoint.setText("http://127.0.0.1:9000")
    dialog.timeout.setValue(7)
    dialog.accept()
    assert dialog.url() == "hsds://127.0.0.1:5101/home/admin/run.h5"
    assert loupe_settings.settings().value("remote/s3_endpoint") == "http://127.0.0.1:9000"
    # a URL with a password or a signed query is remembered without it
    shown = prepare_location("hsds://bob:hunter2@127.0.0.1:5101/home/bob/run.h5")
    assert "hunter2" not in shown and shown in loupe_settings.recent_items(RECENT_KEY)
    store = loupe_settings.settings()
    store.setValue("remote/s3_endpoint", "")
    store.setValue("remote/timeout", 20.0)


def test_open_url_action_in_the_file_menu(window) -> None:
    file_menu = window.menuBar().actions()[0].menu()
    action = next(a for a in file_menu.actions() if a.text() == "Open &URL...")
    assert action.shortcut().toString() == "Ctrl+Shift+O"


def test_unreachable_url_is_a_marked_row(qtbot, window) -> None:
    url = "hsds://127.0.0.1:9/home/admin/run.h5"  # port 9 (discard): nothing listens
    window.open_paths([url])
    wait_idle(qtbot, window.browser)
    top = _top(window, url)
    item = window.browser.model.item(top)
    assert isinstance(item.source, FailedSource)
    assert "cannot reach the server" in item.node.error


def test_server_stopped_while_browsing(qtbot, window, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    server = HsdsServer(tmp_path / "hsds").start()
    try:
        url = server.upload_run(tmp_path)
        for key, value in server.env().items():
            monkeypatch.setenv(key, value)
        window.open_paths([url])
        wait_idle(qtbot, window.browser)
        model, tree = window.browser.model, window.browser.tree
        top = _top(window, url)
        assert _names(model, top) == ["images", "latest", "layers", "metrics"]
        server.stop()
        layers = next(model.index(r, 0, top) for r in range(model.rowCount(top))
                      if model.node(model.index(r, 0, top)).name == "layers")
        tree.expand(layers)
        wait_idle(qtbot, window.browser)
        error = model.node(layers).error
        assert "cannot list members" in error and "cannot reach the server" in error
        assert "cannot reach the server" in window.statusBar().currentMessage()
        # the rest of the app goes on: a local file opens and reads as usual
        other = tmp_path / "local.h5"
        with h5py.File(other, "w") as f:
            f["x"] = np.arange(5)
        window.open_paths([str(other)])
        wait_idle(qtbot, window.browser)
        local_top = _top(window, str(other))
        assert _names(model, local_top) == ["x"]
    finally:
        server.stop()


@pytest.mark.parametrize("agree", [True, False])
def test_big_remote_read_asks_first(qtbot, window, s3, tmp_path: Path, agree: bool,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    big = tmp_path / "big.h5"
    with h5py.File(big, "w") as f:
        f["curve"] = np.linspace(0, 1, 400_000)  # 3.2 MB over the network
    url = s3.put("runs", f"big-{agree}.h5", big)
    loupe_settings.settings().setValue("remote/read_budget_mb", 1)
    asked = []

    def answer(*args, **kwargs):
        asked.append(args[2])
        return QMessageBox.StandardButton.Yes if agree else QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", answer)
    try:
        window.open_paths([url])
        wait_idle(qtbot, window.browser)
        top = _top(window, url)
        window.browser.tree.expand(top)
        wait_idle(qtbot, window.browser)
        select(qtbot, window.browser, window.browser.model.index(0, 0, top))
        assert asked and "read budget" in asked[0]
        view = window.browser.viewer.tabs.currentWidget()
        banner = view.banner.text() if view.banner.isVisible() else ""
        if agree:
            assert "read budget" not in banner
            assert window.browser.model.item(top).source.read_budget >= 3_200_000
        else:
            assert "read budget" in banner
    finally:
        loupe_settings.settings().setValue("remote/read_budget_mb", 256)
