"""A ChromaDB folder written by another program: read-only, browsable, searchable if MiniLM."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from storage import ForeignChroma, IndexUnavailableError, Lab, experiment_sources

from .writers import write_foreign_chroma


def _tree(folder):
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if ".loupe" not in p.parts}


def test_foreign_chroma_is_read_only_browsable_and_searchable(tmp_path) -> None:
    folder = tmp_path / "chroma_db"
    write_foreign_chroma(folder)
    before = _tree(folder)
    db = ForeignChroma(folder)
    infos = {i.name: i for i in db.collections()}
    assert infos["experiments"].count == 3 and infos["experiments"].searchable
    assert not infos["custom"].searchable and "8-d" in infos["custom"].note
    rows = db.browse("experiments", where={"status": "done"})
    assert sorted(r[0] for r in rows) == ["e2", "e3"]
    hits = db.search("experiments", "training blew up with NaN loss", limit=1)
    assert hits[0][0] == "e1"
    with pytest.raises(IndexUnavailableError, match="filter-only"):
        db.search("custom", "anything")
    del db
    assert _tree(folder) == before


def test_stress_layout_with_chroma_and_timeseries(tmp_path) -> None:
    root = tmp_path / "stress"
    write_foreign_chroma(root / "chroma_db")
    (root / "timeseries").mkdir()
    with h5py.File(root / "timeseries" / "e3.h5", "w") as f:
        f["loss"] = np.linspace(2, 1, 12)
    before = _tree(root)
    assert experiment_sources(root) == ["chroma"]
    lab = Lab(root)
    summary = lab.reindex()
    assert summary.indexed == 4 and not summary.failed
    assert lab.search("model diverged NaN", limit=1)[0].id == "chroma:experiments/e1"
    assert lab.index.get("chroma:experiments/e2").metadata["chroma_collection"] == "experiments"
    assert len(lab.history("chroma:experiments/e3")["loss"]) == 12
    assert lab.reindex().unchanged == 1
    assert _tree(root) == before
