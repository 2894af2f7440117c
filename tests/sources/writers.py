"""Stores written by the real libraries, for the source tests (in tmp_path)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest


def write_tensorboard_run(folder: Path, steps: int = 50, lr: float = 1e-3,
                          images: bool = True) -> None:
    """Scalars, images and histograms in the same event files, and HParams (torch's writer)."""
    pytest.importorskip("tensorboard")
    from torch.utils.tensorboard import SummaryWriter

    writer = SummaryWriter(log_dir=str(folder))
    rng = np.random.default_rng(0)
    for step in range(steps):
        writer.add_scalar("train/loss", 1.0 / (step + 1), step)
        writer.add_scalar("eval/accuracy", step / steps, step)
        if images and step % 10 == 0:
            writer.add_image("samples", rng.random((3, 16, 16)), step)
            writer.add_histogram("weights", rng.normal(size=500), step)
    writer.flush()
    writer.close()
    hp = SummaryWriter(log_dir=str(folder))
    from torch.utils.tensorboard.summary import hparams

    for summary in hparams({"lr": lr, "optimizer": "adamw", "model": "resnet18"},
                           {"hparam/accuracy": 0.9}):
        hp.file_writer.add_summary(summary)
    hp.close()
