"""Benchmark the Compare view on 10,000 runs against plain pyqtgraph / Qt doing the same.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_compare.py [--runs 10000]

- Parallel coordinates, 8 axes (7 settings and the metric; a log axis, two categorical ones,
  NaN and missing values): time from a new table to a painted frame. Baseline: plain pyqtgraph,
  one ``PlotCurveItem`` per run, the same polylines and colours.
- Brush update: a brush (half the axis) dragged along the metric axis: the GUI thread's share,
  until the decimated preview (1,000 of the kept runs) is shown, and until all kept lines are
  shown (medians of 10). Baseline: the per-run items
  shown or hidden.
- Table of 10,000 runs sorted by a column, repainted (mean of 6 sorts). Baseline: a
  ``QStandardItemModel`` with the same cells sorted by Qt.
- Longest GUI-thread stall: the largest gap between the ticks of a 5 ms timer while the
  Compare view takes 10,000 loaded runs (all five tabs built, each one shown and painted).

Goals (issue 18): draw under 1 s, brush under 50 ms, sort under 100 ms, no stall over 100 ms.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from _common import print_goal_rows  # noqa: E402


def make_table(n: int, seed: int = 0):
    from storage import CompareTable

    rng = np.random.default_rng(seed)
    lr = 10 ** rng.uniform(-5, -1, n)
    lr[rng.random(n) < 0.02] = np.nan
    params = {"lr": list(lr), "batch_size": list(rng.choice([32, 64, 128, 256], n)),
              "optimizer": list(rng.choice(["adam", "adamw", "sgd", "lamb"], n)),
              "dropout": list(rng.uniform(0, 0.5, n)), "depth": list(rng.integers(2, 50, n)),
              "arch": list(rng.choice(["resnet", "vit", "mlp", "convnext", "swin"], n)),
              "weight_decay": [None if rng.random() < 0.05 else float(v)
                               for v in 10 ** rng.uniform(-6, -2, n)]}
    acc = 0.9 - 0.04 * (np.log10(np.nan_to_num(lr, nan=1e-3)) + 3) ** 2 + rng.normal(0, .02, n)
    ids = [f"run{i:05d}" for i in range(n)]
    return CompareTable.from_arrays(ids, params, {"accuracy": list(acc)})


def _paint(app, widget) -> None:
    app.processEvents()
    widget.repaint()
    app.processEvents()


def _wait_drawn(app, view, action) -> None:
    """Run ``action`` and wait until the view shows its result (the lines render in a worker)."""
    done = []
    view.drawn.connect(lambda: done.append(1))
    action()
    end = time.perf_counter() + 60
    while not done and time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.0005)
    view.drawn.disconnect()
    _paint(app, view)


def bench_parallel(app, table) -> list[tuple]:
    import pyqtgraph as pg

    from gui.compare.parallel_data import Axis, color_groups
    from gui.compare.parallel_view import BANDS, ParallelView

    view = ParallelView()
    view.resize(1400, 800)
    view.show()
    app.processEvents()
    start = time.perf_counter()
    _wait_drawn(app, view, lambda: view.set_table(table, "accuracy"))
    ours = time.perf_counter() - start
    brush_times, brush_gui, previews = [], [], []
    for k in range(10):
        lo = 0.05 * k
        start = time.perf_counter()
        seen: list[float] = []
        view.previewed.connect(lambda seen=seen, start=start: seen or seen.append(
            time.perf_counter() - start))
        _wait_drawn(app, view, lambda k=k, lo=lo, start=start: (
            view.brush(len(view.axes) - 1, lo, lo + 0.5, emit=False),
            brush_gui.append(time.perf_counter() - start)))
        brush_times.append(time.perf_counter() - start)
        view.previewed.disconnect()
        previews.append(seen[0] if seen else brush_times[-1])
    view.close()

    base = pg.PlotWidget(background="w")
    base.resize(1400, 800)
    base.show()
    app.processEvents()
    axes = [Axis.of(table.column(n)) for n in view.params + ["accuracy"]]
    start = time.perf_counter()
    ys = np.stack([a.y for a in axes], axis=1)
    xs = np.arange(len(axes), dtype=float)
    groups = color_groups(table.column("accuracy").values, BANDS)
    cmap = pg.colormap.get("viridis")
    pens = [pg.mkPen(cmap.map((b + 0.5) / BANDS, mode="qcolor")) for b in range(BANDS)]
    pens.append(pg.mkPen(150, 150, 150))
    items = []
    for row in range(len(ys)):
        item = pg.PlotCurveItem(xs, ys[row], pen=pens[groups[row]])
        base.addItem(item)
        items.append(item)
    _paint(app, base)
    baseline = time.perf_counter() - start
    base_brush = []
    for k in range(3):
        lo = 0.05 * k
        start = time.perf_counter()
        keep = (ys[:, k] >= lo) & (ys[:, k] <= lo + 0.5)
        for item, on in zip(items, keep, strict=True):
            item.setVisible(bool(on))
        _paint(app, base)
        base_brush.append(time.perf_counter() - start)
    base.close()
    # Free the baseline's 10,000 items now: left for the cyclic GC, a full collection over them
    # fell inside the stall measurement (~40 ms of its ~90), a cost the app never has.
    base.deleteLater()
    del items
    n = f"{len(table):,} runs x {len(axes)} axes"
    return [("parallel coords drawn", n, ours, baseline, 1.0),
            ("brush: GUI thread", n, float(np.median(brush_gui)), float(np.mean(base_brush)), 0.05),
            ("brush: preview shown", n, float(np.median(previews)), float(np.mean(base_brush)),
             0.05),
            ("brush: all lines shown", n, float(np.median(brush_times)), float(np.mean(base_brush)),
             0.05)]


def bench_table(app, table) -> list[tuple]:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QTableView

    from gui.compare.table_view import CompareTableView

    view = CompareTableView()
    view.resize(1200, 800)
    view.show()
    view.set_table(table)
    _paint(app, view)
    names = [c.name for c in table.columns]
    times = []
    for k, name in enumerate(["accuracy", "lr", "optimizer", "depth", "run", "weight_decay"]):
        start = time.perf_counter()
        view.sort_by(name, descending=bool(k % 2))
        _paint(app, view)
        times.append(time.perf_counter() - start)
    view.close()

    model = QStandardItemModel(len(table), 1 + len(names))
    for r in range(len(table)):
        model.setItem(r, 0, QStandardItem(table.ids[r]))
        for c, col in enumerate(table.columns):
            item = QStandardItem()
            value = col.values[r]
            item.setData(float(value) if col.numeric else (value or ""),
                         Qt.ItemDataRole.DisplayRole)
            model.setItem(r, c + 1, item)
    base = QTableView()
    base.setModel(model)
    base.resize(1200, 800)
    base.show()
    _paint(app, base)
    base_times = []
    for k, col in enumerate([names.index("accuracy") + 1, names.index("lr") + 1,
                             names.index("optimizer") + 1]):
        start = time.perf_counter()
        model.sort(col, Qt.SortOrder.DescendingOrder if k % 2 else Qt.SortOrder.AscendingOrder)
        _paint(app, base)
        base_times.append(time.perf_counter() - start)
    base.close()
    return [("table sorted", f"{len(table):,} runs x {len(names) + 1} cols",
             float(np.mean(times)), float(np.mean(base_times)), 0.1)]


def bench_stall(app, table) -> list[tuple]:
    """The Compare view given 10,000 runs (read in its worker as in the app), every tab shown,
    under a 5 ms heartbeat."""
    from PySide6.QtCore import QTimer

    from gui.compare.compare_view import TABS, CompareView
    from storage import Hit

    hits = []
    for row, run_id in enumerate(table.ids):
        meta = {c.name: c.values[row] for c in table.columns if not c.is_missing()[row]}
        meta = {k: (float(v) if isinstance(v, np.floating) else v) for k, v in meta.items()}
        hits.append(Hit(run_id, None, "", meta))
    view = CompareView()
    view.resize(1400, 800)
    view.show()
    _paint(app, view)
    gaps, last = [], [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(5)
    steps = [lambda: view.set_runs(None, hits)]
    steps += [lambda t=t: view.show_tab(t) for t in TABS]
    for step in steps:
        end = time.perf_counter() + 0.05
        while time.perf_counter() < end or view.is_busy():
            app.processEvents()
        step()
    end = time.perf_counter() + 0.3
    while time.perf_counter() < end or view.is_busy():
        app.processEvents()
    timer.stop()
    view.close()
    worst = max(gaps)
    return [("longest GUI stall", f"{len(table):,} runs, 5 tabs", worst, worst, 0.1)]


def _print(rows: list[tuple]) -> None:
    print_goal_rows(rows, 24, 26)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    args = parser.parse_args()
    import pyqtgraph as pg

    from gui.app import make_app

    pg.setConfigOptions(antialias=False, background="w", foreground="k")
    app = make_app()
    table = make_table(args.runs)
    rows = bench_parallel(app, table) + bench_table(app, table)
    app.processEvents()  # deleteLater
    gc.collect()
    rows += bench_stall(app, table)
    _print(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
