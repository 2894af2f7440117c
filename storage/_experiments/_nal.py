"""NAL result files and how one run becomes an index entry.

Accepted schema of ``{hypothesis_id}_results.json`` (plain JSON or DL-friendly JSON; every field
is optional except that the file is a JSON object)::

    {
      "hypothesis_id": "h007",                 # default: the file name without _results.json
      "hypothesis": "Cosine decay beats step decay for ResNet-50",   # the claim, in words
      "dataset": "cifar100", "tags": ["schedule"], "conclusion": "...", "created": "<iso date>",
      "runs": [                                # one entry per run (= one experiment)
        {
          "run_id": "h007_resnet50_lr3e-4_s1", # also "experiment_id" or "id"
          "architecture": "resnet50",          # also config["architecture"] / config["model"]
          "config": {"lr": 3e-4, "seed": 1, "epochs": 200, "batch_size": 128, "optimizer": "adamw"},
          "status": "done",                    # done | running | diverged | failed
          "metrics": {"accuracy": 0.93, "loss": 0.21},   # final values ("final_metrics" too)
          "best": {"accuracy": 0.935, "epoch": 180},     # ("best_metrics" too)
          "history": {"loss": [...], "accuracy": [...]}, # short inline history, lists or arrays
          "timeseries": "timeseries/h007_resnet50_lr3e-4_s1.h5",  # relative to the lab folder
          "notes": "free text", "started": "<iso>", "finished": "<iso>"
        }
      ]
    }

A file without ``runs`` is one run described by its top-level fields. Unknown extra fields of a
run are kept: scalars as metadata, anything else as text in the document. Missing final or best
metrics are derived from the history; a missing status is "diverged" when the loss holds NaN.

``lab_report_{lab_id}.json``: ``{"lab_id", "date", "title", "summary", "hypotheses": [ids],
"best_run", "notes"}``; the runs of the listed hypotheses get ``lab_id`` and the summary.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .._errors import CorruptFileError
from .._formats import read_json

STATUSES = ("done", "running", "diverged", "failed")
_STATUS_ALIASES = {"completed": "done", "finished": "done", "success": "done", "ok": "done",
                   "in_progress": "running", "in progress": "running", "training": "running",
                   "nan": "diverged", "error": "failed", "crashed": "failed", "killed": "failed"}
_KNOWN_RUN_KEYS = {"run_id", "experiment_id", "id", "architecture", "model", "config",
                   "hyperparameters", "status", "metrics", "final_metrics", "best", "best_metrics",
                   "history", "timeseries", "timeseries_path", "notes", "started", "finished",
                   "hypothesis_id", "hypothesis", "dataset", "tags", "conclusion", "created",
                   "runs", "results"}


@dataclass
class RunRecord:
    """One run of a hypothesis, ready to index."""

    experiment_id: str
    hypothesis_id: str
    metadata: dict[str, Any]
    document: str
    history: dict[str, np.ndarray] | None = None
    timeseries: str | None = None  # as written in the file (relative or absolute)


@dataclass
class LabReport:
    lab_id: str
    hypotheses: list[str]
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)


def load_json(path: Path) -> Any:
    """Read a results or report file, plain or DL-friendly JSON, through the one JSON reader:
    markers decoded (a datetime is a datetime); broken text, an unknown marker or a damaged
    array is a typed error (CorruptFileError, UnknownTypeMarkerError), never silently changed."""
    return read_json(Path(path))


def parse_results(doc: Any, hypothesis_id: str, default_id: str | None = None
                  ) -> tuple[dict[str, Any], list[RunRecord]]:
    """Split one results document into hypothesis-level info and its runs.

    A run without an id of its own is named after ``default_id`` (the file's stem) when given:
    seeds written as ``r01_s0_results.json``, ``r01_s1_results.json`` share a hypothesis id and
    must not share a run id.
    """
    if not isinstance(doc, Mapping):
        raise CorruptFileError(f"results of {hypothesis_id} must be a JSON object, "
                               f"not {type(doc).__name__}")
    hid = str(doc.get("hypothesis_id") or hypothesis_id)
    hyp = {"hypothesis_id": hid, "hypothesis": _text(doc.get("hypothesis") or doc.get("title")),
           "dataset": doc.get("dataset"), "conclusion": _text(doc.get("conclusion")),
           "tags": doc.get("tags") or [], "created": _text(doc.get("created"))}
    runs = doc.get("runs")
    if runs is None:
        runs = [doc]
    if not isinstance(runs, list):
        raise CorruptFileError(f"'runs' of {hid} must be a list")
    records = [_run_record(run, hyp, i, default_id) for i, run in enumerate(runs)
               if isinstance(run, Mapping)]
    return hyp, records


def _run_record(run: Mapping[str, Any], hyp: Mapping[str, Any], index: int,
                default_id: str | None = None) -> RunRecord:
    hid = hyp["hypothesis_id"]
    base = default_id or hid
    exp_id = str(run.get("run_id") or run.get("experiment_id") or run.get("id")
                 or (base if index == 0 and "runs" not in run else f"{base}_run{index}"))
    config = dict(run.get("config") or run.get("hyperparameters") or {})
    final = dict(run.get("metrics") or run.get("final_metrics") or run.get("results") or {})
    best = dict(run.get("best") or run.get("best_metrics") or {})
    history = _history(run.get("history"))
    meta: dict[str, Any] = {"experiment_id": exp_id, "hypothesis_id": hid, "kind": "run"}
    meta["architecture"] = _text(run.get("architecture") or config.pop("architecture", None)
                                 or config.pop("model", None)) or "unknown"
    meta["dataset"] = _text(run.get("dataset") or config.pop("dataset", None) or hyp["dataset"])
    for key, value in config.items():
        name = "lr" if key in ("learning_rate", "lr") else key
        if _is_scalar(value):
            meta[name] = value
    for key, value in final.items():
        if _is_scalar(value):
            meta[key] = value
    for key, value in best.items():
        if _is_scalar(value) and key != "epoch":
            meta[f"best_{key}"] = value
    if "epoch" in best:
        meta["best_epoch"] = best["epoch"]
    _derive_from_history(meta, history)
    meta["status"] = _status(run.get("status"), history)
    meta["epochs"] = run.get("epochs") or meta.get("epochs") or _length(history) or None
    for key in ("started", "finished"):
        if run.get(key):
            meta[key] = _text(run[key])
    if hyp.get("tags"):
        meta["tags"] = ", ".join(map(str, hyp["tags"]))
    extras = {k: v for k, v in run.items() if k not in _KNOWN_RUN_KEYS}
    meta.update({k: v for k, v in extras.items() if _is_scalar(v)})
    extra_text = {k: v for k, v in extras.items() if not _is_scalar(v)}
    timeseries = run.get("timeseries") or run.get("timeseries_path")
    return RunRecord(exp_id, hid, meta, run_document(meta, hyp, run.get("notes"), extra_text),
                     history, str(timeseries) if timeseries else None)


def _history(value: Any) -> dict[str, np.ndarray] | None:
    if not isinstance(value, Mapping) or not value:
        return None
    out = {}
    for name, series in value.items():
        try:
            arr = np.asarray(series, dtype="f8").reshape(-1)
        except (TypeError, ValueError):
            continue
        out[str(name)] = arr
    return out or None


def _length(history: Mapping[str, np.ndarray] | None) -> int:
    return max((len(v) for k, v in (history or {}).items() if k not in ("step", "wall_time")),
               default=0)


def _derive_from_history(meta: dict[str, Any], history: Mapping[str, np.ndarray] | None) -> None:
    for name in ("accuracy", "loss"):
        series = (history or {}).get(name)
        if series is None or not len(series):
            continue
        finite = series[np.isfinite(series)]
        if name not in meta:
            meta[name] = float(series[-1])
        best_key = f"best_{name}"
        if best_key not in meta and len(finite):
            meta[best_key] = float(finite.max() if name == "accuracy" else finite.min())


def _status(value: Any, history: Mapping[str, np.ndarray] | None) -> str:
    text = str(value or "").strip().lower()
    text = _STATUS_ALIASES.get(text, text)
    if text in STATUSES:
        return text
    loss = (history or {}).get("loss")
    if loss is not None and len(loss) and not np.isfinite(loss).all():
        return "diverged"
    return text or "done"


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | bool | int | float) or (
        isinstance(value, np.generic) and value.ndim == 0)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        if not math.isfinite(value):
            return "NaN" if math.isnan(value) else str(value)
        return f"{value:.4g}"
    return str(value)


_STATUS_WORDS = {"done": "finished", "running": "still training, in progress",
                 "diverged": "diverged, loss became NaN", "failed": "failed, crashed"}


def run_document(meta: Mapping[str, Any], hyp: Mapping[str, Any], notes: Any,
                 extra: Mapping[str, Any]) -> str:
    """The text that semantic search sees: setup and key results in words, then the claim.

    Kept short (about 60 tokens): the embedding model costs time per token, and a long shared
    preamble makes every run of a hypothesis look alike.
    """
    status = meta.get("status", "done")
    head = f"{meta.get('architecture', 'model')}"
    if meta.get("dataset"):
        head += f" on {meta['dataset']}"
    # Numbers cost several tokens each and carry little meaning for the embedding; filters
    # handle them exactly. Keep the final accuracy, as a rounded percentage.
    results = [_STATUS_WORDS.get(status, status)]
    accuracy = meta.get("accuracy")
    if isinstance(accuracy, float) and math.isfinite(accuracy) and 0 <= accuracy <= 1:
        results.append(f"accuracy {accuracy:.0%}")
    if meta.get("epochs"):
        results.append(f"{meta['epochs']} epochs")
    results += [f"{label}{_fmt(meta[key])}" for key, label in
                (("optimizer", ""), ("lr", "lr ")) if key in meta]
    parts = [f"{head}: {', '.join(results)}."]
    if hyp.get("hypothesis"):
        parts.append(f"Hypothesis: {hyp['hypothesis']}.")
    if notes:
        parts.append(str(notes))
    for key, value in extra.items():
        parts.append(f"{key}: {json.dumps(value, default=str)[:200]}")
    return " ".join(parts)


def parse_lab_report(doc: Any, lab_id: str) -> LabReport:
    """Read a ``lab_report_{lab_id}.json`` document."""
    if not isinstance(doc, Mapping):
        raise CorruptFileError(f"lab report {lab_id} must be a JSON object")
    lab = str(doc.get("lab_id") or lab_id)
    hyps = [str(h) for h in doc.get("hypotheses") or [] if isinstance(h, str | int)]
    text = f"Lab report {lab}: {doc.get('title') or doc.get('summary') or ''}".strip()
    meta = {"lab_id": lab}
    if doc.get("date"):
        meta["lab_date"] = _text(doc["date"])
    return LabReport(lab, hyps, text, meta)
