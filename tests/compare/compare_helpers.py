"""Helpers of the compare tests: odd runs (missing, NaN, strings) and two HDF5 files."""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np

from storage import Hit


def odd_hits(n: int = 12) -> list[Hit]:
    """Runs with a log-spread lr, a string optimizer, a NaN accuracy and missing values."""
    hits = []
    for i in range(n):
        meta = {"lr": [1e-4, 1e-3, 1e-2][i % 3], "optimizer": ["adam", "sgd"][i % 2],
                "seed": i, "accuracy": 0.5 + 0.03 * i, "loss": 1.0 - 0.05 * i,
                "epochs": 10}
        if i == 3:
            meta["accuracy"] = float("nan")
        if i == 5:
            del meta["optimizer"]
        if i == 7:
            del meta["lr"]
        hits.append(Hit(f"run{i:02d}", None, "", meta))
    return hits


def write_pair(folder: Path) -> tuple[Path, Path]:
    """Two files differing in attributes, members, shapes and dtypes (and one equal group)."""
    a, b = folder / "a.h5", folder / "b.h5"
    with h5py.File(a, "w") as f:
        f.attrs["lr"] = 1e-3
        f.attrs["name"] = "baseline"
        f.create_dataset("train/loss", data=np.zeros(10, "f4")).attrs["units"] = "nats"
        f.create_dataset("only_in_a", data=[1, 2])
        f.create_dataset("same/x", data=np.arange(3))
    with h5py.File(b, "w") as f:
        f.attrs["lr"] = 3e-3
        f.attrs["extra"] = 7
        f.create_dataset("train/loss", data=np.zeros(12, "f8")).attrs["units"] = "bits"
        f.create_dataset("only_in_b", data=[1, 2])
        f.create_dataset("same/x", data=np.arange(3))
    return a, b
