"""The embedded index: upsert, semantic search, filters, listing, fields, errors."""

from __future__ import annotations

import math

import pytest

from storage import ChromaConfig, ExperimentIndex, Hit, IndexUnavailableError, WhereSyntaxError

DOCS = {
    "h1_resnet18_lr1e-3_s0": ("ResNet-18 image classification on CIFAR-10 with SGD",
                              {"architecture": "resnet18", "accuracy": 0.91, "lr": 1e-3,
                               "epochs": 100, "status": "done", "seed": 0}),
    "h1_resnet50_lr3e-4_s1": ("ResNet-50 image classification with cosine schedule",
                              {"architecture": "resnet50", "accuracy": 0.95, "lr": 3e-4,
                               "epochs": 200, "status": "done", "seed": 1}),
    "h2_vit-s_lr1e-2_s0": ("Vision transformer small diverged: loss became NaN",
                           {"architecture": "vit-s", "accuracy": float("nan"), "lr": 1e-2,
                            "epochs": 12, "status": "diverged", "seed": 0}),
    "h3_transformer_lr5e-4_s0": ("Language model transformer on text, perplexity falling",
                                 {"architecture": "transformer", "accuracy": 0.62, "lr": 5e-4,
                                  "epochs": 40, "status": "running", "seed": 0}),
    "h4_mlp_lr1e-3_s2": ("Small MLP baseline on tabular data",
                         {"architecture": "mlp", "accuracy": 0.81, "lr": 1e-3, "epochs": 20,
                          "status": "done", "seed": 2, "notes": None}),
}


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> ExperimentIndex:
    ix = ExperimentIndex(ChromaConfig(tmp_path_factory.mktemp("ix") / "index"))
    ids = list(DOCS)
    ix.upsert(ids, [DOCS[i][0] for i in ids], [DOCS[i][1] for i in ids])
    return ix


def test_text_search_ranks_by_meaning(index) -> None:
    hits = index.query("a network that went to NaN", limit=3, mode="dense")
    assert hits[0].id == "h2_vit-s_lr1e-2_s0"
    assert all(isinstance(h, Hit) and h.distance is not None for h in hits)
    assert [h.distance for h in hits] == sorted(h.distance for h in hits)
    fused = index.query("a network that went to NaN", limit=3)
    assert fused[0].id == "h2_vit-s_lr1e-2_s0"
    assert [h.score for h in fused] == sorted((h.score for h in fused), reverse=True)
    assert index.query("tabular baseline", limit=1)[0].id == "h4_mlp_lr1e-3_s2"


def test_filters(index) -> None:
    ids = {h.id for h in index.query(where="accuracy > 0.9 and lr < 1e-2")}
    assert ids == {"h1_resnet18_lr1e-3_s0", "h1_resnet50_lr3e-4_s1"}
    assert {h.id for h in index.query(where='status == "running"')} == {"h3_transformer_lr5e-4_s0"}
    both = index.query("image classification", where="epochs >= 150")
    assert [h.id for h in both] == ["h1_resnet50_lr3e-4_s1"]
    assert len(index.query(where="status == done or status == diverged")) == 4
    raw = index.query(where={"seed": {"$eq": 2}})
    assert [h.id for h in raw] == ["h4_mlp_lr1e-3_s2"]


def test_in_matches_prefixes_of_stored_text_values(index) -> None:
    ids = {h.id for h in index.query(where="architecture in (resnet, vit)")}
    assert ids == {"h1_resnet18_lr1e-3_s0", "h1_resnet50_lr3e-4_s1", "h2_vit-s_lr1e-2_s0"}
    assert {h.id for h in index.query(where="architecture == resnet50")} == {
        "h1_resnet50_lr3e-4_s1"}


def test_nan_metrics_are_dropped_not_matched(index) -> None:
    hit = index.get("h2_vit-s_lr1e-2_s0")
    assert "accuracy" not in hit.metadata and hit.metadata["status"] == "diverged"
    assert "h2_vit-s_lr1e-2_s0" not in {h.id for h in index.query(where="accuracy > 0")}


def test_listing_sorted(index) -> None:
    hits = index.query(sort_by="accuracy", limit=10)
    assert all(h.distance is None for h in hits)
    assert [h.metadata.get("accuracy") for h in hits][:4] == [0.95, 0.91, 0.81, 0.62]
    assert hits[-1].id == "h2_vit-s_lr1e-2_s0"  # no accuracy: last
    asc = index.query(sort_by="epochs", descending=False, limit=2)
    assert [h.metadata["epochs"] for h in asc] == [12, 20]
    assert len(index.query(limit=2)) == 2


def test_fields(index) -> None:
    fields = index.fields()
    assert fields["accuracy"].kind == "number" and fields["accuracy"].count == 4
    assert fields["accuracy"].minimum == 0.62 and fields["accuracy"].maximum == 0.95
    assert fields["status"].kind == "text"
    assert fields["status"].values == ["diverged", "done", "running"]
    assert fields["epochs"].count == 5 and "notes" not in fields


def test_upsert_updates_never_duplicates(tmp_path) -> None:
    ix = ExperimentIndex(ChromaConfig(tmp_path / "ix"))
    ix.upsert(["a"], ["first"], [{"accuracy": 0.1}])
    ix.upsert(["a"], ["second"], [{"accuracy": 0.2}])
    assert ix.count() == 1
    hit = ix.get("a")
    assert hit.document == "second" and math.isclose(hit.metadata["accuracy"], 0.2)
    ix.delete(["a"])
    assert ix.count() == 0 and ix.get("a") is None
    # reopened from disk, in a new client object
    ix.upsert(["b"], ["kept"], [{"x": 1}])
    assert ExperimentIndex(ChromaConfig(tmp_path / "ix")).get("b").document == "kept"


def test_bad_filter_is_a_syntax_error(index) -> None:
    with pytest.raises(WhereSyntaxError):
        index.query(where="accuracy >")


def test_broken_index_folder_is_reported_and_kept(tmp_path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)
    with pytest.raises(IndexUnavailableError, match="never deletes"):
        ExperimentIndex(ChromaConfig(folder))
    assert (folder / "chroma.sqlite3").read_bytes().startswith(b"this is not")


def test_index_path_that_is_a_file(tmp_path) -> None:
    path = tmp_path / "file"
    path.write_text("x")
    with pytest.raises(IndexUnavailableError, match="cannot open"):
        ExperimentIndex(ChromaConfig(path))
    assert path.read_text() == "x"


def test_locked_index_folder_is_reported_quickly(tmp_path) -> None:
    import sqlite3

    folder = tmp_path / "ix"
    ExperimentIndex(ChromaConfig(folder)).upsert(["a"], ["x"], [{"a": 1}])
    holder = sqlite3.connect(folder / "chroma.sqlite3")
    holder.execute("BEGIN EXCLUSIVE")  # another program writing to it
    try:
        with pytest.raises(IndexUnavailableError, match="locked by another program"):
            ExperimentIndex(ChromaConfig(folder, timeout_s=0.2))
    finally:
        holder.rollback()
        holder.close()
    assert (folder / "chroma.sqlite3").exists()


@pytest.mark.parametrize("where", [{"status": "done"}, {"lr": {"$lt": 1e-3}},
                                   {"status": "running"}, {"epochs": {"$gt": 10_000}}])
def test_filtered_dense_side_equals_chromas_filtered_query(index, where) -> None:
    """Post-filtering the nearest runs (fast path) gives what Chroma's filtered query gives."""
    text = "image classification network"
    for limit in (1, 2, 5):
        fast = index.dense_hits(text, where, limit, index.ids_where(where))
        slow = index.dense_hits(text, where, limit)
        assert [h.id for h in fast] == [h.id for h in slow]
        assert [h.metadata for h in fast] == [h.metadata for h in slow]


def test_lexical_index_is_rebuilt_from_chroma_when_missing(index, tmp_path) -> None:
    again = ExperimentIndex(index.config)
    again.lexical().clear()  # as an index made before the lexical file existed
    fresh = ExperimentIndex(index.config)
    assert fresh.lexical().count() == len(DOCS)
    assert fresh.query("h2_vit-s", limit=1)[0].id == "h2_vit-s_lr1e-2_s0"


def test_filtered_ids_are_reread_after_any_writer_changes_the_index(tmp_path) -> None:
    config = ChromaConfig(tmp_path / "index")
    ours = ExperimentIndex(config)
    ours.upsert(["a"], ["resnet on cifar"], [{"status": "done"}])
    where = {"status": "done"}
    assert ours.ids_where(where) == {"a"} and ours.ids_where(where) == {"a"}
    ours.upsert(["b"], ["vit on svhn"], [{"status": "done"}])  # our own write
    assert ours.ids_where(where) == {"a", "b"}
    other = ExperimentIndex(config)  # another window or a training script
    other.upsert(["a"], ["resnet on cifar"], [{"status": "failed"}])
    assert ours.ids_where(where) == {"b"}
