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

DEFAULT_STEPS = 250
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


def corpus_files(corpus: Path, lab: Path) -> list[Path]:
    files = sorted(p for p in (corpus / "hdf5").iterdir() if p.suffix in HDF5_SUFFIXES)
    files += sorted((corpus / "json").glob("*.json"))[:4]
    files += sorted(lab.rglob("*.h5"))[:3]  # the lab's own histories
    return files


@pytest.mark.timeout(max(600, STEPS * 10))
def test_monkey_walk(qtbot, corpus, labs, tmp_path) -> None:
    from gui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    work = tmp_path / "work"
    work.mkdir()
    monkey = Monkey(qtbot, window, random.Random(SEED), corpus_files(corpus, labs[0]), labs,
                    work, corpus / "json")
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
