"""Benchmark the HDF5 browser on a file with about 1,000,000 objects and a 4 GiB dataset.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_hdf5_browser.py [--data DIR]
        [--silx-wide N]

Measures, in one process: open to first rows shown; expanding a group of 100,000 members (time
until every row is in the tree, and the longest frozen frame, seen by a 10 ms timer on the GUI
thread); expanding a root of 1,000 groups; memory while scrolling the table of a 4 GiB dataset
end to end. When silx is installed, silx's ``Hdf5TreeModel`` does the same expansions in the same
run (it opens every member on the GUI thread; its 100,000-member expansion took 162 s here, so by
default silx gets the 10,000-member group and the 100,000 figure is scaled from it; pass
``--silx-wide 100000`` to measure it for real). The files are cached in --data.

Goals (issue 5): first rows within 0.3 s; 100,000 members in under 1 s with no frame over 100 ms;
memory flat while scrolling.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import h5py  # noqa: E402
import numpy as np  # noqa: E402

N_ROOT_GROUPS, PER_GROUP, WIDE, WIDE_SMALL = 1_000, 900, 100_000, 10_000
BIG_SHAPE = (32_768, 32_768)  # float32: 4 GiB


def make_files(folder: Path) -> tuple[Path, Path]:
    """many.h5: 1,000 groups x 900 empty groups, /wide (100,000 scalars), /wide10k; big.h5."""
    folder.mkdir(parents=True, exist_ok=True)
    many, big = folder / "many.h5", folder / "big.h5"
    if not many.exists():
        t0 = time.perf_counter()
        tmp = many.with_suffix(".partial")
        with h5py.File(tmp, "w", libver="latest") as f:
            for i in range(N_ROOT_GROUPS):
                g = f.create_group(f"g{i:04d}")
                for j in range(PER_GROUP):
                    g.create_group(f"s{j:03d}")
            for name, n in (("wide", WIDE), ("wide10k", WIDE_SMALL)):
                w = f.create_group(name)
                for j in range(n):
                    w[f"m{j:06d}"] = np.float32(j)
        tmp.rename(many)
        print(f"wrote {many} in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    if not big.exists():
        with h5py.File(big, "w") as f:  # chunks never written: reads give the fill value
            f.create_dataset("data", shape=BIG_SHAPE, dtype="f4", chunks=(256, 256),
                             fillvalue=1.5)
    return many, big


class FrameWatch:
    """The longest gap between ticks of a 10 ms timer on the GUI thread (a frozen window)."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.last = time.perf_counter()
        self.worst = 0.0
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last)
        self.last = now

    def start(self) -> None:
        self.last, self.worst = time.perf_counter(), 0.0
        self.timer.start()

    def stop(self) -> float:
        self._tick()
        self.timer.stop()
        return self.worst


def wait(app, cond, timeout: float = 600.0) -> None:
    end = time.perf_counter() + timeout
    while not cond():
        app.processEvents()
        time.sleep(0.001)
        if time.perf_counter() > end:
            raise TimeoutError("benchmark step timed out")


def find_row(model, parent, name: str):
    for r in range(model.rowCount(parent)):
        index = model.index(r, 0, parent)
        if index.data() == name:
            return index
    raise KeyError(name)


def bench_loupe(app, many: Path) -> dict[str, float]:
    from gui.browser.panel import BrowserPanel

    out = {}
    panel = BrowserPanel()
    panel.resize(1400, 900)
    panel.show()
    model = panel.model
    watch = FrameWatch()
    watch.start()
    t0 = time.perf_counter()
    panel.open_paths([str(many)])
    wait(app, lambda: model.rowCount() and model.rowCount(model.index(0, 0)) > 0)
    panel.tree.viewport().repaint()
    out["first_rows"] = time.perf_counter() - t0
    wait(app, lambda: not model.is_busy())
    out["root_1000"] = time.perf_counter() - t0
    out["root_1000_frame"] = watch.stop()
    top = model.index(0, 0)
    for name in ("wide", "wide10k"):
        index = find_row(model, top, name)
        watch.start()
        t0 = time.perf_counter()
        panel.tree.expand(index)
        wait(app, lambda i=index: model.rowCount(i) > 0)
        first = model.index(0, 0, index)
        if model.node(first).kind == "page":  # wide groups show pages (tree_model.PAGE)
            panel.tree.expand(first)
        panel.tree.scrollTo(model.index(0, 0, first))
        panel.tree.viewport().repaint()
        out[f"{name}_rows"] = time.perf_counter() - t0
        wait(app, lambda: not model.is_busy())
        out[f"{name}_details"] = time.perf_counter() - t0
        out[f"{name}_frame"] = watch.stop()
        panel.tree.collapse(index)
    panel.close_current()
    wait(app, lambda: not panel.is_busy())
    panel.deleteLater()
    return out


def bench_listing(many: Path, reps: int = 5) -> dict[str, tuple[float, float]]:
    """Listing the 100,000 names in a thread while this thread ticks every millisecond: time
    and longest stall of the ticking thread (the GIL held by the lister), median of ``reps``.
    Baseline: h5py's ``list(group.keys())``."""
    import statistics
    import threading

    from storage._nodes._pages import stream_members

    out = {}
    with h5py.File(many, "r", locking=False) as f:
        group = f["wide"]
        first = []

        def stream() -> None:
            t0 = time.perf_counter()
            stream_members(group, lambda p: first.append(time.perf_counter() - t0)
                           if not first else None)

        for name, fn in (("h5py keys()", lambda: list(group.keys())), ("stream", stream)):
            runs = []
            for _ in range(reps):
                first.clear()
                worker = threading.Thread(target=fn)
                t0 = last = time.perf_counter()
                stall = 0.0
                worker.start()
                while worker.is_alive():
                    time.sleep(0.001)
                    now = time.perf_counter()
                    stall, last = max(stall, now - last), now
                runs.append((time.perf_counter() - t0, stall, first[0] if first else 0.0))
            out[name] = tuple(statistics.median(r[i] for r in runs) for i in range(3))
    return out


def bench_silx(app, many: Path, wide_name: str) -> dict[str, float]:
    from PySide6.QtWidgets import QTreeView
    from silx.gui.hdf5 import Hdf5TreeModel

    out = {}
    f = h5py.File(many, "r", locking=False)
    model = Hdf5TreeModel()
    view = QTreeView()
    view.setModel(model)
    view.resize(700, 900)
    view.show()
    t0 = time.perf_counter()
    model.insertH5pyObject(f)
    top = model.index(0, 0)
    view.expand(top)
    n = model.rowCount(top)
    view.viewport().repaint()
    app.processEvents()
    out["root_1000"] = time.perf_counter() - t0
    index = find_row(model, top, wide_name)
    t0 = time.perf_counter()
    view.expand(index)
    rows = model.rowCount(index)
    view.viewport().repaint()
    app.processEvents()
    out["wide_rows"] = time.perf_counter() - t0
    out["wide_n"] = rows
    assert n >= N_ROOT_GROUPS
    view.close()
    f.close()
    return out


def bench_scroll(app, big: Path) -> dict[str, float]:
    import psutil

    from gui.browser.panel import BrowserPanel

    proc = psutil.Process()
    panel = BrowserPanel()
    panel.resize(1400, 900)
    panel.show()
    panel.open_paths([str(big)])
    wait(app, lambda: not panel.is_busy())
    panel.show_target("/data#table")
    wait(app, lambda: not panel.is_busy() and panel.viewer.current_view().title == "Table")
    table = panel.viewer.current_view()
    model = table.model
    rss = [proc.memory_info().rss]
    rows = model.rowCount()
    t0 = time.perf_counter()
    steps = 400
    for k in range(steps + 1):
        row = min(rows - 1, k * rows // steps)
        col = min(model.columnCount() - 1, k * model.columnCount() // steps)
        table.table.scrollTo(model.index(row, col))
        app.processEvents()
        wait(app, lambda: not model.busy)
        rss.append(proc.memory_info().rss)
    elapsed = time.perf_counter() - t0
    panel.close_current()
    return {"rss_start": rss[0] / 2**20, "rss_max": max(rss) / 2**20,
            "rss_end": rss[-1] / 2**20, "blocks": model.reads, "scroll_s": elapsed,
            "dataset_mib": np.prod(BIG_SHAPE) * 4 / 2**20}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(Path(tempfile.gettempdir()) / "loupe-bench-h5"))
    parser.add_argument("--silx-wide", type=int, default=WIDE_SMALL,
                        choices=(WIDE_SMALL, WIDE), help="members of the group silx expands")
    args = parser.parse_args()
    import pyqtgraph as pg

    from gui.app import make_app

    pg.setConfigOptions(background="w", foreground="k")
    app = make_app()
    many, big = make_files(Path(args.data))
    listing = bench_listing(many)
    loupe = bench_loupe(app, many)
    try:
        import silx  # noqa: F401
        silx_name = "wide" if args.silx_wide == WIDE else "wide10k"
        silx_res = bench_silx(app, many, silx_name)
    except ImportError:
        silx_res = None
    scroll = bench_scroll(app, big)
    report(loupe, silx_res, scroll, args.silx_wide)
    report_listing(listing)
    return 0


def report_listing(listing) -> None:
    base, ours = listing["h5py keys()"], listing["stream"]
    print("\nListing the 100,000 names in a worker thread (median of 5; stall = longest wait of a "
          "thread ticking every 1 ms):")
    print(f"{'':28} {'h5py keys()':>12} {'Loupe stream':>13} {'ratio':>7}")
    for i, name in ((0, "all names listed"), (1, "longest stall of the ticker")):
        print(f"{name:28} {base[i]:10.3f} s {ours[i]:11.3f} s {base[i] / ours[i]:6.1f}x")
    print(f"{'first page sent':28} {'-':>12} {ours[2]:11.3f} s")


def report(loupe, silx_res, scroll, silx_wide: int) -> None:
    rows = [("open to first rows shown (root of 1,000 groups)", loupe["first_rows"], None),
            ("root of 1,000 groups, all details filled", loupe["root_1000"],
             silx_res and silx_res["root_1000"]),
            ("expand 10,000-member group: first rows shown", loupe["wide10k_rows"],
             silx_res and silx_wide == WIDE_SMALL and silx_res["wide_rows"]),
            ("expand 100,000-member group: first rows shown", loupe["wide_rows"],
             silx_res and (silx_res["wide_rows"] * (WIDE / silx_wide))),
            ("  longest frozen frame while expanding 100,000", loupe["wide_frame"],
             silx_res and (silx_res["wide_rows"] * (WIDE / silx_wide))),
            ("  all 100,000 names listed, details of shown rows", loupe["wide_details"], None)]
    print(f"{'measure':52} {'Loupe':>10} {'silx 3.1.3':>12} {'silx/Loupe':>11}")
    for name, ours, theirs in rows:
        t = f"{theirs:10.2f} s" if theirs else f"{'-':>12}"
        ratio = f"{theirs / ours:10.0f}x" if theirs else f"{'-':>11}"
        print(f"{name:52} {ours:8.3f} s {t} {ratio}")
    if silx_res and silx_wide != WIDE:
        print("(silx's 100,000-member figures are its 10,000-member time x 10; its expansion "
              "blocks the GUI thread for the whole time)")
    print(f"\nTable of a {scroll['dataset_mib']:.0f} MiB float32 dataset scrolled end to end "
          f"(401 positions, {scroll['blocks']} blocks read, {scroll['scroll_s']:.1f} s):")
    growth = scroll["rss_max"] - scroll["rss_start"]
    print(f"  RSS start {scroll['rss_start']:.0f} MiB, max {scroll['rss_max']:.0f} MiB, end "
          f"{scroll['rss_end']:.0f} MiB: growth {growth:.1f} MiB = "
          f"{growth / scroll['dataset_mib']:.4f} x the dataset size")


if __name__ == "__main__":
    sys.exit(main())
