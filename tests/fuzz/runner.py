"""Drive :mod:`probe` and ``loupe inspect`` over mutants in subprocesses; collect what went wrong.

A subprocess per batch: a segfault in HDF5 or a hang ends that process, not pytest, and is
reported with the mutant's name (seed, kind, offset); the rest of the batch runs in a new one.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from fuzz.mutants import Mutant

PROBE = Path(__file__).with_name("probe.py")
PER_FILE_SECONDS = 30.0  # generous: a healthy mutant answers in milliseconds


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    answered: int = 0
    typed: int = 0  # mutants that gave at least one typed error or error row

    def add(self, mutant: Mutant, what: str) -> None:
        self.problems.append(f"{mutant.label}: {what}")


def _why_it_stopped(returncode: int, stderr: str) -> str:
    if returncode < 0:
        return f"crashed with signal {signal.Signals(-returncode).name}"
    if "Timeout" in stderr or "most recent call first" in stderr:
        return f"hung (no answer in {PER_FILE_SECONDS:.0f} s)"
    return f"died with exit code {returncode}"


def probe_mutants(mutants: list[Mutant], env: dict[str, str], findings: Findings) -> None:
    """Every mutant through the node layer, in as few subprocesses as crashes allow."""
    todo = list(mutants)
    while todo:
        proc = subprocess.run(
            [sys.executable, str(PROBE), str(PER_FILE_SECONDS)],
            input="".join(f"{m.path}\n" for m in todo), capture_output=True, text=True,
            env=env, timeout=PER_FILE_SECONDS * (len(todo) + 2))
        done = _read_events(proc.stdout, todo, findings)
        if done == len(todo):
            if proc.returncode != 0:
                findings.problems.append(f"probe exited {proc.returncode}: {proc.stderr[-2000:]}")
            return
        culprit = todo[done]  # started, never finished
        findings.add(culprit, f"{_why_it_stopped(proc.returncode, proc.stderr)}; stderr "
                              f"tail: {proc.stderr[-1500:]}")
        todo = todo[done + 1:]


def _read_events(stdout: str, todo: list[Mutant], findings: Findings) -> int:
    done = 0
    for line in stdout.splitlines():
        if not line.startswith('{"event"'):  # something a library printed: not ours
            continue
        event = json.loads(line)
        if event["event"] != "done":
            continue
        mutant = todo[event["i"]]
        done = event["i"] + 1
        findings.answered += 1
        findings.typed += event["typed"] > 0
        for error in event["untyped"]:
            findings.add(mutant, f"untyped error from the node layer: {error}")
    return done


def inspect_mutant(mutant: Mutant, command: list[str], env: dict[str, str],
                   findings: Findings) -> None:
    """``loupe inspect FILE --json``: JSON on stdout, or exit 2 with a message; no traceback."""
    try:
        out = subprocess.run([*command, "inspect", "--json", str(mutant.path)],
                             capture_output=True, text=True, env=env, timeout=PER_FILE_SECONDS)
    except subprocess.TimeoutExpired:
        findings.add(mutant, f"loupe inspect hung (no answer in {PER_FILE_SECONDS:.0f} s)")
        return
    if out.returncode < 0:
        findings.add(mutant, f"loupe inspect {_why_it_stopped(out.returncode, out.stderr)}")
    elif "Traceback" in out.stderr:
        findings.add(mutant, f"loupe inspect printed a traceback: {out.stderr[-1500:]}")
    elif out.returncode == 0:
        try:
            json.loads(out.stdout)
        except ValueError as exc:
            findings.add(mutant, f"loupe inspect --json printed no JSON ({exc})")
    elif not out.stderr.strip():
        findings.add(mutant, f"loupe inspect exited {out.returncode} without saying why")


def fuzz_env(base: dict[str, str]) -> dict[str, str]:
    env = dict(base)
    env["PYTHONFAULTHANDLER"] = "1"  # a crash prints the Python stack too
    return env


def sources(corpus: Path) -> list[Path]:
    return sorted(p for p in (corpus / "hdf5").iterdir() if p.is_file()) \
        if (corpus / "hdf5").is_dir() else []

