"""Search quality: recall@3 and MRR of dense, lexical and hybrid ranking, side by side.

Over the labelled questions of tests/experiments/search_questions.py, on the demo lab
(``loupe demo``, 158 runs) and on a second lab of other vocabulary (speech, RL, NLP). Every
number comes from this one run. Usage: python bench/bench_search_quality.py [--per-question]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from experiments.search_questions import (  # noqa: E402
    DEMO_QUESTIONS,
    SECOND_QUESTIONS,
    evaluate,
    write_second_lab,
)

from storage import Lab, write_demo_lab  # noqa: E402

MODES = ("dense", "lexical", "hybrid")


def measure(lab: Lab, questions: list, show: bool) -> dict[str, tuple[float, float, dict]]:
    results = {mode: evaluate(lab, questions, mode) for mode in MODES}
    if show:
        for question, _ in questions:
            cells = "  ".join(f"{m[0]}:{results[m][2][question][0]:.2f}" for m in MODES)
            print(f"  {cells}  {question}")
    lost = [q for q, _ in questions
            if results["dense"][2][q][0] > results["hybrid"][2][q][0]]
    if lost:
        print(f"  dense alone did better on: {lost}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-question", action="store_true")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="loupe-quality-") as tmp:
        demo = Path(tmp) / "demo"
        write_demo_lab(demo)
        second = Path(tmp) / "second"
        write_second_lab(second)
        for name, folder, questions in (("demo lab", demo, DEMO_QUESTIONS),
                                        ("second lab", second, SECOND_QUESTIONS)):
            lab = Lab(folder)
            lab.reindex()
            print(f"{name}: {len(questions)} questions, {lab.index.count()} runs")
            res = measure(lab, questions, args.per_question)
            rows.append((name, len(questions), res))
    print("\n| lab | questions | recall@3 dense | lexical | hybrid "
          "| MRR dense | lexical | hybrid |")
    print("|---|---|---|---|---|---|---|---|")
    for name, n, res in rows:
        recall = " | ".join(f"{res[m][0]:.3f}" for m in MODES)
        mrr = " | ".join(f"{res[m][1]:.3f}" for m in MODES)
        print(f"| {name} | {n} | {recall} | {mrr} |")


if __name__ == "__main__":
    main()
