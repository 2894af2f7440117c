"""Write ``packaging/constraints.txt``: the exact, consistent package set Loupe's CI installs.

``pip freeze`` of a working venv is not always installable: packages installed by hand later can
leave it inconsistent (``pip check`` complains). So this resolves Loupe with every extra CI
installs (``EXTRAS``; torch pinned to the CPU build) in a fresh venv, preferring the versions
of the given venv, drops the pins ``pip check`` objects to, and freezes the result::

    .venv/bin/python packaging/freeze_constraints.py [.venv]
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "packaging" / "constraints.txt"
EXTRAS = "test,model,bundle,remote,tensorboard,mlflow"  # every extra CI installs
TORCH = "torch==2.13.0"  # an unpinned torch downloads a CUDA build
HEADER = (
    "# The exact package set Loupe's CI installs (written by packaging/freeze_constraints.py).\n"
    "# Reproduce: pip install -c packaging/constraints.txt torch==2.13.0 \\\n"
    "#     -e '.[test,model,remote,tensorboard,mlflow]'\n"
)


def _pip(python: Path, *args: str) -> str:
    done = subprocess.run([str(python), "-m", "pip", *args], capture_output=True, text=True)
    if done.returncode != 0 and args[0] != "check":
        tail = (done.stdout + done.stderr)[-4000:]
        raise SystemExit(f"pip {' '.join(args)} failed:\n{tail}")
    return done.stdout


def preferred_pins(source_venv: Path) -> list[str]:
    """``pip freeze`` of ``source_venv`` minus the packages ``pip check`` finds in conflict."""
    python = source_venv / "bin" / "python"
    bad = set()
    for line in _pip(python, "check").splitlines():
        found = re.match(r"(\S+) \S+ has requirement ([A-Za-z0-9_.\-]+)", line)
        if found:
            bad.update(name.lower() for name in found.groups())
    pins = []
    for line in _pip(python, "freeze", "--exclude", "loupe-lab").splitlines():
        name = re.split(r"[=@ ]", line, maxsplit=1)[0].lower()
        if line.startswith("-e") or "@" in line or name in bad:
            continue
        pins.append(line)
    return pins


def main(source_venv: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        seed = Path(tmp) / "seed.txt"
        seed.write_text("\n".join(preferred_pins(source_venv)) + "\n")
        venv.create(Path(tmp) / "env", with_pip=True)
        python = Path(tmp) / "env" / "bin" / "python"
        _pip(python, "install", "-q", "-c", str(seed), TORCH, f"{REPO}[{EXTRAS}]")
        frozen = _pip(python, "freeze", "--exclude", "loupe-lab")
    OUT.write_text(HEADER + frozen)
    print(f"wrote {OUT} ({len(frozen.splitlines())} packages)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / ".venv")
