"""Helpers of the experiments GUI tests (a module of its own: ``conftest`` is the shared one)."""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np


def write_series(path: Path, loss, *, steps=None, extra: dict | None = None) -> Path:
    """One time-series file in the layout of the experiments API, written with h5py."""
    with h5py.File(path, "w", libver="latest") as f:
        f.attrs["loupe_timeseries"] = 1
        f.attrs["experiment_id"] = path.stem
        f.create_dataset("loss", data=np.asarray(loss, dtype=np.float64), maxshape=(None,),
                         chunks=True, compression="gzip")
        if steps is not None:
            f.create_dataset("step", data=np.asarray(steps, dtype=np.int64), maxshape=(None,))
        for name, values in (extra or {}).items():
            f.create_dataset(name, data=np.asarray(values, dtype=np.float64), maxshape=(None,))
    return path


def writer_env() -> dict[str, str]:
    """Environment of a writer subprocess: this source tree importable, no display needed.

    (Not taken from the top conftest: ``import conftest`` can resolve to another folder's.)
    """
    import os

    repo = Path(__file__).resolve().parents[2]
    env = dict(os.environ)
    env["PYTHONPATH"] = str(repo) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def wait_drawn(qtbot, panel, action, timeout: int = 20000) -> None:
    """Run ``action`` and wait for the plot's next draw with nothing left in flight."""
    with qtbot.waitSignal(panel.drawn, timeout=timeout):
        action()
    qtbot.waitUntil(lambda: not panel.is_busy(), timeout=timeout)


def run_refs(folder: Path, names: str = "abcd") -> list:
    """Refs of the ``series_dir`` runs: a, b resnet and c, d vit, seeds 0 and 1 of each."""
    from gui.plots.series_data import FileSource, RunRef

    meta = {"a": ("resnet", 0), "b": ("resnet", 1), "c": ("vit", 0), "d": ("vit", 1)}
    return [RunRef(n, FileSource(folder / f"{n}.h5"),
                   metadata={"architecture": meta[n][0], "lr": 1e-3, "seed": meta[n][1]})
            for n in names]


def shown_plot_panel(qtbot, folder: Path):
    """A plot panel shown with the ``series_dir`` runs drawn."""
    from support import show_widget

    from gui.plots.plot_panel import PlotPanel

    panel = show_widget(qtbot, PlotPanel(), 1100, 650)
    wait_drawn(qtbot, panel, lambda: panel.set_runs(run_refs(folder)))
    return panel


HYPOTHESES = {
    "h001": ("Cosine learning-rate decay beats step decay for ResNet-50 on CIFAR-100",
             [("resnet50", 3e-4, 0, "done", 0.91), ("resnet50", 3e-4, 1, "done", 0.915),
              ("resnet50", 1e-2, 0, "diverged", 0.1)]),
    "h002": ("A vision transformer with strong augmentation shows a long plateau around epoch 30",
             [("vit", 1e-3, 0, "done", 0.88), ("vit", 1e-3, 1, "done", 0.885),
              ("vit", 1e-4, 0, "running", 0.5)]),
    "h003": ("Small MLP baseline on tabular credit data", [("mlp", 1e-3, 0, "done", 0.7)]),
}


def make_lab(folder: Path, epochs: int = 40) -> Path:
    """A small lab in the NAL layout: 3 hypotheses, 7 runs, HDF5 histories (one inline)."""
    import json

    from storage import TimeSeriesConfig, TimeSeriesStorage

    (folder / "results").mkdir(parents=True, exist_ok=True)
    ts = TimeSeriesStorage(TimeSeriesConfig(folder / "timeseries"))
    rng = np.random.default_rng(5)
    for hyp, (claim, runs) in HYPOTHESES.items():
        entries = []
        for arch, lr, seed, status, acc in runs:
            run_id = f"{hyp}_{arch}_lr{lr:g}_s{seed}"
            t = np.arange(epochs)
            loss = 2.0 * np.exp(-t / (8 + 4 * seed)) + 0.1 + rng.normal(0, 0.01, epochs)
            if status == "diverged":
                loss[25:] = np.nan
            accuracy = acc * (1 - np.exp(-t / 6))
            entry = {"run_id": run_id, "architecture": arch, "status": status,
                     "config": {"lr": lr, "seed": seed, "epochs": epochs, "optimizer": "adamw"},
                     "metrics": {"accuracy": acc, "loss": float(np.nan_to_num(loss[-1], nan=9))},
                     "notes": f"{arch} run with seed {seed}"}
            if arch == "mlp":
                entry["history"] = {"loss": loss[:8].tolist(), "accuracy": accuracy[:8].tolist()}
            else:
                ts.write_history(run_id, {"loss": loss, "accuracy": accuracy},
                                 steps=t * 100)
                entry["timeseries"] = f"timeseries/{run_id}.h5"
            entries.append(entry)
        doc = {"hypothesis_id": hyp, "hypothesis": claim, "dataset": "cifar100", "runs": entries}
        (folder / "results" / f"{hyp}_results.json").write_text(json.dumps(doc), "utf-8")
    return folder
