"""Benchmark of the DL-friendly storage formats (issue 2, "Speed").

Prints one table per case with save and load times of each Loupe format as ratios to a baseline
measured in the same process: ``np.save``/``np.load`` for a 64 MB float32 array, the plain
``json`` module with ``.tolist()`` (the approach DL-friendly storage replaces) for both cases,
and h5py writing/reading the array directly for the HDF5 format. Times are medians of several
runs, files live in a temporary folder (page cache: this measures CPU, not the disk).

Loupe's saves are atomic (temporary file, fsync, rename); ``np.save`` and plain h5py are not,
so a row "np.save + fsync" shows what durability alone costs.

    python bench/bench_storage.py [--repeat N] [--skip-json-array]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import h5py
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from storage import DLFriendlyStorage  # noqa: E402

MB = 2**20


def timed(fn: Callable[[], Any], repeat: int) -> float:
    """Median wall time of ``fn`` in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.ndarray | np.generic):
        return obj.tolist()
    if isinstance(obj, dt.datetime):
        return obj.isoformat()
    raise TypeError(type(obj))


def json_save(data: Any, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, default=_json_default)


def json_load(path: Path) -> Any:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def results_document(n: int = 10_000) -> dict[str, Any]:
    """A nested results document: n experiments with config, metrics, short curves."""
    rng = np.random.default_rng(0)
    runs = []
    for i in range(n):
        runs.append({
            "id": f"exp-{i:05d}", "hypothesis": f"wider layers help on split {i % 7}",
            "config": {"lr": float(10 ** rng.uniform(-5, -1)), "batch": int(2 ** (4 + i % 5)),
                       "layers": [64, 128, 64],
                       "optimizer": {"name": "adam", "betas": [0.9, 0.999]}},
            "metrics": {"accuracy": float(rng.random()), "loss": float(rng.random() * 2)},
            "history": {"loss": rng.random(8).round(4).tolist()},
            "confusion": rng.integers(0, 50, (3, 3)),
            "started": dt.datetime(2025, 7, 17) + dt.timedelta(minutes=i),
            "tags": ["baseline", "gpu"] if i % 2 else ["ablation"],
        })
    return {"lab": "nal-01", "experiments": runs}


class Bench:
    def __init__(self, folder: Path, repeat: int) -> None:
        self.folder = folder
        self.repeat = repeat
        self.rows: list[tuple[str, float, float, int]] = []

    def run(self, name: str, save: Callable[[Path], Any], load: Callable[[Path], Any],
            repeat: int | None = None) -> None:
        path = self.folder / name.replace(" ", "_").replace("/", "_")
        n = repeat or self.repeat
        out: list[Any] = [path]
        t_save = timed(lambda: out.__setitem__(0, save(path) or path), n)
        t_load = timed(lambda: load(out[0]), n)
        self.rows.append((name, t_save, t_load, os.path.getsize(out[0])))

    def table(self, title: str, baseline: str) -> str:
        base = next(r for r in self.rows if r[0] == baseline)
        lines = [f"### {title} (baseline: {baseline})", "",
                 "| format | save ms | load ms | save x | load x | save+load x | size MB |",
                 "|---|---:|---:|---:|---:|---:|---:|"]
        for name, ts, tl, size in self.rows:
            lines.append(f"| {name} | {ts * 1e3:.0f} | {tl * 1e3:.0f} | {ts / base[1]:.1f} | "
                         f"{tl / base[2]:.1f} | {(ts + tl) / (base[1] + base[2]):.1f} | "
                         f"{size / MB:.1f} |")
        return "\n".join(lines)


def loupe(storage: DLFriendlyStorage, fmt: str, data: Any) -> tuple[Callable, Callable]:
    return (lambda p: storage.save_to_file(data, p, format=fmt),
            lambda p: storage.load_from_file(p, format="auto", trusted=True))


def bench_array(folder: Path, repeat: int, skip_json: bool) -> str:
    arr = np.random.default_rng(0).standard_normal(64 * MB // 4, dtype=np.float32)
    storage = DLFriendlyStorage()
    b = Bench(folder, repeat)
    b.run("np.save/np.load", lambda p: np.save(p.with_suffix(".npy"), arr) or p.with_suffix(".npy"),
          lambda p: np.load(p))

    def np_fsync(p: Path) -> Path:
        p = p.with_suffix(".npy")
        with open(p, "wb") as fh:
            np.save(fh, arr)
            fh.flush()
            os.fsync(fh.fileno())
        return p

    b.run("np.save + fsync", np_fsync, lambda p: np.load(p))

    def h5_save(p: Path) -> None:
        with h5py.File(p, "w") as f:
            f.create_dataset("data", data=arr)

    def h5_load(p: Path) -> np.ndarray:
        with h5py.File(p, "r") as f:
            return f["data"][()]

    b.run("h5py direct", h5_save, h5_load)
    for fmt in ("json", "compressed", "hdf5", "pickle"):
        b.run(f"Loupe {fmt}", *loupe(storage, fmt, arr))
    if not skip_json:
        b.run("json + .tolist()", lambda p: json_save(arr, p), json_load, repeat=1)
    text = b.table("64 MB float32 array", "np.save/np.load")
    h5 = next(r for r in b.rows if r[0] == "h5py direct")
    ours = next(r for r in b.rows if r[0] == "Loupe hdf5")
    both = (ours[1] + ours[2]) / (h5[1] + h5[2])
    return text + (f"\n\nLoupe hdf5 vs h5py direct: save {ours[1] / h5[1]:.1f}x, load "
                   f"{ours[2] / h5[2]:.1f}x, save+load {both:.1f}x")


def bench_document(folder: Path, repeat: int) -> str:
    doc = results_document()
    storage = DLFriendlyStorage()
    b = Bench(folder, repeat)
    b.run("json + .tolist()", lambda p: json_save(doc, p), json_load)
    for fmt in ("json", "compressed", "hdf5", "pickle"):
        b.run(f"Loupe {fmt}", *loupe(storage, fmt, doc), repeat=1 if fmt == "hdf5" else None)
    return b.table("10,000-entry nested results document", "json + .tolist()")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-json-array", action="store_true",
                        help="skip json + .tolist() on the 64 MB array (about a minute)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="loupe-bench-") as folder:
        print(bench_array(Path(folder), args.repeat, args.skip_json_array))
        print()
        print(bench_document(Path(folder), max(1, args.repeat // 2)))


if __name__ == "__main__":
    main()
