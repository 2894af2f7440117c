"""Helpers of the migration tests: realistic result files made in ``tmp_path``."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np


def history(epochs: int, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    loss = (np.exp(-np.linspace(0, 4, epochs)) + rng.normal(0, 0.01, epochs)).tolist()
    return {"loss": loss, "accuracy": rng.random(epochs).tolist(),
            "epoch": list(range(epochs))}


def result_doc(n: int, epochs: int = 64) -> dict:
    hist = history(epochs, n)
    hist["loss"][3] = math.nan  # researchers' histories do hold NaN
    return {"hypothesis_id": f"hyp_{n:03d}", "config": {"lr": 1e-3, "layers": [64, 32],
            "optimizer": "adam", "dropout": None, "augment": True},
            "history": hist, "final": {"accuracy": 0.91, "status": "done"}}


def write_json(path: Path, value) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def make_results(folder: Path, count: int = 4, epochs: int = 64) -> list[Path]:
    return [write_json(folder / f"hyp_{n:03d}_results.json", result_doc(n, epochs))
            for n in range(count)]


def snapshot(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.is_symlink()}


PAUSE_S = 0.15  # keeps a run of 24 files long enough to stop it midway on a fast machine


def pause_before_convert(task: dict) -> None:
    """The kill/resume tests' fault-injection hook (the worker's ``set_before_convert`` seam)."""
    import time

    time.sleep(PAUSE_S)


def convert_with_pause() -> list[str]:
    """``python -c ...`` arguments that run ``loupe`` with :func:`pause_before_convert`
    installed (the pool workers receive it through their initializer); ``tests/`` must be on
    ``PYTHONPATH``."""
    code = ("import sys\n"
            "from migration.migration_helpers import pause_before_convert\n"
            "from storage._migration._worker import set_before_convert\n"
            "set_before_convert(pause_before_convert)\n"
            "from gui.cli import main\n"
            "sys.exit(main(sys.argv[1:]))\n")
    return ["-c", code]
