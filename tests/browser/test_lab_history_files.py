"""A lab's own ``.json.zst`` histories open like any results file (one format registry):
in the node layer (the Files tab), in ``loupe inspect`` and through the facade."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gui.cli import main
from storage import (
    CorruptFileError,
    DLFriendlyStorage,
    TimeSeriesConfig,
    TimeSeriesStorage,
    detect_format,
    open_source,
)


@pytest.fixture
def history(tmp_path):
    ts = TimeSeriesStorage(TimeSeriesConfig(tmp_path / "lab" / "timeseries", use_hdf5=False))
    loss = np.array([2.0, 1.0, np.nan, 0.5])
    path = ts.write_history("h001_mlp_s0", {"loss": loss}, attrs={"architecture": "mlp"})
    assert path.name.endswith(".json.zst")
    return path, loss


def test_history_opens_in_the_node_layer(history) -> None:
    path, loss = history
    with open_source(path) as src:
        names = {n.name: n for n in src.list_children("/series")}
        data = src.read("/series/loss").data
        root = {n.name for n in src.list_children("/")}
    assert {"loupe_timeseries", "experiment_id", "attrs", "series"} <= root
    assert names["loss"].shape == (4,) and names["loss"].dtype == "float64"
    np.testing.assert_array_equal(data, loss)  # NaN survives


def test_history_in_loupe_inspect(history, capsys) -> None:
    path, _ = history
    assert main(["inspect", "--json", str(path)]) == 0
    nodes = {n["path"]: n for n in json.loads(capsys.readouterr().out)["nodes"]}
    assert nodes["/series/loss"]["shape"] == [4]


def test_history_through_the_facade(history) -> None:
    path, loss = history
    assert detect_format(path) == "zstd_json"
    doc = DLFriendlyStorage().load_from_file(path)
    np.testing.assert_array_equal(doc["series"]["loss"], loss)


def test_damaged_zstd_frame_is_a_typed_error(tmp_path) -> None:
    path = tmp_path / "h.json.zst"
    path.write_bytes(b"\x28\xb5\x2f\xfd" + b"\x00garbage" * 4)
    with pytest.raises(CorruptFileError, match="damaged zstd data"):
        open_source(path)


def test_history_opens_in_the_files_tab(qtbot, history) -> None:
    from browser.gui_helpers import wait_idle

    from gui.browser.panel import BrowserPanel

    path, loss = history
    panel = BrowserPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.open_paths([str(path)])
    wait_idle(qtbot, panel)
    panel.show_target("/series/loss")
    wait_idle(qtbot, panel)
    assert panel.model.node(panel.tree.currentIndex()).path == "/series/loss"
    assert panel.viewer.current_view().title == "Curve"
    np.testing.assert_array_equal(panel.viewer.current_view().shown_data(), loss)
