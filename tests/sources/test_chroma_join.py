"""The stress test's layout: results files and chroma_db/ holding the same experiments."""

from __future__ import annotations

import json

from gui.cli import main
from storage import Lab, experiment_sources


def _stress_layout(root) -> None:
    """generation_*_results/ (h1 in two generations, h2 with run h2_a) beside a chroma_db/
    whose entries name them by entry id, metadata experiment_id, or neither (e9)."""
    import chromadb
    from chromadb.config import Settings

    for gen in (1, 2):
        folder = root / f"generation_{gen}_results"
        folder.mkdir(parents=True)
        (folder / "h1_results.json").write_text(json.dumps(
            {"hypothesis_id": "h1", "metrics": {"accuracy": 0.5 + gen / 10}}))
    (root / "generation_1_results" / "h2_results.json").write_text(json.dumps(
        {"runs": [{"run_id": "h2_a", "metrics": {"accuracy": 0.4}}]}))
    client = chromadb.PersistentClient(path=str(root / "chroma_db"),
                                       settings=Settings(anonymized_telemetry=False))
    col = client.get_or_create_collection("experiments", embedding_function=None)
    col.add(ids=["h1", "x-17", "e9"], embeddings=[[0.1] * 8, [0.2] * 8, [0.3] * 8],
            documents=["width helps", "depth helps", "an experiment only chroma has"],
            metadatas=[{"novelty": 0.8}, {"experiment_id": "h2_a", "novelty": 0.3},
                       {"novelty": 0.1}])


def test_chroma_entries_of_result_runs_are_shown_once(tmp_path) -> None:
    root = tmp_path / "stress"
    _stress_layout(root)
    assert experiment_sources(root) == ["nal", "chroma"]
    lab = Lab(root)
    summary = lab.reindex()
    assert summary.joined == 2 and not summary.failed and not summary.collisions
    assert sorted(lab.experiment_ids()) == ["chroma:experiments/e9", "generation_1/h1",
                                            "generation_2/h1", "h2_a"]
    assert lab.index.count() == 4
    assert lab.reindex().unchanged == 4
    # a new results file naming the chroma-only entry: it is joined on the next reindex
    (root / "generation_2_results" / "e9_results.json").write_text(json.dumps(
        {"hypothesis_id": "e9", "metrics": {"accuracy": 0.9}}))
    again = Lab(root).reindex()
    assert again.joined == 3
    assert sorted(Lab(root).experiment_ids()) == ["generation_1/h1", "generation_2/e9",
                                                  "generation_2/h1", "h2_a"]


def test_index_summary_says_how_many_were_joined(tmp_path, capsys) -> None:
    root = tmp_path / "stress"
    _stress_layout(root)
    assert main(["index", str(root), "--quiet"]) == 0
    assert "joined 2 chroma entries to result runs" in capsys.readouterr().err
