"""Fixtures of the wizard tests: a results folder made of the corpus JSON files and a few
generated large histories, and helpers that drive the wizard like a user."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

LARGE_FILES = 12
LARGE_EPOCHS = 20_000  # two metrics: about 0.8 MB of JSON per file


def make_large_results(folder: Path, count: int = LARGE_FILES, epochs: int = LARGE_EPOCHS) -> None:
    """``count`` NAL-style result files with long per-epoch histories (float lists)."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        rng = np.random.default_rng(n)
        result = {
            "hypothesis_id": f"hyp_{n:03d}",
            "config": {"lr": 10.0 ** -(2 + n % 3), "layers": [128, 64], "optimizer": "adam"},
            "history": {"loss": np.exp(-np.linspace(0, 5, epochs) + rng.normal(0, .01, epochs))
                        .tolist(),
                        "accuracy": rng.random(epochs).tolist()},
            "final": {"accuracy": 0.9 + n / 1000, "status": "done"},
        }
        (folder / f"hyp_{n:03d}_results.json").write_text(json.dumps(result), encoding="utf-8")


def take_snapshot(folder: Path) -> dict[Path, bytes]:
    """Every file below ``folder`` and its bytes."""
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def copy_writable(source: Path, target: Path) -> None:
    """Copy a corpus folder (read-only on disk) as a user's own, writable, results folder."""
    shutil.copytree(source, target, copy_function=shutil.copyfile)
    for path in [target, *target.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


@pytest.fixture
def snapshot():
    """``snapshot(folder)``: every file below ``folder`` and its bytes."""
    return take_snapshot


@pytest.fixture
def results_folder(tmp_path: Path, corpus: Path) -> Path:
    """corpus/json at the top, corpus/json_bad in ``bad/``, generated histories in ``runs/``."""
    root = tmp_path / "results"
    copy_writable(corpus / "json", root)
    copy_writable(corpus / "json_bad", root / "bad")
    make_large_results(root / "runs", count=3)
    return root


@pytest.fixture
def big_folder(tmp_path: Path, corpus: Path) -> Path:
    """Enough large files that a run can be stopped in the middle."""
    root = tmp_path / "big"
    copy_writable(corpus / "json", root)
    make_large_results(root / "runs")
    return root


@pytest.fixture
def main_window(qtbot):
    from gui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    return window


class Driver:
    """Drives the wizard the way a user does: pages, buttons, waiting for the workers."""

    RUN_TIMEOUT_MS = 180_000

    def __init__(self, qtbot) -> None:
        self.qtbot = qtbot

    def open(self, folder: Path, parent=None):
        from gui.wizard.wizard import ConvertWizard

        wizard = ConvertWizard(parent, str(folder))
        if parent is None:
            self.qtbot.addWidget(wizard)
        wizard.show()
        self.qtbot.waitUntil(lambda: wizard.source.counted is not None
                             and not wizard.source.is_busy(), timeout=30_000)
        return wizard

    def set_options(self, wizard, fmt: str = "auto", workers: int = 2, arrays: bool = True,
                    min_len: int = 8) -> None:
        page = wizard.options
        page.format_combo.setCurrentIndex(page.format_combo.findData(fmt))
        page.workers.setValue(workers)
        page.arrays.setChecked(arrays)
        page.min_len.setValue(min_len)
        page.backup_beside.setChecked(True)

    def to_preview(self, wizard, **options):
        from gui.wizard.wizard import OPTIONS, PREVIEW

        wizard.next()
        assert wizard.currentId() == OPTIONS
        self.set_options(wizard, **options)
        wizard.next()
        assert wizard.currentId() == PREVIEW
        self.qtbot.waitUntil(lambda: wizard.preview.plan is not None, timeout=60_000)
        return wizard.preview.plan

    def start_run(self, wizard) -> None:
        from gui.wizard.wizard import RUN

        wizard.next()
        assert wizard.currentId() == RUN

    def wait_run(self, wizard) -> None:
        self.qtbot.waitUntil(lambda: wizard.run.state in ("done", "cancelled", "failed"),
                             timeout=self.RUN_TIMEOUT_MS)

    def convert(self, wizard, **options):
        """Source -> Options -> Preview -> Run -> Report; returns the report."""
        from gui.wizard.wizard import REPORT

        self.to_preview(wizard, **options)
        self.start_run(wizard)
        self.wait_run(wizard)
        assert wizard.run.state == "done", wizard.run.status.text()
        wizard.next()
        assert wizard.currentId() == REPORT
        return wizard.report


@pytest.fixture
def driver(qtbot) -> Driver:
    return Driver(qtbot)
