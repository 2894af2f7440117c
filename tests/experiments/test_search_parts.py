"""The parts of hybrid search on their own: BM25 index, query words, filter suggestions, fields."""

from __future__ import annotations

import pytest

from storage import FieldInfo, UnknownFieldError, check_where, suggest_filters
from storage._experiments._lexical import LexicalIndex
from storage._experiments._query_words import id_tokens, query_terms, states_named

RUNS = {
    "h001_resnet18_s0": ("resnet18 on svhn: finished.", {"status": "done", "dataset": "svhn",
                                                         "optimizer": "sgd"}),
    "h001_vit-s_s1": ("vit-s on svhn: diverged, loss became NaN.",
                      {"status": "diverged", "dataset": "svhn", "optimizer": "adamw"}),
    "h002_mlp_s0": ("mlp on cifar10: failed.", {"status": "failed", "dataset": "cifar10",
                                                "error": "RuntimeError: CUDA out of memory"}),
    "h002_mlp_s1": ("mlp on cifar10: still training.", {"status": "running"}),
}
FIELDS = {"status": FieldInfo("status", "text", values=["diverged", "done", "failed",
                                                        "running"]),
          "dataset": FieldInfo("dataset", "text", values=["cifar10", "svhn"]),
          "optimizer": FieldInfo("optimizer", "text", values=["adamw", "sgd"]),
          "lr": FieldInfo("lr", "number", 1e-4, 1e-2),
          "accuracy": FieldInfo("accuracy", "number", 0.1, 0.97),
          "epochs": FieldInfo("epochs", "number", 8, 2000)}


@pytest.fixture()
def lexical(tmp_path) -> LexicalIndex:
    ix = LexicalIndex(tmp_path / "lex.sqlite3")
    ix.upsert(list(RUNS), [d for d, _ in RUNS.values()], [m for _, m in RUNS.values()])
    return ix


def _ids(ix: LexicalIndex, words: str) -> list[str]:
    return [r for r, _ in ix.search(" OR ".join(f'"{w}"' for w in query_terms(words)), 10)]


def test_bm25_finds_states_by_their_words_and_error_text(lexical) -> None:
    assert _ids(lexical, "blew up")[0] == "h001_vit-s_s1"
    assert _ids(lexical, "still in progress")[0] == "h002_mlp_s1"
    assert _ids(lexical, "out of memory") == ["h002_mlp_s0"]  # status words and the error
    assert _ids(lexical, "svhn sgd")[0] == "h001_resnet18_s0"  # both words beat one


def test_upsert_replaces_delete_removes_and_the_file_persists(lexical, tmp_path) -> None:
    lexical.upsert(["h002_mlp_s1"], ["mlp: finished."], [{"status": "done"}])
    assert _ids(lexical, "still training") == []
    lexical.delete(["h001_vit-s_s1", "not-there"])
    assert lexical.count() == 3
    lexical.close()
    assert LexicalIndex(tmp_path / "lex.sqlite3").count() == 3


def test_id_prefix_exact_first_and_matched_words(lexical) -> None:
    assert lexical.with_prefix("H001", 10) == ["h001_resnet18_s0", "h001_vit-s_s1"]
    assert lexical.with_prefix("h001_vit-s_s1", 10) == ["h001_vit-s_s1"]
    words = lexical.matched_words('"diverged" OR "svhn"', ["h001_vit-s_s1", "h002_mlp_s0"])
    assert words == {"h001_vit-s_s1": ["status: diverged", "svhn", "diverged"]}


def test_query_words() -> None:
    assert query_terms("Which runs are on SVHN with vit-s?") == ["svhn", "vit"]
    assert id_tokens("compare h017 and h017_vit-s, exp-014") == ["h017", "h017_vit-s",
                                                                 "exp-014"]
    assert states_named("which experiment is still training") == {"running": "still training"}
    assert states_named("the loss blew up; later it crashed") == {"diverged": "blew up",
                                                                   "failed": "crashed"}
    assert states_named("word error rate of the speech model") == {}


def test_filter_suggestions_read_fields_and_numbers() -> None:
    def exprs(text: str) -> list[str]:
        return [s.expression for s in suggest_filters(text, FIELDS)]

    assert exprs("runs on svhn with sgd") == ['dataset == "svhn"', 'optimizer == "sgd"']
    assert exprs("lr 1e-3 and accuracy above 0.9") == ["lr == 1e-3", "accuracy > 0.9"]
    assert exprs("learning rate below 3e-4") == ["lr < 3e-4"]
    assert exprs("accuracy of at least 90%") == ["accuracy >= 0.9"]
    assert exprs("more than 500 epochs") == ["epochs > 500"]
    assert exprs("a diverged vit") == ['status == "diverged"']
    assert exprs("a transformer on imagenet") == []  # nothing the index knows


def test_unknown_fields_name_the_closest_known() -> None:
    with pytest.raises(UnknownFieldError, match="did you mean accuracy"):
        check_where("acuracy > 0.9", FIELDS)
    with pytest.raises(ValueError, match="'optimiser'.*optimizer"):
        check_where('lr < 1e-3 and optimiser == "sgd"', FIELDS)
    with pytest.raises(UnknownFieldError, match="known fields: accuracy, dataset"):
        check_where("zzz > 1", FIELDS)
    assert check_where("accuracy > 0.9", FIELDS) == {"accuracy": {"$gt": 0.9}}
    assert check_where("anything > 1", {}) == {"anything": {"$gt": 1}}  # nothing known yet
    many = {f"field_{i:02d}" for i in range(25)} | {"lr", "status", "tags"}
    with pytest.raises(UnknownFieldError) as caught:  # a usual lab: every name, none cut off
        check_where("zzz > 1", many)
    assert all(name in str(caught.value) for name in many) and "more" not in str(caught.value)
    with pytest.raises(UnknownFieldError, match=r"field_039 and 60 more$"):
        check_where("zzz > 1", {f"field_{i:03d}" for i in range(100)})
