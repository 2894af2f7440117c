"""Benchmark of the JSON migration: dry run, convert (backup + verify), restore.

Makes a folder of realistic result files (per-epoch histories of 10 to 10,000 epochs, configs,
reports; 2,000 files and about 300 MB at ``--scale 1``), then times, in this process:

- baselines: read every file with the ``json`` module and write it again (one process, no
  backup, no verify) -- the cost of "simply re-writing the files". Two ways: ``json.loads`` +
  ``json.dumps`` with one read and one write (the faster, used as the baseline of the ratios),
  and ``json.load`` + ``json.dump`` on file objects;
- dry run (``plan_migration``), convert (``run_migration``: backup, convert, read back and
  compare, journal, report) and restore (``restore_originals``).

Prints a table of files/s, MB/s and the ratio of each step's time to the baseline's.
Usage: ``python bench/bench_migration.py [--scale 0.25] [--workers 2] [--format auto]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storage import (  # noqa: E402
    MigrationOptions,
    plan_migration,
    restore_originals,
    run_migration,
)

METRICS = ("loss", "val_loss", "accuracy", "val_accuracy", "top5", "val_top5", "lr",
           "grad_norm", "weight_norm", "seconds")


def _history(rng: np.random.Generator, epochs: int) -> dict:
    t = np.linspace(0, 5, epochs)
    hist = {m: (np.exp(-t * rng.uniform(0.5, 2)) + rng.normal(0, 0.02, epochs)).tolist()
            for m in METRICS}
    hist["epoch"] = list(range(epochs))
    return hist


def make_folder(root: Path, files: int, seed: int = 0) -> int:
    """Write ``files`` result files under ``root`` (half histories, a quarter configs, a quarter
    reports with short lists); return the total bytes."""
    rng = np.random.default_rng(seed)
    total = 0
    for n in range(files):
        kind = max(0, n % 4 - 1)  # 0, 0, 1, 2
        sub = root / f"project_{n % 7}" / f"sweep_{n % 13}"
        sub.mkdir(parents=True, exist_ok=True)
        if kind == 0:
            epochs = int(10 ** rng.uniform(1, 4))  # 10 to 10,000 epochs, log-uniform
            doc = {"hypothesis_id": f"hyp_{n:05d}", "history": _history(rng, epochs),
                   "config": {"lr": float(rng.choice([1e-2, 1e-3, 1e-4])), "batch": 64}}
            path = sub / f"hyp_{n:05d}_results.json"
        elif kind == 1:
            doc = {"model": {"layers": [int(x) for x in rng.integers(16, 512, 6)],
                             "activation": "gelu", "dropout": None},
                   "optimizer": {"name": "adamw", "betas": [0.9, 0.999], "eps": 1e-8},
                   "seed": n, "tags": ["baseline", f"run{n}"]}
            path = sub / f"config_{n:05d}.json"
        else:
            doc = {"lab_id": f"lab_{n:05d}", "summary": "final metrics of the session",
                   "per_class_accuracy": rng.random(100).tolist(),
                   "confusion": rng.integers(0, 50, (10, 10)).tolist(),
                   "timestamps": [f"2025-07-17T01:{i % 60:02d}:00" for i in range(20)]}
            path = sub / f"lab_report_{n:05d}.json"
        text = json.dumps(doc, indent=1 if kind else None)
        path.write_text(text, encoding="utf-8")
        total += len(text)
    return total


def json_rewrite(root: Path, streaming: bool) -> float:
    """A baseline: read and parse every file, write it again (to a sibling, then removed).

    ``streaming`` uses ``json.load``/``json.dump`` on file objects (what most scripts do);
    otherwise ``json.loads``/``json.dumps`` with one read and one write (faster).
    """
    start = time.perf_counter()
    for path in sorted(root.rglob("*.json")):
        tmp = path.with_name(path.name + ".rewrite")
        if streaming:
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump(data, fh)
        else:
            tmp.write_text(json.dumps(json.loads(path.read_text(encoding="utf-8"))),
                           encoding="utf-8")
        tmp.unlink()
    return time.perf_counter() - start


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 2,000 files, ~300 MB")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--format", default="auto")
    parser.add_argument("--keep", action="store_true", help="keep the generated folder")
    args = parser.parse_args()
    files = max(30, int(2000 * args.scale))
    root = Path(tempfile.mkdtemp(prefix="loupe-bench-migration-"))
    try:
        total = make_folder(root / "lab", files)
        return run(root / "lab", files, total, args)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


def run(folder: Path, files: int, total: int, args) -> int:
    print(f"{files} files, {total / 1e6:.1f} MB, format {args.format}, {args.workers} workers, "
          f"{os.cpu_count()} CPUs")
    streaming = json_rewrite(folder, streaming=True)
    base = json_rewrite(folder, streaming=False)  # the faster one is the baseline
    options = MigrationOptions(folder, format=args.format, workers=args.workers)
    plan, t_plan = timed(plan_migration, options)
    report, t_run = timed(run_migration, options)
    result, t_restore = timed(restore_originals, folder)
    totals = report.totals()
    assert totals["failed"] == 0 and result.ok, (totals, result.errors[:3])
    rows = [("json.loads + dumps (baseline)", base, files),
            ("json.load + dump, streaming", streaming, files),
            ("dry run (plan_migration)", t_plan, len(plan.items)),
            ("convert + backup + verify", t_run, totals["converted"] + totals["skipped"]),
            ("restore", t_restore, len(result.restored) + len(result.removed))]
    print("\n| step | files | seconds | files/s | MB/s | x baseline |\n|---|---|---|---|---|---|")
    for name, seconds, count in rows:
        print(f"| {name} | {count} | {seconds:.2f} | {count / seconds:.0f} | "
              f"{total / 1e6 / seconds:.1f} | {seconds / base:.2f} |")
    print(f"\nconverted {totals['converted']}, skipped {totals['skipped']}; "
          f"{totals['bytes_before'] / 1e6:.1f} MB -> {totals['bytes_after'] / 1e6:.1f} MB "
          f"(ratio {totals['ratio']:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
