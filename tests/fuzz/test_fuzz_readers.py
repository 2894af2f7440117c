"""Fuzz the readers: deterministic mutants of every corpus HDF5 file and of DL-JSON files.

Each mutant is opened through the node layer (open, list to a bounded depth, describe, attributes,
properties, small slices; :mod:`fuzz.probe`, in subprocesses) and through ``loupe inspect --json``.
Each must answer within a time bound with data or a typed error: no hang, no crash, no traceback.
CI runs a few mutants per file; ``LOUPE_FUZZ_MUTANTS=N`` runs N per file, all of them also
through inspect unless ``LOUPE_FUZZ_INSPECTED=M`` (README and docs/browser.md have counts).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import h5py
import numpy as np
import pytest
from conftest import corpus_dir, loupe_command, subprocess_env
from fuzz.mutants import make_mutants
from fuzz.runner import Findings, fuzz_env, inspect_mutant, probe_mutants, sources

from storage import DLFriendlyStorage
from storage._formats._h5open import writer_may_be_active

CI_MUTANTS = 6  # per corpus file, through the node layer
CI_INSPECTED = 2  # of those, also through `loupe inspect` (a subprocess each)
MUTANTS = int(os.environ.get("LOUPE_FUZZ_MUTANTS", CI_MUTANTS))
# of each file's mutants, how many also go through `loupe inspect` (LOUPE_FUZZ_INSPECTED=N)
INSPECTED = int(os.environ.get("LOUPE_FUZZ_INSPECTED", MUTANTS if "LOUPE_FUZZ_MUTANTS" in
                               os.environ else CI_INSPECTED))


def _corpus_or_skip():
    folder = corpus_dir() / "hdf5"
    if not folder.is_dir():
        pytest.skip(f"corpus not found at {corpus_dir()}: set LOUPE_CORPUS to the shared corpus")
    return sources(corpus_dir())


def _report(findings: Findings, count: int) -> None:
    print(f"fuzz: {count} mutants, {findings.answered} answered by the node layer, "
          f"{findings.typed} with typed errors or marked rows, {len(findings.problems)} problems")
    assert not findings.problems, "\n\n".join(findings.problems[:20])


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_corpus_mutants_answer_with_data_or_typed_errors(tmp_path) -> None:
    originals = _corpus_or_skip()
    for original in originals:  # intact neighbours: external links of the mutants still resolve
        shutil.copy(original, tmp_path / original.name)
    originals.append(_swmr_writer_copy(tmp_path / "made"))  # opened in SWMR mode
    mutants = [m for original in originals for m in make_mutants(original, MUTANTS, tmp_path)]
    _probe_and_report(mutants, tmp_path)


def _probe_and_report(mutants: list, tmp_path: Path) -> None:
    """Every mutant read in a subprocess, the first few inspected with the CLI as well."""
    env = fuzz_env(subprocess_env(tmp_path))
    findings = Findings()
    probe_mutants(mutants, env, findings)
    for mutant in [m for m in mutants if m.number < INSPECTED]:
        inspect_mutant(mutant, loupe_command(), env, findings)
    _report(findings, len(mutants))


def _swmr_writer_copy(folder: Path) -> Path:
    """A run file as a reader finds it while a SWMR writer has it open (flag in the superblock):
    the one case where Loupe reads in SWMR mode, with HDF5's read retries bounded."""
    folder.mkdir()
    live, copy = folder / "writing.h5", folder / "live_swmr_run.h5"
    with h5py.File(live, "w", libver="latest") as f:
        f.attrs["experiment_id"] = "live"
        for name in ("loss", "accuracy", "step"):
            f.create_dataset(name, data=np.linspace(1, 0, 50), maxshape=(None,), chunks=(16,))
        f.create_dataset("config/names", data=np.array(["a", "b"], dtype=h5py.string_dtype()))
        f.swmr_mode = True
        f["loss"].resize((60,))
        f.flush()
        copy.write_bytes(live.read_bytes())
    assert writer_may_be_active(copy)
    return copy


def _results():
    rng = np.random.default_rng(13)
    return {"config": {"lr": 1e-3, "layers": [64, 32], "name": "run-7", "nan": float("nan")},
            "history": {"loss": rng.random(300).tolist(), "acc": rng.random(300)},
            "weights": rng.standard_normal((16, 8)).astype(np.float32),
            "labels": np.array(["cat", "dog"] * 20)}


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_dljson_and_compressed_mutants(tmp_path) -> None:
    storage = DLFriendlyStorage(array_inline_max=16)
    originals = [storage.save_to_file(_results(), tmp_path / "results.json", format="json"),
                 storage.save_to_file(_results(), tmp_path / "results.dlz", format="compressed"),
                 storage.save_to_file({"loss": [0.5, 0.25]}, tmp_path / "small.json",
                                      format="json")]
    folder = tmp_path / "mutants"
    folder.mkdir()
    count = max(MUTANTS * 2, 8)
    mutants = [m for original in originals for m in make_mutants(original, count, folder)]
    _probe_and_report(mutants, tmp_path)
