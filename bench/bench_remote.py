"""Remote browsing: HSDS (h5pyd) and S3 (moto + s3fs), Loupe's node layer against direct use.

Starts a real HSDS and a real S3 endpoint on 127.0.0.1 (stopped by process-group id at the end),
uploads a file with a 10,000-member group and a big dataset, and prints one table per backend:

- time to the first rows of the wide group (names listed, then the 40 visible rows described)
  against a viewer that opens members to learn their kinds (as silx's tree does);
- time to list the whole group, against ``list(group)`` of h5pyd / h5py on s3fs;
- reading a 1000 x 1000 window of the big dataset, against the same read done directly;
- the longest GUI-thread stall while the browser panel opens the file and expands the group.

Usage: python bench/bench_remote.py [--members 10000] [--big-mb 100] [--naive 500]
(``--naive`` members are opened one by one for the naive baseline; the time for all members is
extrapolated from them and marked so). Needs .venv-servers (sh .ci/bootstrap.sh).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import h5py
import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from remote.servers import HsdsServer, S3Server, servers_available  # noqa: E402

VISIBLE = 40  # rows a tree shows at once


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - start, out


def window(dset, which: int) -> slice:
    """Rows of the window each side reads: different rows, so neither finds the other's data
    in a server-side or client-side cache."""
    rows = dset.shape[0]
    size = min(1000, rows // 3)
    start = rows // 6 if which == 0 else rows // 2
    return slice(start, start + size)


def make_local(path: Path, members: int, big_mb: int) -> None:
    rows = max(1000, big_mb * 1024 * 1024 // (4 * 1000))
    with h5py.File(path, "w") as f:
        wide = f.create_group("wide")
        for i in range(members):
            wide.create_dataset(f"m{i:05d}", data=np.full(4, i, dtype="f4"))
        big = f.create_dataset("big", shape=(rows, 1000), dtype="f4", chunks=(256, 1000))
        for start in range(0, rows, 4096):
            stop = min(rows, start + 4096)
            big[start:stop] = np.arange(start, stop, dtype="f4")[:, None]


def upload_hsds(server: HsdsServer, members: int, big_mb: int) -> str:
    """A domain with ``members`` hard links (to 100 small datasets) and a big dataset.

    Links are created 1,000 per request (h5pyd's multi-link PUT); one request per member would
    take minutes here.
    """
    import h5pyd

    domain = "/home/admin/bench.h5"
    rows = max(1000, big_mb * 1024 * 1024 // (4 * 1000))
    with h5pyd.File(domain, "w", **server.credentials()) as f:
        wide = f.create_group("wide")
        targets = [f.create_dataset(f"objs/d{i:03d}", data=np.full(4, i, dtype="f4"))
                   for i in range(100)]
        names = [f"m{i:05d}" for i in range(members)]
        for start in range(0, members, 1000):
            batch = names[start:start + 1000]
            wide[batch] = [targets[int(n[1:]) % 100] for n in batch]
        big = f.create_dataset("big", shape=(rows, 1000), dtype="f4", chunks=(256, 1000))
        for start in range(0, rows, 2048):
            stop = min(rows, start + 2048)
            big[start:stop] = np.broadcast_to(np.arange(start, stop, dtype="f4")[:, None],
                                              (stop - start, 1000))
    return server.url(domain)


def warm_up(url: str) -> None:
    """Open the object once, untimed: client sessions and the server's caches are warm for
    both sides, so neither pays for them alone."""
    from storage import open_source

    with open_source(url) as source:
        source.list_children("/wide")


def loupe_numbers(url: str) -> dict[str, float]:
    from storage import open_source

    out = {}
    t_open, source = timed(open_source, url)
    t_list, nodes = timed(source.list_children, "/wide")
    t_desc, _ = timed(source.describe, "/wide", [n.name for n in nodes[:VISIBLE]])
    out["first rows (names)"] = t_open + t_list
    out["first rows (+40 described)"] = t_open + t_list + t_desc
    out["list whole group"] = t_list
    out["read 1000x1000 window"] = timed(source.read, "/big", (window(source.array("/big"), 0),))[0]
    source.close()
    return out


def direct_hsds(server: HsdsServer, url: str, naive: int) -> dict[str, float]:
    import h5pyd

    from storage._remote import parse_url

    domain = parse_url(url).path
    out = {}
    # use_cache=False as in Loupe: 0.24 cannot open HSDS 1.0 domains with it (see README)
    t_open, f = timed(h5pyd.File, domain, "r", use_cache=False, **server.credentials())
    t_list, names = timed(lambda: list(f["wide"]))
    group = f["wide"]
    t_naive, _ = timed(lambda: [group[n] for n in names[:naive]])
    per_member = t_naive / max(naive, 1)
    out["first rows (names)"] = t_open + t_list + per_member * len(names)  # opens all first
    out["first rows (+40 described)"] = out["first rows (names)"]
    out["list whole group"] = t_list
    out["read 1000x1000 window"] = timed(lambda: f["big"][window(f["big"], 1)])[0]
    f.close()
    return out


def direct_s3(url: str) -> dict[str, float]:
    import fsspec

    out = {}
    start = time.perf_counter()
    fh = fsspec.open(url, "rb").open()  # fsspec's defaults (readahead cache, 5 MB blocks)
    f = h5py.File(fh, "r")
    group = f["wide"]
    t_open = time.perf_counter() - start
    t_list, names = timed(lambda: list(group))
    t_all, _ = timed(lambda: [group[n] for n in names])
    out["first rows (names)"] = t_open + t_list + t_all  # a viewer that opens every member
    out["first rows (+40 described)"] = out["first rows (names)"]
    out["list whole group"] = t_list
    out["read 1000x1000 window"] = timed(lambda: f["big"][window(f["big"], 1)])[0]
    f.close()
    fh.close()
    return out


def gui_numbers(url: str) -> dict[str, float]:
    """Open the URL in the browser panel and expand the wide group; watch the event loop."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from gui.browser.panel import BrowserPanel
    from gui.workers import pending_tasks

    app = QApplication.instance() or QApplication([])
    panel = BrowserPanel()
    panel.resize(1200, 800)
    panel.show()
    gaps, clock = [0.0], QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer(interval=10)
    timer.timeout.connect(tick)
    timer.start()
    started = time.perf_counter()
    first_rows = [None]
    panel.open_paths([url])

    def wait(cond, limit=600.0) -> None:
        deadline = time.perf_counter() + limit
        while not cond() and time.perf_counter() < deadline:
            app.processEvents()
            time.sleep(0.002)

    model = panel.model
    wait(lambda: model.rowCount() > 0 and model.rowCount(model.index(0, 0)) > 0)
    top = model.index(0, 0)
    wide = next(model.index(r, 0, top) for r in range(model.rowCount(top))
                if model.node(model.index(r, 0, top)).name == "wide")
    panel.tree.expand(wide)

    def shown() -> bool:
        if model.rowCount(wide) and first_rows[0] is None:
            first_rows[0] = time.perf_counter() - started
        return first_rows[0] is not None and not panel.is_busy() and not pending_tasks()

    wait(shown)
    timer.stop()
    for source in panel.model.sources():
        source.close()
    panel.close()
    panel.deleteLater()
    app.processEvents()
    return {"GUI: first rows of the group": first_rows[0] or float("nan"),
            "GUI: longest event-loop stall": (max(gaps) - 10) / 1000.0}


def table(title: str, loupe: dict, base: dict, base_name: str, naive_note: str) -> str:
    lines = [f"\n{title}", f"| measure | Loupe | {base_name} | ratio (baseline / Loupe) |",
             "| --- | ---: | ---: | ---: |"]
    for key, value in loupe.items():
        if key.startswith("_"):
            continue
        other = base.get(key)
        if other is None:
            lines.append(f"| {key} | {value:.3f} s | - | - |")
            continue
        note = naive_note if key.startswith("first rows") and naive_note else \
            " (local file)" if key.startswith("GUI") else ""
        lines.append(f"| {key} | {value:.3f} s | {other:.3f} s{note} | {other / value:.1f}x |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--big-mb", type=int, default=100)
    parser.add_argument("--naive", type=int, default=500)
    parser.add_argument("--no-gui", action="store_true")
    args = parser.parse_args()
    reason = servers_available()
    if reason:
        print(f"bench_remote: skipped: {reason}")
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="loupe-bench-remote-"))
    hsds, s3 = HsdsServer(tmp / "hsds"), S3Server(tmp / "s3")
    try:
        hsds.start()
        s3.start()
        for key, value in {**hsds.env(), **s3.env()}.items():
            os.environ[key] = value
        t_up, hsds_url = timed(upload_hsds, hsds, args.members, args.big_mb)
        local = tmp / "bench.h5"
        make_local(local, args.members, args.big_mb)
        s3_url = s3.put("bench", "bench.h5", local)
        print(f"# {args.members} members, big dataset {args.big_mb} MB; HSDS upload "
              f"{t_up:.0f} s; S3 object {local.stat().st_size / 2**20:.0f} MiB")
        warm_up(hsds_url)
        warm_up(s3_url)
        hs_loupe, hs_direct = loupe_numbers(hsds_url), direct_hsds(hsds, hsds_url, args.naive)
        s3_loupe, s3_direct = loupe_numbers(s3_url), direct_s3(s3_url)
        if not args.no_gui:  # the baseline: the same panel on the local copy of the file
            local_gui = gui_numbers(str(local))
            hs_loupe.update(gui_numbers(hsds_url))
            s3_loupe.update(gui_numbers(s3_url))
            hs_direct.update(local_gui)
            s3_direct.update(local_gui)
        naive = f" (opens every member: {args.naive} timed, rest extrapolated)"
        print(table("HSDS (h5pyd 0.24, HSDS 1.0.2, 2 data nodes)", hs_loupe, hs_direct,
                    "h5pyd directly", naive))
        print(table("S3 (moto, s3fs + h5py)", s3_loupe, s3_direct,
                    "s3fs + h5py directly", " (opens every member)"))
        try:
            import silx  # noqa: F401
        except ImportError:
            print("\nsilx is not installed: its tree model was not measured.")
    finally:
        hsds.stop()
        s3.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
