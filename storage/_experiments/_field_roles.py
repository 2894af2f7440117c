"""What a field of a run's flat metadata is: bookkeeping, a result, or configuration.

Lab records flatten config, results and times into one mapping, so the role of a field is told
by its name (and, for times, by an ISO date value). The compare table (params vs metrics) and the
plots' "all hyperparameters but the seed" grouping both ask here, so they cannot disagree.
"""

from __future__ import annotations

import re
from collections.abc import Container
from typing import Any

SEED_KEYS = ("seed", "random_seed")
# Where a run is and when it ran: never configuration, never a result.
BOOKKEEPING = frozenset({
    "experiment_id", "run_id", "hypothesis_id", "lab_id", "kind", "result_path",
    "timeseries_path", "status", "document", "notes", "tags", "duration", "wall_time",
    "timestamp", "created", "started", "finished", "indexed_at", "mtime", "lab_date",
})
# How long a run went: a column worth comparing, but it splits every group of a grouping.
RUN_LENGTH = frozenset({"epochs", "steps"})
RESULT_PREFIXES = ("best_", "final_", "last_", "min_", "max_", "mean_", "val_", "test_",
                   "train_")
TIME_SUFFIXES = ("_time", "_at", "_date")
# Results by name: accuracy, top1_acc, f1, auc, perplexity, bleu, ...
_METRIC_WORDS = re.compile(r"(^|_)(acc|accuracy|loss|error|err|f1|auc|precision|recall|"
                           r"perplexity|ppl|bleu|rouge|mse|mae|rmse|iou|map|score)(_|$|\d)")
# Settings that runs also log per step (a learning-rate schedule): configuration all the same.
SCHEDULES = frozenset({"lr", "learning_rate", "momentum", "weight_decay", "wd", "beta1", "beta2",
                       "temperature", "dropout"})
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}|$)")


def is_bookkeeping(key: str) -> bool:
    return key in BOOKKEEPING


def is_result_name(key: str) -> bool:
    """A result by its name: ``accuracy``, ``val_loss``, ``best_f1``, ``top1_acc``..."""
    low = key.lower()
    return bool(_METRIC_WORDS.search(low)) or low.startswith(RESULT_PREFIXES)


def is_configuration(key: str, value: Any, results: Container[str] = ()) -> bool:
    """Whether ``key = value`` describes how the run was set up, as a grouping key.

    Not: the seed, bookkeeping (ids, paths, times), how long it ran, results by name, the name
    of a series the runs logged (``results``; a logged schedule such as ``lr`` still counts), and
    ISO dates.
    """
    if key in SEED_KEYS or is_bookkeeping(key) or key in RUN_LENGTH or is_result_name(key):
        return False
    if key in results and key not in SCHEDULES:
        return False
    if key.endswith(TIME_SUFFIXES):
        return False
    if isinstance(value, str):
        return not _ISO_DATE.match(value)
    return isinstance(value, int | float | bool)
