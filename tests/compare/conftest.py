"""Fixtures of the compare tests: a small indexed demo lab (made once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import indexed_demo_lab


@pytest.fixture(scope="session")
def compare_lab(tmp_path_factory) -> Path:
    """A 6-hypothesis demo lab, indexed (read only: copy it before changing it)."""
    return indexed_demo_lab(tmp_path_factory.mktemp("compare") / "lab")
