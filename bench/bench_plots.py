"""Benchmark the training plots and search-to-plot latency.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_plots.py [--runs 10] [--points 1000000]
        [--experiments 10000] [--lab DIR]

Part 1: 10 runs of 1,000,000 points each, read from HDF5 files. Time to first draw (select to
painted frame, reading included) and per pan/zoom frame, for Loupe's plot panel (peak
downsampling + clip to view) and for a baseline: the same curves in a plain pyqtgraph plot.

Part 2: a lab of 10,000 experiments. Search to plot: a text query with a filter, the top 5 runs
selected, their curves painted. Baseline: the same search and history reads through the storage
API alone, no GUI. The 10,000 entries are embedded with the real model (about a minute or two
on a 2-core machine). The lab is cached in --lab (default: a folder in the temporary
directory) so a second run skips building it.

Part 3: every run of the demo lab (``storage.write_demo_lab``: 158 runs, 8 to 2,000 epochs,
indexed once and cached in the temporary directory) selected at once. A 5 ms watchdog timer
ticks on the GUI thread meanwhile; the row is the longest gap between its ticks from the
selection to the painted plot (issue 13: 0.5-3 s before drawing was cut into slices).
Baseline: the same curves added to a plain pyqtgraph plot in one go.

Goals (issue 6): first draw under 1 s, frames under 50 ms, search to plot under 300 ms;
(issue 13) no GUI-thread stall over 100 ms when selecting all runs.
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from _common import print_goal_rows  # noqa: E402

QUERIES = [("resnet with a plateau", "lr < 0.001"), ("vision transformer diverged", ""),
           ("cosine schedule cifar", "accuracy > 0.8"), ("small mlp baseline", ""),
           ("strong augmentation", 'status == "done"'), ("warmup helps adamw", "seed == 1")]
LAB_VERSION = 2  # 2: every entry embedded by the real model (1 reused 200 vectors with noise)


def main() -> int:
    args = _parser().parse_args()
    _isolate_settings()
    import pyqtgraph as pg

    from gui.app import make_app

    pg.setConfigOptions(antialias=True, background="w", foreground="k")
    app = make_app()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows += bench_plot(app, Path(tmp), args.runs, args.points)
    rows += bench_select_all(app, Path(tempfile.gettempdir()) / "loupe-bench-demo-lab")
    if args.skip_search:
        _print(rows)
        return 0
    lab = Path(args.lab) if args.lab else Path(tempfile.gettempdir()) / "loupe-bench-lab"
    rows += bench_search(app, lab, args.experiments)
    _print(rows)
    return 0


def _isolate_settings() -> None:
    """Default plot settings, not the ones remembered by the user's Loupe."""
    from PySide6.QtCore import QSettings

    folder = tempfile.mkdtemp(prefix="loupe-bench-settings-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--experiments", type=int, default=10_000)
    parser.add_argument("--lab", default=None, help="cache folder of the 10,000-run lab")
    parser.add_argument("--skip-search", action="store_true",
                        help="parts 1 and 3 only (no 10,000-run lab to build)")
    return parser


# ---- part 1: long curves ------------------------------------------------------------------------
def _write_runs(folder: Path, runs: int, points: int) -> list[Path]:
    from storage import TimeSeriesConfig, TimeSeriesStorage

    ts = TimeSeriesStorage(TimeSeriesConfig(folder, compression="lzf"))
    rng = np.random.default_rng(0)
    t = np.arange(points, dtype=np.float64)
    paths = []
    for i in range(runs):
        loss = np.exp(-t / (points / (3 + i))) + rng.normal(0, 0.02, points) + 0.05
        paths.append(ts.write_history(f"run{i}", {"loss": loss}))
    return paths


def _wait(app, condition, timeout=120.0) -> None:
    end = time.perf_counter() + timeout
    while not condition():
        app.processEvents()
        if time.perf_counter() > end:
            raise TimeoutError("benchmark step did not finish")
        time.sleep(0.001)


def _frames(app, widget, vb, span: float, count: int = 20) -> list[float]:
    """Zoom in step by step while panning: one synchronous repaint of the view per step."""
    app.processEvents()
    times = []
    for k in range(count):
        width = span / (1.5 ** min(k, 10))
        left = (span - width) * ((k % 7) / 7)
        start = time.perf_counter()
        vb.setXRange(left, left + width, padding=0)
        widget.viewport().repaint()
        times.append(time.perf_counter() - start)
    return times


def _first_draw(app, panel, refs) -> float:
    done = []
    panel.drawn.connect(lambda: done.append(1))
    start = time.perf_counter()
    panel.set_runs(refs)
    _wait(app, lambda: done and not panel.is_busy())
    panel.plot_widget.viewport().repaint()
    return time.perf_counter() - start


def bench_plot(app, folder: Path, runs: int, points: int) -> list[tuple]:
    import pyqtgraph as pg

    from gui.plots.plot_panel import PlotPanel
    from gui.plots.series_data import FileSource, RunData, RunRef

    paths = _write_runs(folder, runs, points)
    panel = PlotPanel()
    panel.resize(1400, 800)
    panel.show()
    refs = [RunRef(p.stem, FileSource(p)) for p in paths]
    loupe_first = _first_draw(app, panel, refs)
    loupe_frames = _frames(app, panel.plot_widget, panel.plot.getViewBox(), points)
    panel.set_runs([])
    controls = panel.controls
    controls.smoother.setCurrentIndex(controls.smoother.findData("ema"))
    ema_first = _first_draw(app, panel, refs)  # EMA of 10M points + raw curves drawn under it
    ema_frames = _frames(app, panel.plot_widget, panel.plot.getViewBox(), points)

    data = [r.arrays["loss"] for r in panel.runs.values() if isinstance(r, RunData)]
    base = pg.PlotWidget()
    base.resize(1100, 700)
    base.show()
    start = time.perf_counter()
    for y in data:
        base.plot(np.arange(y.size), y)
    app.processEvents()
    base.viewport().repaint()
    base_first = time.perf_counter() - start
    base_frames = _frames(app, base, base.getPlotItem().getViewBox(), points, count=5)
    panel.close()
    base.close()
    label = f"{runs} runs x {points:,} pts"
    return [
        ("first draw (read+draw)", label, loupe_first, base_first, 1.0),
        ("pan/zoom frame, mean", label, statistics.mean(loupe_frames),
         statistics.mean(base_frames), 0.05),
        ("pan/zoom frame, worst", label, max(loupe_frames), max(base_frames), 0.05),
        ("first draw, EMA + raw", label, ema_first, base_first, 1.0),
        ("frame, EMA + raw, mean", label, statistics.mean(ema_frames),
         statistics.mean(base_frames), 0.05),
    ]


# ---- part 3: every run of the demo lab at once ------------------------------------------------
class _Watchdog:
    """Ticks every 5 ms on the GUI thread and keeps the longest gap between two ticks."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.worst = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer(interval=5)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self._last)
        self._last = now

    def stop(self) -> float:
        self._tick()
        self._timer.stop()
        return self.worst


def bench_select_all(app, folder: Path) -> list[tuple]:
    import pyqtgraph as pg

    from gui.plots.plot_panel import PlotPanel
    from gui.plots.series_data import LabSource, RunRef
    from storage import Lab, write_demo_lab

    lab = Lab(folder)
    if lab.index_status() != "ok":  # as in the window: an indexed lab (its manifest lists runs)
        shutil.rmtree(folder, ignore_errors=True)
        write_demo_lab(folder)
        lab = Lab(folder)
        lab.reindex()
    refs = [RunRef(i, LabSource(lab, i)) for i in lab.experiment_ids()]
    panel = PlotPanel()
    panel.resize(1400, 800)
    panel.show()
    app.processEvents()
    watchdog = _Watchdog()
    app.processEvents()
    start = time.perf_counter()
    _first_draw(app, panel, refs)
    total = time.perf_counter() - start
    stall = watchdog.stop()
    data = [(c.x, c.raw) for c in panel.curves if c.error is None]
    panel.shutdown()
    panel.close()
    base = pg.PlotWidget()
    base.resize(1100, 700)
    base.show()
    app.processEvents()
    watchdog = _Watchdog()
    app.processEvents()
    for x, y in data:
        base.plot(x, y)
    app.processEvents()
    base.viewport().repaint()
    base_stall = watchdog.stop()
    base.close()
    label = f"{len(refs)} demo-lab runs"
    print(f"select all {len(refs)} runs: {total:.2f} s to the painted plot", file=sys.stderr)
    return [("select all: worst GUI gap", label, stall, base_stall, 0.1)]


# ---- part 2: search to plot ---------------------------------------------------------------------
def _build_lab(folder: Path, experiments: int) -> None:
    import json

    from storage import Lab, TimeSeriesConfig, TimeSeriesStorage

    marker = folder / ".loupe" / f"bench-lab-v{LAB_VERSION}"
    if marker.exists() and Lab(folder).index_status() == "ok":
        return
    if (folder / ".loupe").exists():  # this bench's own cache, from an older version
        shutil.rmtree(folder / ".loupe")
    (folder / "results").mkdir(parents=True, exist_ok=True)
    ts = TimeSeriesStorage(TimeSeriesConfig(folder / "timeseries", compression="lzf"))
    rng = np.random.default_rng(2)
    archs = ["resnet50", "vit-s", "mlp", "convnext", "efficientnet"]
    per_file = 100
    for h in range(experiments // per_file):
        runs = []
        for r in range(per_file):
            arch = archs[(h + r) % len(archs)]
            run_id = f"h{h:04d}_{arch}_r{r:03d}"
            loss = np.exp(-np.arange(200) / rng.uniform(20, 80)) + rng.normal(0, .01, 200)
            ts.write_history(run_id, {"loss": loss, "accuracy": 1 - loss / 2})
            runs.append({"run_id": run_id, "architecture": arch, "status": "done",
                         "config": {"lr": float(10 ** rng.uniform(-5, -2)), "seed": r % 3},
                         "metrics": {"accuracy": float(rng.uniform(0.5, 0.95))},
                         "timeseries": f"timeseries/{run_id}.h5",
                         "notes": f"{arch} run {r}: {'plateau' if r % 4 == 0 else 'smooth'}"})
        doc = {"hypothesis_id": f"h{h:04d}", "runs": runs,
               "hypothesis": f"{archs[h % 5]} with schedule {h % 13} and augmentation {h % 7}"}
        (folder / "results" / f"h{h:04d}_results.json").write_text(json.dumps(doc), "utf-8")
    start = time.perf_counter()
    summary = Lab(folder).reindex()
    marker.write_text("real embeddings\n", "utf-8")
    print(f"built the bench lab: {summary.indexed} runs indexed in "
          f"{time.perf_counter() - start:.0f} s", file=sys.stderr)


def bench_search(app, folder: Path, experiments: int) -> list[tuple]:
    from gui.experiments_panel import ExperimentsPanel
    from storage import Lab

    start = time.perf_counter()
    _build_lab(folder, experiments)
    print(f"lab ready in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    panel = ExperimentsPanel()
    panel.resize(1400, 900)
    panel.show()
    search, plots = panel.search, panel.plots
    shown, drawn = [], []
    search.results_shown.connect(shown.append)
    plots.drawn.connect(lambda: drawn.append(1))
    panel.open_lab(str(folder))
    _wait(app, lambda: shown and not search.is_busy(), timeout=600)
    count = search.lab.index.count()
    gui_times, base_times = [], []
    lab = Lab(folder)
    lab.search("warm up the model")  # load the embedding model outside the timings
    for text, where in QUERIES * 2:
        shown.clear()
        drawn.clear()
        start = time.perf_counter()
        search.query.blockSignals(True)
        search.query.setText(text)
        search.query.blockSignals(False)
        search.filters.expression.blockSignals(True)
        search.filters.expression.setText(where)
        search.filters.expression.blockSignals(False)
        search.run_query()  # what the debounce timer calls
        _wait(app, lambda: shown and not search.is_busy())
        search.select_rows(list(range(min(5, search.model.rowCount()))))
        _wait(app, lambda: drawn and not plots.is_busy())
        plots.plot_widget.viewport().repaint()
        gui_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        hits = lab.search(text=text, where=where or None, limit=200)
        for hit in hits[:5]:
            lab.history(hit.id, ["loss"])
        base_times.append(time.perf_counter() - start)
    panel.plots.shutdown()
    label = f"{count:,} experiments"
    return [("search to plot, median", label, statistics.median(gui_times),
             statistics.median(base_times), 0.3),
            ("search to plot, worst", label, max(gui_times), max(base_times), 0.3)]


def _print(rows: list[tuple]) -> None:
    print_goal_rows(rows, 26, 24)
    print("\nbaselines: part 1 = plain pyqtgraph PlotWidget (no downsampling, no clipping); "
          "part 2 = storage API alone (Lab.search + Lab.history of the top 5), no GUI.")


if __name__ == "__main__":
    raise SystemExit(main())
