"""Shared fixtures. Qt settings: offscreen, and QSettings in a temporary folder per session."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# pytest-qt reads this only if it is set before the QApplication exists.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# No test may reach the network: Hugging Face and Chroma telemetry stay off.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import pytest  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def corpus_dir() -> Path:
    """``../shared/corpus`` (override with LOUPE_CORPUS)."""
    env = os.environ.get("LOUPE_CORPUS")
    if env:
        return Path(env)
    for parent in REPO.parents:  # ../shared/corpus next to the checkout, or further up
        if (parent / "shared" / "corpus").exists():
            return parent / "shared" / "corpus"
    return REPO.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def corpus() -> Path:
    path = corpus_dir()
    if not path.exists():
        pytest.skip(f"the shared test corpus is not at {path}: set LOUPE_CORPUS to a corpus "
                    "folder to run this test")
    return path


@pytest.fixture(scope="session", autouse=True)
def _isolated_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep QSettings and XDG folders of tests away from the user's."""
    config = tmp_path_factory.mktemp("xdg-config")
    os.environ["XDG_CONFIG_HOME"] = str(config)
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("xdg-data"))
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    try:
        from PySide6.QtCore import QSettings
    except ImportError:
        return
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(config))


@pytest.fixture(autouse=True)
def _fresh_settings() -> None:
    """Each test starts from default settings: the window, panels and plots remember theirs, and
    a value one test left (a smoothing weight, a metric) changed what a later test drew.
    Only where Qt is already loaded: storage tests never import it."""
    if "PySide6.QtCore" not in sys.modules:
        return
    from gui import settings as loupe_settings

    store = loupe_settings.settings()
    store.clear()
    store.sync()


def loupe_command() -> list[str]:
    """The ``loupe`` command as a subprocess argv, working from a source tree too."""
    return [sys.executable, "-m", "gui"]


def subprocess_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env
