"""A realistic, deterministic demo lab to explore (``loupe demo DIR``).

About 40 hypotheses with several runs each (architectures, learning rates, seeds), histories of
20 to 2,000 epochs with noise, plateaus and learning-rate drops, a run that diverges to NaN, a run
still in progress, a crashed run, short smoke tests, lab reports, and a ``legacy/`` folder of
plain old-style JSON results (one of them broken) for the conversion wizard.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .._atomic import atomic_write_bytes
from ._demo_text import ARCH_FAMILIES, CLAIMS, DATASETS, NOTES, REPORT_TITLES, TEXT_DATASETS
from ._timeseries import TimeSeriesConfig, TimeSeriesStorage

LRS = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2)
EPOCH_CHOICES = (20, 30, 50, 80, 100, 150, 200, 300, 500, 1000, 2000)
EPOCH_WEIGHTS = (8, 8, 12, 10, 12, 10, 10, 8, 5, 3, 2)
SHORT_THRESHOLD = 10  # histories up to this many epochs go to compressed JSON or inline
T0 = 1_735_689_600.0  # 2025-01-01, so the demo's dates do not change between runs


@dataclass
class DemoSummary:
    path: Path
    hypotheses: int
    runs: int
    hdf5_files: int
    json_histories: int
    legacy_files: int


def _lr_tag(lr: float) -> str:
    mantissa, exponent = f"{lr:.0e}".split("e")
    return f"{mantissa}e-{int(exponent[1:])}" if exponent.startswith("-") else f"{lr:g}"


def _curves(rng: np.random.Generator, epochs: int, lr: float, quality: float,
            diverge_at: int | None) -> dict[str, np.ndarray]:
    """Plausible training curves: saturating accuracy, plateaus, an LR drop, noise, overfitting."""
    t = np.arange(epochs, dtype=float)
    tau = max(3.0, epochs / rng.uniform(4, 9)) * (1e-3 / lr) ** 0.25
    ceiling = min(0.985, quality)
    acc = 0.1 + (ceiling - 0.1) * (1 - np.exp(-t / tau))
    drop = int(epochs * rng.uniform(0.55, 0.8))
    acc[drop:] += (ceiling - acc[drop:]) * 0.5 * (1 - np.exp(-(t[drop:] - drop) / 5))
    plateau = int(epochs * rng.uniform(0.1, 0.3))
    width = max(2, epochs // 12)
    acc[plateau:plateau + width] = acc[plateau]
    acc[plateau + width:] -= acc[plateau + width] - acc[plateau] if epochs > 40 else 0
    acc = np.maximum.accumulate(acc) + rng.normal(0, 0.006, epochs)
    acc = np.clip(acc, 0.0, 0.999)
    loss = -np.log(np.clip(acc, 1e-3, 0.999)) * 1.6 + rng.normal(0, 0.01, epochs) ** 2 * 40
    overfit = np.clip(t - epochs * 0.6, 0, None) / max(epochs, 1) * rng.uniform(0.1, 0.6)
    val_loss = loss * 1.08 + overfit + np.abs(rng.normal(0, 0.02, epochs))
    val_acc = np.clip(acc - 0.02 - overfit * 0.2 + rng.normal(0, 0.01, epochs), 0, 0.999)
    sched = lr * 0.5 * (1 + np.cos(np.pi * t / max(epochs - 1, 1)))
    hist = {"loss": loss, "accuracy": acc, "val_loss": val_loss, "val_accuracy": val_acc,
            "lr": sched}
    if diverge_at is not None:
        ramp = np.exp(np.arange(epochs - diverge_at) * 0.9)
        for key in ("loss", "val_loss"):
            hist[key][diverge_at:] = hist[key][diverge_at] * ramp
            hist[key][diverge_at + 5:] = np.nan
        for key in ("accuracy", "val_accuracy"):
            hist[key][diverge_at:] = 0.1 + rng.normal(0, 0.01, epochs - diverge_at)
            hist[key][diverge_at + 5:] = np.nan
    return hist


def _final(hist: dict[str, np.ndarray]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for key in ("accuracy", "loss", "val_accuracy", "val_loss"):
        value = float(hist[key][-1])
        out[key] = value if math.isfinite(value) else None
    return out


def _best(hist: dict[str, np.ndarray]) -> dict[str, Any]:
    acc = hist["val_accuracy"]
    if not np.isfinite(acc).any():
        return {}
    epoch = int(np.nanargmax(acc))
    return {"accuracy": round(float(np.nanmax(hist["accuracy"])), 5),
            "val_accuracy": round(float(acc[epoch]), 5), "epoch": epoch}


class _DemoWriter:
    def __init__(self, root: Path, seed: int) -> None:
        self.root = root
        self.rng = np.random.default_rng(seed)
        self.ts = TimeSeriesStorage(TimeSeriesConfig(root / "timeseries", compression="gzip"))
        self.json_ts = TimeSeriesStorage(TimeSeriesConfig(root / "timeseries", use_hdf5=False))
        self.counts = {"runs": 0, "h5": 0, "json": 0}
        self.clock = T0

    def hypothesis(self, index: int, special: str | None) -> dict[str, Any]:
        rng = self.rng
        claim, family_names = CLAIMS[index % len(CLAIMS)]
        text_only = all(f == "transformer" for f in family_names)
        choices = [d for d in DATASETS if (d in TEXT_DATASETS) == text_only]
        dataset = choices[(index * 3 + index // len(CLAIMS)) % len(choices)]
        hid = f"h{index + 1:03d}"
        archs = [a for f in family_names for a in ARCH_FAMILIES[f]]
        runs = []
        for r in range(int(rng.integers(3, 6))):
            kind = special if r == 0 else None
            runs.append(self.run(hid, archs[r % len(archs)], dataset, r, kind))
        good = max(runs, key=lambda x: x["metrics"].get("accuracy") or 0)
        return {"hypothesis_id": hid, "hypothesis": claim.format(dataset=dataset),
                "dataset": dataset, "tags": list(family_names),
                "created": _iso(T0 + index * 86400 * 2),
                "conclusion": f"Best run {good['run_id']} reached "
                              f"{(good['metrics'].get('accuracy') or 0):.1%} accuracy.",
                "runs": runs}

    def run(self, hid: str, arch: str, dataset: str, r: int, kind: str | None) -> dict[str, Any]:
        rng = self.rng
        lr = float(LRS[int(rng.integers(0, len(LRS)))]) if kind != "diverged" else 1e-2
        seed = r
        epochs = int(rng.choice(EPOCH_CHOICES, p=np.array(EPOCH_WEIGHTS) / sum(EPOCH_WEIGHTS)))
        status = "done"
        if kind == "smoke":
            epochs = 8
        elif kind == "failed":
            epochs, status = 6, "failed"
        elif kind == "diverged":
            epochs, status = max(epochs, 60), "diverged"
        quality = rng.uniform(0.72, 0.97) - (0.08 if arch == "mlp" else 0.0)
        diverge = int(epochs * 0.4) if kind == "diverged" else None
        hist = _curves(rng, epochs, lr, quality, diverge)
        planned = epochs
        if kind == "running":
            status, epochs = "running", max(20, epochs // 2)
            hist = {k: v[:epochs] for k, v in hist.items()}
        run_id = f"{hid}_{arch}_lr{_lr_tag(lr)}_s{seed}"
        hist["wall_time"] = self.clock + np.cumsum(rng.uniform(20, 40, epochs))
        started, self.clock = self.clock, float(hist["wall_time"][-1]) + 600
        run: dict[str, Any] = {
            "run_id": run_id, "architecture": arch, "status": status,
            "config": {"lr": lr, "seed": seed, "epochs": planned, "optimizer": _opt(arch),
                       "batch_size": int(rng.choice([64, 128, 256])), "dataset": dataset},
            "metrics": _final(hist), "best": _best(hist), "epochs": epochs,
            "started": _iso(started),
            "notes": NOTES_BY_KIND[kind] if kind else NOTES[int(rng.integers(0, len(NOTES)))],
        }
        if status != "running":
            run["finished"] = _iso(self.clock - 600)
        if kind == "failed":  # what the training script logged; search reads it (issue 16)
            run["error"] = ("RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB "
                            "(GPU 0; 15.78 GiB total capacity)")
        self.counts["runs"] += 1
        self._store_history(run, hist, kind)
        return run

    def _store_history(self, run: dict[str, Any], hist: dict[str, np.ndarray],
                       kind: str | None) -> None:
        run_id = run["run_id"]
        if len(hist["loss"]) > SHORT_THRESHOLD:
            path = self.ts.write_history(run_id, hist, attrs={"architecture": run["architecture"]})
            run["timeseries"] = str(path.relative_to(self.root))
            self.counts["h5"] += 1
        elif kind == "failed":
            path = self.json_ts.write_history(run_id, hist)
            run["timeseries"] = str(path.relative_to(self.root))
            self.counts["json"] += 1
        else:  # a smoke test: the short history sits inline in the results file
            run["history"] = {k: [round(float(x), 6) for x in v] for k, v in hist.items()
                              if k != "wall_time"}


NOTES_BY_KIND = {
    "smoke": "Smoke test of the data pipeline before the real sweep; 8 epochs only.",
    "failed": "Crashed with CUDA out of memory after 6 epochs at batch size 256.",
    "diverged": "Loss exploded and became NaN; the learning rate is too high without warmup.",
    "running": "Still training on the shared GPU node; check back tomorrow.",
}


def _opt(arch: str) -> str:
    return "sgd" if arch.startswith("resnet") else "adamw"


def _iso(ts: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ts, tz=UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def _write_json(path: Path, doc: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, json.dumps(doc, indent=1, allow_nan=False).encode("utf-8"))


def _special(index: int) -> str | None:
    # early indexes, so that a small demo (tests) has every kind of run too
    return {1: "diverged", 2: "failed", 3: "smoke", 4: "running", 21: "smoke",
            30: "diverged"}.get(index)


def write_demo_lab(path: str | Path, hypotheses: int = 40, seed: int = 7) -> DemoSummary:
    """Write the demo lab into ``path`` (created if needed; existing demo files are replaced)."""
    root = Path(path).expanduser().resolve()
    (root / "results").mkdir(parents=True, exist_ok=True)
    writer = _DemoWriter(root, seed)
    hyps = []
    for i in range(hypotheses):
        doc = writer.hypothesis(i, _special(i))
        _write_json(root / "results" / f"{doc['hypothesis_id']}_results.json", doc)
        hyps.append(doc)
    for k, start in enumerate(range(0, len(hyps), 10)):
        chunk = hyps[start:start + 10]
        best = max((r for h in chunk for r in h["runs"]),
                   key=lambda r: r["metrics"].get("accuracy") or 0)
        title = REPORT_TITLES[k % len(REPORT_TITLES)]
        _write_json(root / "results" / f"lab_report_lab{k + 1:02d}.json", {
            "lab_id": f"lab{k + 1:02d}", "date": _iso(T0 + 86400 * 20 * (k + 1)), "title": title,
            "summary": f"{len(chunk)} hypotheses reviewed; best run {best['run_id']} "
                       f"({best['architecture']}, {(best['metrics'].get('accuracy') or 0):.1%}).",
            "hypotheses": [h["hypothesis_id"] for h in chunk], "best_run": best["run_id"]})
    legacy = _write_legacy(root / "legacy", writer.rng)
    return DemoSummary(root, len(hyps), writer.counts["runs"], writer.counts["h5"],
                       writer.counts["json"], legacy)


def _write_legacy(folder: Path, rng: np.random.Generator) -> int:
    """Plain JSON results of the old kind (long float lists, nested configs) and a broken one."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, arch in enumerate(("resnet18", "resnet50", "vgg16", "mlp", "lstm", "vit-s")):
        n = int(rng.integers(30, 200))
        hist = _curves(rng, n, 1e-3, rng.uniform(0.7, 0.95), None)
        doc = {"experiment": f"legacy_{i:02d}_{arch}", "model": arch, "date": _iso(T0 - 86400 * 90),
               "config": {"lr": 1e-3, "batch_size": 128, "augment": {"flip": True, "crop": 32}},
               "train_loss": [round(float(x), 6) for x in hist["loss"]],
               "val_acc": [round(float(x), 6) for x in hist["val_accuracy"]],
               "confusion_matrix": rng.integers(0, 50, (4, 4)).tolist(),
               "final": {"accuracy": round(float(hist["accuracy"][-1]), 4), "epochs": n}}
        _write_json(folder / f"legacy_{i:02d}_{arch}.json", doc)
    (folder / "legacy_99_broken.json").write_text(
        '{"experiment": "legacy_99_broken", "model": "resnet18", "train_loss": [0.9, 0.7,\n'
        '  0.5, 0.4,\n', encoding="utf-8")  # truncated: the run crashed while writing
    return 7
