"""Loupe's in-tree build backend: setuptools, plus Loupe's data files in the wheel and sdist.

Why: the layout is fixed (``resources/`` and ``packaging/`` beside the packages, no setup.py or
MANIFEST.in), yet an installed Loupe needs its icons, stylesheet and desktop files. Git keeps a
single copy; the build copies ``resources/`` to ``gui/_resources/`` and the desktop files to
``gui/_resources/desktop/`` inside the wheel, where ``gui.resources`` looks first. The sdist
carries ``resources/`` and ``packaging/`` so a wheel built from it comes out the same.

``pyproject.toml`` names this module with ``backend-path = ["packaging"]`` and its two commands in
``[tool.setuptools.cmdclass]``. This folder is not a package (no ``__init__.py``): a package named
``packaging`` would hide the PyPI module that pip and setuptools import.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools.build_meta import *  # noqa: F403 (the PEP 517 hooks, re-exported)
from setuptools.build_meta import __all__  # noqa: F401
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

ROOT = Path(__file__).resolve().parent.parent
# Not shipped: screenshots are for the README only; caches and build output never.
SKIP_DIRS = {"screenshots", "__pycache__", "build", "dist"}
DESKTOP_FILES = ("loupe.desktop", "loupe-mime.xml", "io.github.loupe_lab.Loupe.metainfo.xml")


def resource_files() -> list[Path]:
    """Files under ``resources/`` that go into the wheel, relative to the project root."""
    base = ROOT / "resources"
    return sorted(
        p.relative_to(ROOT) for p in base.rglob("*")
        if p.is_file() and not SKIP_DIRS.intersection(p.relative_to(base).parts)
    )


def packaging_files() -> list[Path]:
    """Files under ``packaging/`` that the sdist carries (the backend itself among them)."""
    base = ROOT / "packaging"
    return sorted(
        p.relative_to(ROOT) for p in base.rglob("*")
        if p.is_file() and not SKIP_DIRS.intersection(p.relative_to(base).parts)
    )


class BuildPy(build_py):
    """``build_py`` that also puts the resources and desktop files under ``gui/_resources``."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads resources/ from the source tree
            return
        target = Path(self.build_lib) / "gui" / "_resources"
        for rel in resource_files():
            self._copy(ROOT / rel, target / rel.relative_to("resources"))
        for name in DESKTOP_FILES:
            self._copy(ROOT / "packaging" / name, target / "desktop" / name)

    def _copy(self, src: Path, dst: Path) -> None:
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)


class Sdist(sdist):
    """``sdist`` that also carries ``resources/`` and ``packaging/``."""

    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        extra = [str(p) for p in resource_files() + packaging_files()]
        super().make_release_tree(base_dir, sorted(set(files) | set(extra)))
