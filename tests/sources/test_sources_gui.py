"""TensorBoard runs and MLflow runs plotted together in the real plot panel (offscreen Qt)."""

from __future__ import annotations

import numpy as np
from experiments_gui.expgui_helpers import wait_drawn

from gui.plots.plot_panel import PlotPanel
from gui.plots.series_data import LabSource, RunRef
from storage import Lab

from .writers import (
    isolated_cache,  # noqa: F401 - autouse
    write_mlflow_store,
    write_tensorboard_run,
)


def test_tensorboard_and_mlflow_side_by_side(qtbot, tmp_path) -> None:
    root = tmp_path / "project"
    write_tensorboard_run(root / "tb" / "run_a", steps=40)
    write_mlflow_store((root / "mlruns").as_uri(), runs=1, steps=20)
    lab = Lab(root)
    assert lab.reindex().indexed == 2
    hits = lab.search(limit=10)
    panel = PlotPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 600)
    panel.show()
    refs = [RunRef(h.id, LabSource(lab, h.id), metadata=h.metadata) for h in hits]
    wait_drawn(qtbot, panel, lambda: panel.set_runs(refs))
    assert {"train/loss", "loss", "accuracy"} <= set(panel.metrics)
    tb_run = next(h.id for h in hits if h.id.startswith("tb:"))
    ml_run = next(h.id for h in hits if h.id.startswith("mlflow:"))
    assert panel.options.metric == "loss"
    _, y = panel.drawer.item(ml_run, "main").getOriginalDataset()
    assert len(y) == 20 and np.isclose(y[0], 1.0)
    wait_drawn(qtbot, panel, lambda: panel.controls.metric.setCurrentText("train/loss"))
    x, y = panel.drawer.item(tb_run, "main").getOriginalDataset()
    assert len(y) == 40 and np.isclose(y[-1], 1 / 40)


def test_recorded_mlflow_store_opens_and_plots(qtbot, tmp_path) -> None:
    """A lab folder holding only a recorded URI (`loupe index DIR --mlflow URI`) is a lab for
    the window (File > Open Lab, `loupe --lab DIR`), and its runs plot."""
    from gui.main_window import _is_lab
    from storage import remember_mlflow_uri

    uri = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    write_mlflow_store(uri, runs=1, steps=15)
    lab_dir = tmp_path / "lab"
    lab_dir.mkdir()
    remember_mlflow_uri(lab_dir, uri)
    assert _is_lab(str(lab_dir))
    lab = Lab(lab_dir)
    assert lab.reindex().indexed == 1
    hit = lab.search(limit=5)[0]
    panel = PlotPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 600)
    panel.show()
    wait_drawn(qtbot, panel, lambda: panel.set_runs(
        [RunRef(hit.id, LabSource(lab, hit.id), metadata=hit.metadata)]))
    _, y = panel.drawer.item(hit.id, "main").getOriginalDataset()
    assert len(y) == 15
