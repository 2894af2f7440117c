"""Search quality stays at or above a floor a little under the measured figures (docs/search.md).

The full demo lab (158 runs) and the second lab of other vocabulary, with the labelled questions
of search_questions.py; a change that hurts hybrid retrieval fails here.
"""

from __future__ import annotations

import pytest
from experiments.search_questions import (
    DEMO_QUESTIONS,
    SECOND_QUESTIONS,
    evaluate,
    write_second_lab,
)

from storage import Lab, write_demo_lab

FLOOR = 0.93  # measured: 0.978 (demo lab) and 1.000 (second lab), bench/bench_search_quality.py


@pytest.fixture(scope="module")
def labs(tmp_path_factory):
    root = tmp_path_factory.mktemp("quality")
    write_demo_lab(root / "demo")
    write_second_lab(root / "second")
    out = {"demo": Lab(root / "demo"), "second": Lab(root / "second")}
    for lab in out.values():
        lab.reindex()
    return out


@pytest.mark.parametrize(("name", "questions"), [("demo", DEMO_QUESTIONS),
                                                 ("second", SECOND_QUESTIONS)])
def test_hybrid_recall_floor(labs, name, questions) -> None:
    recall, mrr, per = evaluate(labs[name], questions, "hybrid")
    misses = {q: r for q, (r, _) in per.items() if r < 1}
    assert recall >= FLOOR, f"hybrid recall@3 {recall:.3f} < {FLOOR}; misses: {misses}"
    assert mrr >= FLOOR
    dense_recall, _, _ = evaluate(labs[name], questions, "dense")
    assert recall > dense_recall


def test_the_issues_questions_rank_the_wanted_runs_in_the_top_3(labs) -> None:
    lab = labs["demo"]
    wanted = {"vision transformer that diverged": "diverged",
              "which experiment is still training": "running",
              "experiments in progress": "running", "unfinished runs": "running",
              "a diverged run": "diverged"}
    for question, state in wanted.items():
        top = lab.search(question, limit=3)
        assert top[0].metadata["status"] == state, question
        assert f"status: {state}" in top[0].matched
    top = lab.search("runs on svhn with sgd", limit=3)
    assert all(h.metadata["dataset"] == "svhn" and h.metadata["optimizer"] == "sgd" for h in top)
    assert [s.expression for s in lab.suggest_filters("runs on svhn with sgd")] == [
        'dataset == "svhn"', 'optimizer == "sgd"']
    assert all(h.id.startswith("h017") for h in lab.search("h017", limit=3))
    first = lab.search("h017_vit-s_lr1e-2_s0", limit=3)[0]
    assert first.id == "h017_vit-s_lr1e-2_s0" and first.matched[0] == f"id {first.id}"


def test_a_failed_runs_error_message_is_searched(labs) -> None:
    top = labs["second"].search("NCCL watchdog", limit=1)[0]
    assert top.metadata["error"].startswith("NCCL") and top.lexical_rank == 1
    assert "Error: NCCL watchdog" in top.document  # in the embedded text too


def test_lab_report_title_is_not_in_the_embedded_document(labs) -> None:
    hit = labs["demo"].search("h001", limit=1)[0]
    assert "Lab report" not in hit.document
    assert hit.metadata["lab_report"].startswith("Lab report lab01")
