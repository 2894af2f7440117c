"""The monkey test (issue 13): a seeded random walk over the real main window, across the corpus
files and two small demo labs, checking after every step that no exception reached
``sys.excepthook`` or Qt's message handler, that the GUI thread never stalled over
``LOUPE_MONKEY_STALL_S`` seconds (1 s), and that every plot's axis range is finite.

CI runs ``DEFAULT_STEPS`` steps; ``LOUPE_MONKEY_STEPS=N`` runs more and ``LOUPE_MONKEY_SEED=S``
another walk. A failure names the seed, the step and the last steps taken.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from monkey.driver import Monkey
from monkey.guards import Trap, Watchdog, bad_axis_ranges

DEFAULT_STEPS = 400
STEPS = int(os.environ.get("LOUPE_MONKEY_STEPS", DEFAULT_STEPS))
SEED = int(os.environ.get("LOUPE_MONKEY_SEED", "13"))
VERBOSE = bool(os.environ.get("LOUPE_MONKEY_VERBOSE"))
STALL_S = float(os.environ.get("LOUPE_MONKEY_STALL_S", "1.0"))
HDF5_SUFFIXES = {".h5", ".hdf5", ".nxs", ".nc", ".he5"}


@pytest.fixture(scope="module")
def labs(tmp_path_factory) -> list[Path]:
    """Two small demo labs, indexed beforehand (indexing is the search tests' business)."""
    from storage import Lab, write_demo_lab

    out = []
    for seed, hypotheses in ((7, 6), (11, 4)):
        folder = tmp_path_factory.mktemp(f"lab{seed}")
        write_demo_lab(folder, hypotheses=hypotheses, seed=seed)
        Lab(folder).reindex()
        out.append(folder)
    return out


@pytest.fixture(scope="module")
def made_files(tmp_path_factory) -> list[Path]:
    """Files nobody put in the corpus: a huge dataset (strided previews, 0 bytes on disk until
    written), a wide group (pages), non-finite values, links to missing files."""
    import h5py
    import numpy as np

    folder = tmp_path_factory.mktemp("made")
    with h5py.File(folder / "huge.h5", "w") as f:
        big = f.create_dataset("big", shape=(20000, 25000), dtype="f4", chunks=(500, 500),
                               compression="gzip")
        big[0:500, 0:500] = np.outer(np.hanning(500), np.hanning(500))
        f["bad"] = np.array([np.inf, -np.inf, np.nan, 0.0, -0.0])
        f["stack"] = np.random.default_rng(0).random((4, 32, 48)).astype("f4")
        f["ext"] = h5py.ExternalLink("missing.h5", "/x")
        f["soft"] = h5py.SoftLink("/nowhere")
    with h5py.File(folder / "wide.h5", "w", libver="latest") as f:
        wide = f.create_group("wide")
        for i in range(2500):
            wide[f"m{i:05d}"] = np.arange(i % 7 + 1)
    return [folder / "huge.h5", folder / "wide.h5"]


def corpus_files(corpus: Path, lab: Path) -> list[Path]:
    files = sorted(p for p in (corpus / "hdf5").iterdir() if p.suffix in HDF5_SUFFIXES)
    files += sorted((corpus / "json").glob("*.json"))[:4]
    files += sorted(lab.rglob("*.h5"))[:3]  # the lab's own histories
    return files


@pytest.mark.timeout(max(600, STEPS * 10))
def test_monkey_walk(qtbot, corpus, labs, made_files, tmp_path) -> None:
    from gui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    work = tmp_path / "work"
    work.mkdir()
    files = corpus_files(corpus, labs[0]) + made_files
    monkey = Monkey(qtbot, window, random.Random(SEED), files, labs, work, corpus / "json")
    window.open_lab(str(labs[0]))
    monkey.settle()
    trap, watchdog = Trap(), Watchdog()
    log: list[str] = []
    stalls: list[tuple[float, str]] = []
    try:
        for step in range(STEPS):
            log.append(f"{step}: {monkey.step()}")
            if VERBOSE:
                print(log[-1], flush=True)
            problems = trap.take()
            stall = watchdog.take()
            stalls.append((stall, log[-1]))
            if stall > STALL_S:
                problems.append(f"the GUI thread stalled {stall:.2f} s")
            problems += [f"axis range not finite: {b}" for b in bad_axis_ranges(window)]
            if problems:
                recent = "\n".join(log[-15:])
                pytest.fail(f"seed {SEED}, step {step}:\n" + "\n".join(problems) +
                            f"\nlast steps:\n{recent}", pytrace=False)
    finally:
        trap.close()
        watchdog.close()
        print(f"monkey: {len(log)} steps, seed {SEED}, worst GUI stall "
              f"{watchdog.worst * 1000:.0f} ms; worst steps:")
        for stall, said in sorted(stalls, reverse=True)[:5]:
            print(f"  {stall * 1000:6.0f} ms  {said}")
