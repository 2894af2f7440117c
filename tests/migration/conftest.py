"""Fixtures of the migration tests: realistic result folders made in ``tmp_path``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from migration.migration_helpers import make_results, write_json


@pytest.fixture
def results(tmp_path: Path) -> Path:
    folder = tmp_path / "lab"
    make_results(folder, 3)
    make_results(folder / "sub", 2)
    write_json(folder / "sub" / "config.json", {"lr": 0.1, "name": "small"})
    return folder


@pytest.fixture
def corpus_copy(corpus: Path, tmp_path: Path) -> Path:
    """The corpus's ``json`` and ``json_bad`` folders as a user's own writable folder."""
    target = tmp_path / "corpus"
    for name in ("json", "json_bad"):
        shutil.copytree(corpus / name, target / name, copy_function=shutil.copyfile)
    return target
