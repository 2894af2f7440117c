"""Benchmark of the TensorBoard source against TensorBoard's own EventAccumulator.

A logdir of N runs (default 1,000), each 10 scalar tags x 5,000 steps plus an image summary
every 500 steps, written once with torch's SummaryWriter (one run is written, the others are
copies of its event file plus their own HParams file) and kept in a cache folder. Rows, side by
side in one process, each with its baseline:

- index the logdir (read every run, embed, write the index) vs EventAccumulator loading every
  run (what TensorBoard does before it can show anything);
- re-index it unchanged (goal < 2 s) vs the first index;
- first plot of 10 runs, one metric, from a new Lab (goal < 1 s) vs EventAccumulator loading
  those 10 runs; once from the scalars cached at indexing, once with that cache removed;
- one run's scalars, all tags (goal <= half) vs EventAccumulator with every scalar kept.

Usage: python bench/bench_sources.py [--runs 1000] [--steps 5000] [--quick] [--cache DIR]
``--quick`` is 50 runs x 1,000 steps (the figures then say so).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from gui.plots.series_data import LabSource, RunRef, load_with_metrics  # noqa: E402
from storage import ChromaConfig, Lab  # noqa: E402
from storage._experiments.sources import _tensorboard as tb  # noqa: E402


def build_logdir(root: Path, runs: int, steps: int, tags: int, image_every: int) -> Path:
    """The logdir, generated once per shape and reused (a marker says it is complete)."""
    from torch.utils.tensorboard import SummaryWriter
    from torch.utils.tensorboard.summary import hparams

    logdir = root / f"logdir-{runs}x{tags}x{steps}"
    if (logdir / ".complete").exists():
        return logdir
    template = root / f"template-{tags}x{steps}"
    if not any(template.glob("events.out.tfevents.*")):
        shutil.rmtree(template, ignore_errors=True)
        writer = SummaryWriter(str(template))
        rng = np.random.default_rng(0)
        image = rng.random((3, 64, 64))
        for step in range(steps):
            for k in range(tags):
                writer.add_scalar(f"metric_{k}", float(np.exp(-step / 900) + k / 10), step)
            if step % image_every == 0:
                writer.add_image("samples", image, step)
        writer.close()
    events = next(template.glob("events.out.tfevents.*"))
    need = events.stat().st_size * runs * 1.1
    free = shutil.disk_usage(root).free
    if need > free * 0.5:
        raise SystemExit(f"the logdir needs {need / 1e9:.1f} GB, {free / 1e9:.1f} GB free: "
                         "use --runs or --steps to scale down")
    for i in range(runs):
        run = logdir / f"run_{i:04d}"
        if any(run.glob("events.out.tfevents.*")):
            continue
        run.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(events, run / events.name)
        writer = SummaryWriter(str(run), filename_suffix=".hparams")
        for summary in hparams({"lr": float(10 ** -(2 + i % 3)), "seed": i % 5,
                                "model": ["resnet18", "vit-s", "mlp"][i % 3]}, {}):
            writer.file_writer.add_summary(summary)
        writer.close()
    (logdir / ".complete").write_text("ok")
    return logdir


def accumulate(folder: Path) -> dict[str, list]:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    acc = EventAccumulator(str(folder), size_guidance={"scalars": 0})
    acc.Reload()
    return {tag: acc.Scalars(tag) for tag in acc.Tags()["scalars"]}


def timed(fn, repeat: int = 1) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=5000)
    parser.add_argument("--tags", type=int, default=10)
    parser.add_argument("--image-every", type=int, default=500)
    parser.add_argument("--quick", action="store_true", help="50 runs x 1,000 steps")
    parser.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "loupe-bench-sources")
    parser.add_argument("--ea-runs", type=int, default=20,
                        help="runs EventAccumulator loads for the index baseline (scaled up)")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.steps = 50, 1000
    args.cache.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    logdir = build_logdir(args.cache, args.runs, args.steps, args.tags, args.image_every)
    print(f"logdir {logdir} ({args.runs} runs x {args.tags} tags x {args.steps} steps, an image "
          f"every {args.image_every}; ready in {time.perf_counter() - started:.1f} s)")
    work = Path(tempfile.mkdtemp(prefix="loupe-bench-sources-"))
    os.environ["LOUPE_CACHE_DIR"] = str(work / "cache")
    chroma = ChromaConfig(work / "index")
    runs = sorted(p for p in logdir.iterdir() if p.is_dir())
    rows = []
    try:
        t_index, summary = timed(lambda: Lab(logdir, chroma).reindex())
        assert summary.indexed == args.runs, summary
        sample = runs[: min(args.ea_runs, len(runs))]
        t_ea_some, _ = timed(lambda: [accumulate(r) for r in sample])
        t_ea_all = t_ea_some * len(runs) / len(sample)
        rows.append(("index the logdir", t_index, f"EventAccumulator, all runs (from "
                     f"{len(sample)})", t_ea_all))
        t_again, again = timed(lambda: Lab(logdir, chroma).reindex(), repeat=3)
        assert again.unchanged == args.runs and again.indexed == 0, again
        rows.append(("re-index unchanged (goal < 2 s)", t_again, "first index", t_index))

        tb._CACHE._items.clear()  # as in a new window: nothing in memory
        lab = Lab(logdir, chroma)
        ids = lab.experiment_ids()[:10]
        refs = [RunRef(i, LabSource(lab, i)) for i in ids]
        t_plot, (_, data) = timed(lambda: load_with_metrics(refs, "metric_0"))
        assert all(d.error is None and len(d.arrays["metric_0"]) == args.steps for d in data)
        t_ea10, _ = timed(lambda: [accumulate(r) for r in runs[:10]])
        rows.append(("first plot of 10 runs (goal < 1 s)", t_plot, "EventAccumulator, 10 runs",
                     t_ea10))
        shutil.rmtree(work / "cache")  # no scalar cache (another user's index): event files
        tb._CACHE._items.clear()
        lab = Lab(logdir, chroma)
        refs = [RunRef(i, LabSource(lab, i)) for i in ids]
        t_cold, _ = timed(lambda: load_with_metrics(refs, "metric_0"))
        rows.append(("  same, scalar cache removed", t_cold, "EventAccumulator, 10 runs", t_ea10))
        one = runs[0]
        t_one, scalars = timed(lambda: tb.read_folder(one), repeat=3)
        t_ea1, acc = timed(lambda: accumulate(one), repeat=3)
        assert len(scalars.values["metric_0"]) == len(acc["metric_0"]) == args.steps
        rows.append(("one run's scalars (goal <= 0.5x)", t_one, "EventAccumulator, one run",
                     t_ea1))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n| {'measure':<36} | {'Loupe':>9} | {'baseline':<40} | {'baseline':>9} | ratio |")
    print(f"|{'-' * 38}|{'-' * 11}|{'-' * 42}|{'-' * 11}|-------|")
    for name, ours, base_name, base in rows:
        print(f"| {name:<36} | {ours:8.3f}s | {base_name:<40} | {base:8.3f}s | "
              f"{ours / base:5.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
