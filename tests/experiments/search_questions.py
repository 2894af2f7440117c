"""Labelled questions for search quality, over the demo lab and a second lab of other vocabulary.

Each question comes with what answers it: a test on a run's metadata and document (which runs
of the lab pass it is resolved from the index, so the labels read as rules a researcher would
state: "the diverged runs", "the runs of hypothesis h017"). Used by
tests/experiments/test_search_quality.py and bench/bench_search_quality.py.

Metrics: recall@3 is |answers in the top 3| / min(3, |answers|), averaged over questions; MRR is
1 / rank of the first answer (0 when it is not in the top 10).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

Rule = Callable[[dict[str, Any], str], bool]


def status(*names: str) -> Rule:
    return lambda meta, doc: meta.get("status") in names


def field(name: str, *values: str) -> Rule:
    return lambda meta, doc: meta.get(name) in values


def says(text: str) -> Rule:
    return lambda meta, doc: text.lower() in doc.lower()


def prefix(text: str) -> Rule:
    return lambda meta, doc: str(meta.get("experiment_id", "")).startswith(text)


def both(*rules: Rule) -> Rule:
    return lambda meta, doc: all(r(meta, doc) for r in rules)


DEMO_QUESTIONS: list[tuple[str, Rule]] = [
    # states (the issue's own examples first)
    ("vision transformer that diverged", status("diverged")),
    ("which experiment is still training", status("running")),
    ("experiments in progress", status("running")),
    ("unfinished runs", status("running")),
    ("a diverged run", status("diverged")),
    ("loss blew up", status("diverged")),
    ("training exploded to NaN", status("diverged")),
    ("run that crashed out of memory", status("failed")),
    ("cuda oom", status("failed")),
    ("which runs failed", status("failed")),
    # ids
    ("h017", prefix("h017")),
    ("h017_vit-s", prefix("h017_vit-s")),
    ("h031", prefix("h031")),
    ("results of h004", prefix("h004")),
    # exact terms and fields
    ("runs on svhn with sgd", both(field("dataset", "svhn"), field("optimizer", "sgd"))),
    ("convnext runs", field("architecture", "convnext-t")),
    ("ag-news", field("dataset", "ag-news")),
    ("language model on wikitext-103", field("dataset", "wikitext-103")),
    ("smoke test of the data pipeline", says("smoke test")),
    # topics and paraphrases
    ("knowledge distillation from a teacher network", says("knowledge distillation")),
    ("mixup to reduce overfitting", says("mixup")),
    ("sharpness aware minimisation flat minima", says("sharpness-aware")),
    ("cosine schedule versus step decay", says("cosine learning-rate decay")),
    ("stochastic depth in deep residual nets", says("stochastic depth")),
    ("does warmup stabilise vision transformers", says("needs warmup")),
    ("gradient clipping against loss spikes", says("gradient clipping")),
    ("data loading was the bottleneck", says("data loading was the bottleneck")),
    ("noisy validation accuracy, rerun with another seed", says("noisy validation")),
    ("smaller patches for small images", says("patch size 8")),
    ("half precision training", says("mixed precision")),
]

SECOND_QUESTIONS: list[tuple[str, Rule]] = [
    ("runs killed by the scheduler time limit", says("time limit")),
    ("out of memory on the gpu", says("out of memory")),
    ("nccl timeout", says("nccl")),
    ("which runs are still going", status("running")),
    ("jobs in progress", status("running")),
    ("policy that diverged", both(status("diverged"), field("task", "rl"))),
    ("reward collapsed to nan", status("diverged")),
    ("crashed speech recognition jobs", both(status("failed"), field("task", "asr"))),
    ("exp-014", prefix("exp-014")),
    ("exp-003-conformer", prefix("exp-003-conformer")),
    ("exp-021", prefix("exp-021")),
    ("conformer on librispeech", both(field("architecture", "conformer"),
                                      field("dataset", "librispeech"))),
    ("lamb optimizer", field("optimizer", "lamb")),
    ("atari breakout agents", field("dataset", "atari-breakout")),
    ("question answering on squad", field("dataset", "squad")),
    ("speech recognition word error rate", field("task", "asr")),
    ("reinforcement learning from pixels", field("task", "rl")),
    ("curriculum over utterance length", says("curriculum")),
    ("spec augment masking", says("specaugment")),
    ("entropy bonus for exploration", says("entropy bonus")),
    ("low-rank adapters for fine-tuning", says("lora")),
    ("whisper fine-tuned on common voice", both(field("architecture", "whisper-small"),
                                                field("dataset", "common-voice"))),
]

# The second lab: speech, reinforcement learning and NLP; other ids, states and error texts.
_SECOND_HYPOTHESES = [
    ("asr", "A curriculum over utterance length speeds up convergence", "librispeech",
     ["conformer", "wav2vec2"], "adafactor"),
    ("asr", "SpecAugment time and frequency masking lowers the word error rate", "librispeech",
     ["conformer", "lstm"], "adam"),
    ("asr", "Fine-tuning a pretrained encoder beats training from scratch on accented speech",
     "common-voice", ["whisper-small", "wav2vec2"], "adam"),
    ("rl", "An entropy bonus keeps the policy exploring in sparse-reward games",
     "atari-breakout", ["ppo", "dqn"], "rmsprop"),
    ("rl", "Frame stacking is enough memory for continuous control from pixels",
     "mujoco-halfcheetah", ["sac", "ppo"], "adam"),
    ("nlp", "Low-rank adapters (LoRA) match full fine-tuning for extractive answers", "squad",
     ["bert-base", "t5-small"], "lamb"),
    ("nlp", "Longer sequence length helps sentiment classification little", "glue-sst2",
     ["bert-base", "lstm"], "lamb"),
]
_SECOND_NOTES = ["Stable throughout; word error rate still creeping down at the end.",
                 "Throughput limited by the dataloader workers.",
                 "Validation curve tracks training closely.",
                 "Comparable to the published baseline."]
_SECOND_SPECIAL = {  # run number -> (status, error text, note)
    2: ("failed", "RuntimeError: CUDA out of memory. Tried to allocate 2.50 GiB",
        "Batch too large for the 16 GB card."),
    5: ("in_progress", None, "Resumed from checkpoint on the new node."),
    9: ("failed", "slurmstepd: job CANCELLED DUE TO TIME LIMIT", "Killed by the scheduler."),
    14: ("diverged", "reward became nan at step 41000", "Value loss exploded."),
    17: ("failed", "NCCL watchdog timeout on rank 3", "Multi-node run hung."),
    20: ("in_progress", None, "Second seed started late."),
    24: ("diverged", "loss is inf after the warmup ended", "Learning rate too high."),
}


def write_second_lab(root: Path) -> int:
    """Write the second lab's results (no histories: search reads only the results files)."""
    (root / "results").mkdir(parents=True, exist_ok=True)
    number = 0
    for h, (task, claim, dataset, archs, optimizer) in enumerate(_SECOND_HYPOTHESES):
        runs = []
        for r in range(4):
            number += 1
            arch = archs[r % len(archs)]
            state, error, note = _SECOND_SPECIAL.get(number, ("completed", None, None))
            run = {"run_id": f"exp-{number:03d}-{arch}", "architecture": arch, "status": state,
                   "task": task, "config": {"lr": [3e-4, 1e-3, 5e-5, 2e-4][r], "seed": r,
                                            "optimizer": optimizer, "batch_size": 32 * (r + 1)},
                   "metrics": {"score": round(0.5 + 0.1 * ((number * 7) % 5), 3)},
                   "notes": note or _SECOND_NOTES[(number + h) % len(_SECOND_NOTES)]}
            if error:
                run["error"] = error
            runs.append(run)
        doc = {"hypothesis_id": f"q{h + 1:02d}", "hypothesis": claim, "dataset": dataset,
               "tags": [task], "runs": runs}
        path = root / "results" / f"q{h + 1:02d}_results.json"
        path.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    return number


def answers(index: Any, rule: Rule) -> set[str]:
    """The ids of the runs of ``index`` (an ExperimentIndex) that answer a question."""
    res = index._collection.get(include=["documents", "metadatas"])
    return {i for i, d, m in zip(res["ids"], res["documents"], res["metadatas"], strict=True)
            if rule(dict(m or {}), d or "")}


def evaluate(lab: Any, questions: list[tuple[str, Rule]], mode: str
             ) -> tuple[float, float, dict[str, tuple[float, float]]]:
    """(recall@3, MRR, per question (recall@3, reciprocal rank)) of ``lab.search`` in a mode."""
    per: dict[str, tuple[float, float]] = {}
    for question, rule in questions:
        wanted = answers(lab.index, rule)
        assert wanted, f"no run answers {question!r}: fix the label"
        ranked = [h.id for h in lab.search(question, limit=10, mode=mode)]
        recall = len(wanted & set(ranked[:3])) / min(3, len(wanted))
        first = next((k for k, rid in enumerate(ranked, 1) if rid in wanted), None)
        per[question] = (recall, 1.0 / first if first else 0.0)
    n = len(per)
    return (sum(r for r, _ in per.values()) / n, sum(m for _, m in per.values()) / n, per)
