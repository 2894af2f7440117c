"""Build the wheel and sdist, install the wheel into a fresh virtual environment (no system site
packages, so a missing dependency fails here), and run the ``loupe`` it installs.

Marked ``packaging``. It takes minutes, not seconds (see docs/install.md for the
time measured); set ``LOUPE_SKIP_PACKAGING=1`` to leave it out of a run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import pytest
from conftest import REPO

pytestmark = [
    pytest.mark.packaging,
    pytest.mark.slow,
    pytest.mark.skipif(os.environ.get("LOUPE_SKIP_PACKAGING") == "1",
                       reason="LOUPE_SKIP_PACKAGING=1"),
]

CONSTRAINTS = REPO / "packaging" / "constraints.txt"
TIMINGS: dict[str, float] = {}


def _run(argv: list[str], timeout: float = 900, **kw) -> subprocess.CompletedProcess:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kw)
    assert done.returncode == 0, f"{argv}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def _timed(label: str, argv: list[str], **kw) -> subprocess.CompletedProcess:
    start = time.monotonic()
    done = _run(argv, **kw)
    TIMINGS[label] = round(time.monotonic() - start, 1)
    return done


def _no_checkout() -> dict[str, str]:
    """The environment for pip: as it is, but without this checkout on sys.path."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


def _clean_env(tmp: Path) -> dict[str, str]:
    """The user's environment without this checkout on sys.path, offscreen, offline models."""
    env = _no_checkout()
    env.update(QT_QPA_PLATFORM="offscreen", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               ANONYMIZED_TELEMETRY="False", XDG_CONFIG_HOME=str(tmp / "config"),
               XDG_DATA_HOME=str(tmp / "data"), XDG_CACHE_HOME=str(tmp / "cache"))
    return env


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The wheel (``pip wheel .``) and the sdist (the in-tree backend's build_sdist), built from
    a copy of the tree: the checkout's own build/ folder may hold stale modules, and other
    engineers' files keep changing while this runs."""
    src = tmp_path_factory.mktemp("src")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "build", "dist", "*.egg-info")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, src / name)
    for name in ("storage", "gui", "resources", "packaging"):
        shutil.copytree(REPO / name, src / name, ignore=ignore)
    out = tmp_path_factory.mktemp("dist")
    _timed("pip wheel", [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out),
                         str(src)])
    code = ("import sys; sys.path.insert(0, 'packaging'); import loupe_build; "
            f"print(loupe_build.build_sdist({str(out)!r}))")
    _timed("sdist", [sys.executable, "-c", code], cwd=src)
    return {"wheel": next(out.glob("*.whl")), "sdist": next(out.glob("*.tar.gz")), "src": src}


@pytest.fixture(scope="module", autouse=True)
def _report_timings():
    yield
    print("\npackaging timings (s):", TIMINGS)


@pytest.fixture(scope="module")
def venv(dists: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed from the package index (pinned by constraints)."""
    root = tmp_path_factory.mktemp("venv")
    _timed("venv", [sys.executable, "-m", "venv", str(root / "env")])
    py = root / "env" / "bin" / "python"
    pins = ["-c", str(CONSTRAINTS)] if CONSTRAINTS.exists() else []
    # Without the caller's PYTHONPATH: a checkout on it (with the editable install's
    # loupe_lab.egg-info) made pip take loupe-lab as installed already and skip it.
    _timed("pip install wheel", [str(py), "-m", "pip", "install", "-q", *pins,
                                 str(dists["wheel"])], timeout=1500, env=_no_checkout())
    return root


def _loupe(venv: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    exe = venv / "env" / "bin" / "loupe"
    return _timed(f"loupe {args[0]}", [str(exe), *args], env=_clean_env(venv), cwd=venv,
                  timeout=timeout)


def test_wheel_holds_packages_resources_and_desktop_files(dists: dict[str, Path]) -> None:
    with zipfile.ZipFile(dists["wheel"]) as whl:
        names = set(whl.namelist())
        meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
        text = whl.read(meta).decode()
    for needed in ("storage/__init__.py", "gui/__init__.py", "gui/cli/__init__.py",
                   "gui/_resources/style.qss", "gui/_resources/icons/loupe.svg",
                   "gui/_resources/icons/hicolor/48x48/apps/loupe-lab.png",
                   "gui/_resources/desktop/loupe.desktop"):
        assert needed in names, needed
    assert not [n for n in names if "screenshots/" in n or n.startswith("packaging/")]
    for field in ("Summary: ", "License-Expression: MIT", "Project-URL: ", "Classifier: ",
                  "Requires-Dist: PySide6-Essentials", "Provides-Extra: model"):
        assert field in text, field


def test_sdist_carries_resources_and_the_build_backend(dists: dict[str, Path]) -> None:
    with tarfile.open(dists["sdist"]) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    for needed in ("pyproject.toml", "README.md", "packaging/loupe_build.py",
                   "packaging/loupe.desktop", "resources/style.qss", "resources/icons/loupe.svg",
                   "gui/__init__.py", "storage/__init__.py"):
        assert needed in names, needed
    assert "packaging/__init__.py" not in names  # it would hide PyPI's `packaging`


def test_twine_check_passes(dists: dict[str, Path]) -> None:
    pytest.importorskip("twine")
    done = _run([sys.executable, "-m", "twine", "check", "--strict",
                 str(dists["wheel"]), str(dists["sdist"])])
    assert done.stdout.count("PASSED") == 2


def test_installed_loupe_runs_version_inspect_and_screenshot(
    venv: Path, dists: dict[str, Path], corpus: Path
) -> None:
    version = _loupe(venv, "--version").stdout
    assert version.startswith("loupe ") and "+source" not in version
    sample = corpus / "hdf5" / "dset_gzip.h5"
    out = venv / "shot.png"
    _loupe(venv, str(sample), "--screenshot", str(out), timeout=300)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if not (dists["src"] / "gui" / "cli" / "inspect_cmd.py").exists():
        pytest.skip("`loupe inspect` is not in this checkout yet")
    shown = _loupe(venv, "inspect", str(sample)).stdout
    assert "DS1" in shown or "dset" in shown.lower()


def test_installed_model_extra_searches_offline(venv: Path, dists: dict[str, Path]) -> None:
    """The ``model`` extra carries the embedding model; torch comes pinned (CPU build)."""
    if not (dists["src"] / "gui" / "cli" / "experiments_cmd.py").exists():
        pytest.skip("`loupe demo/index/search` are not in this checkout yet")
    py = venv / "env" / "bin" / "python"
    pins = ["-c", str(CONSTRAINTS)] if CONSTRAINTS.exists() else []
    _timed("pip install [model]", [str(py), "-m", "pip", "install", "-q", *pins, "torch==2.13.0",
                                   f"{dists['wheel']}[model]"], timeout=1500, env=_no_checkout())
    lab = venv / "lab"
    _loupe(venv, "demo", str(lab), timeout=600)
    _loupe(venv, "index", str(lab), timeout=600)
    found = _loupe(venv, "search", "--lab", str(lab), "learning rate", timeout=600).stdout
    assert found.strip()
