"""Smoke test of a built Loupe: the bundle (default ``dist/loupe/loupe``) or any ``loupe`` command.

Runs ``--version``; ``inspect --json`` on every file of the corpus' hdf5 folder (broken files
must fail with a clear one-line message, not a traceback); ``demo`` + ``index`` + ``search`` with
no network; ``--screenshot`` of a demo file; and times the start to the first window. Prints a
table and exits non-zero when a check fails::

    python packaging/smoke_bundle.py [LOUPE_EXE] [--corpus DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run(argv: list[str], env: dict[str, str], timeout: float = 600) -> tuple[int, str, str, float]:
    start = time.monotonic()
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=timeout)
    return done.returncode, done.stdout, done.stderr, time.monotonic() - start


def offline_env(home: Path) -> dict[str, str]:
    """No network for models or telemetry, no display, settings in a scratch folder."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(QT_QPA_PLATFORM="offscreen", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               ANONYMIZED_TELEMETRY="False", XDG_CONFIG_HOME=str(home / "config"),
               XDG_DATA_HOME=str(home / "data"), XDG_CACHE_HOME=str(home / "cache"),
               no_proxy="*", HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9")
    return env


def check_inspect(exe: list[str], corpus: Path, env: dict[str, str]) -> list[str]:
    """``inspect --json`` on each HDF5 file: JSON out, or a clear error (no traceback)."""
    failures = []
    for path in sorted((corpus / "hdf5").iterdir()):
        rc, out, err, secs = run([*exe, "inspect", "--json", str(path)], env)
        tail = (err.strip().splitlines() or [""])[-1][:110]
        verdict = "ok" if rc == 0 and out.lstrip().startswith(("{", "[")) else f"rc={rc}: {tail}"
        if "Traceback" in err:
            verdict = f"TRACEBACK: {tail}"
            failures.append(path.name)
        elif rc != 0 and not tail:
            failures.append(path.name)
        print(f"  inspect --json {path.name:52s} {secs:5.1f}s  {verdict}")
    return failures


def start_times(exe: list[str], env: dict[str, str], out: Path, runs: int = 3) -> list[float]:
    """Seconds from launch to a saved picture of the empty main window (process exit)."""
    times = []
    for i in range(runs):
        rc, _, err, secs = run([*exe, "--screenshot", str(out / f"start{i}.png")], env)
        if rc != 0:
            raise SystemExit(f"--screenshot failed: {err[-2000:]}")
        times.append(secs)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exe", nargs="*", default=[str(REPO / "dist" / "loupe" / "loupe")])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--out", type=Path, default=None, help="keep screenshots here")
    args = parser.parse_args()
    exe = args.exe
    home = Path(tempfile.mkdtemp(prefix="loupe-smoke-"))
    out = args.out or home
    out.mkdir(parents=True, exist_ok=True)
    env = offline_env(home)
    failures: list[str] = []

    rc, version, err, secs = run([*exe, "--version"], env)
    print(f"--version: {version.strip() or err.strip()} ({secs:.1f}s)")
    failures += [] if rc == 0 and "+source" not in version else ["--version"]
    failures += check_inspect(exe, args.corpus, env)

    lab = home / "lab"
    for step in (["demo", str(lab)], ["index", str(lab)],
                 ["search", "--lab", str(lab), "--limit", "3", "resnet learning rate"]):
        rc, stdout, err, secs = run([*exe, *step], env)
        print(f"  {' '.join(step[:1])}: rc={rc} {secs:.1f}s")
        if rc != 0:
            print(err[-2000:])
            failures.append(step[0])
    print("  search output:\n    " + "\n    ".join(stdout.strip().splitlines()[:5]))

    demo_file = next(iter(sorted(lab.rglob("*.h5"))), None)
    if demo_file is None:
        failures.append("no demo .h5 file")
    else:
        shot = out / "bundle-demo.png"
        rc, _, err, secs = run([*exe, str(demo_file), "--screenshot", str(shot)], env)
        print(f"--screenshot {demo_file.name}: rc={rc} {secs:.1f}s -> {shot}")
        failures += [] if rc == 0 and shot.exists() else ["--screenshot"]

    times = start_times(exe, env, out)
    print("start to first window (s): " + ", ".join(f"{t:.2f}" for t in times)
          + f"; median {statistics.median(times):.2f}")
    print("FAILED: " + ", ".join(failures) if failures else "all smoke checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
