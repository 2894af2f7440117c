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
