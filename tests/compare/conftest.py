"""Fixtures of the compare tests: a small indexed demo lab (made once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def compare_lab(tmp_path_factory) -> Path:
    """A 6-hypothesis demo lab, indexed (read only: copy it before changing it)."""
    from storage import Lab, write_demo_lab

    root = tmp_path_factory.mktemp("compare") / "lab"
    write_demo_lab(root, hypotheses=6)
    Lab(root).reindex()
    return root
