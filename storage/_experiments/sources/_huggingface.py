"""Hugging Face Trainer output folders: ``trainer_state.json`` and the results files beside it.

::

    OUT/trainer_state.json           log_history (series), best metric and checkpoint, global step
    OUT/all_results.json             final metrics (also eval_results.json, train_results.json)
    OUT/config.json                  the model's config (model_type, architectures)
    OUT/checkpoint-N/trainer_state.json   used when OUT has no state of its own (the newest)

``training_args.bin`` is a pickle and is never loaded.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np

from ..._errors import CorruptFileError
from .._nal import RunRecord, run_document
from ._base import (
    ParsedCache,
    StepSeriesSource,
    Unit,
    files_signature,
    relative_key,
    scalar_items,
    walk,
)

STATE = "trainer_state.json"
RESULTS = ("all_results.json", "eval_results.json", "train_results.json", "test_results.json")
_CHECKPOINT = re.compile(r"checkpoint-(\d+)$")
_NOT_METRICS = {"step", "epoch", "total_flos", "train_runtime", "train_samples_per_second",
                "train_steps_per_second"}


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CorruptFileError(f"{path.name}: not readable JSON ({exc})", path=path) from exc


def state_file(folder: Path) -> Path | None:
    """The run's trainer state: its own, else the newest checkpoint's."""
    if (folder / STATE).is_file():
        return folder / STATE
    checkpoints = [(int(m.group(1)), p) for p in folder.glob("checkpoint-*")
                   if (m := _CHECKPOINT.search(p.name)) and (p / STATE).is_file()]
    return max(checkpoints)[1] / STATE if checkpoints else None


def _files(folder: Path) -> list[Path]:
    state = state_file(folder)
    return [p for p in [state, *(folder / n for n in (*RESULTS, "config.json"))]
            if p is not None and p.is_file()]


def history(state: dict[str, Any]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """metric -> (steps, values) from ``log_history`` (each metric only where it was logged)."""
    steps: dict[str, list[float]] = {}
    values: dict[str, list[float]] = {}
    for entry in state.get("log_history") or []:
        if not isinstance(entry, dict):
            continue
        step = entry.get("step", len(steps.get("loss", [])))
        for key, value in entry.items():
            if key in _NOT_METRICS or isinstance(value, bool) or not isinstance(value,
                                                                                 int | float):
                continue
            steps.setdefault(key, []).append(step)
            values.setdefault(key, []).append(float(value))
    return {k: (np.asarray(steps[k], "i8"), np.asarray(values[k], "f8")) for k in values}


class HuggingFaceSource(StepSeriesSource):
    """Every folder that a Trainer wrote (a state or a results file, checkpoints folded in)."""

    kind = "huggingface"
    title = "Hugging Face Trainer"  # for messages
    looks_for = f"{STATE} or all_results.json"

    @staticmethod
    def _matches(name: str) -> bool:
        return name == STATE or name == "all_results.json"

    @classmethod
    def detect(cls, root: Path) -> HuggingFaceSource | None:
        return cls(root) if walk(root, cls._matches, first_only=True, max_depth=6) else None

    def run_folders(self) -> list[Path]:
        folders = set()
        for path in walk(self.root, self._matches):
            folder = path.parent
            if _CHECKPOINT.search(folder.name):
                folder = folder.parent  # a checkpoint belongs to its run
            folders.add(folder)
        return sorted(folders)

    def units(self) -> list[Unit]:
        return [Unit(relative_key(self.root, f), f, files_signature(_files(f)))
                for f in self.run_folders()]

    def records(self, unit: Unit) -> list[RunRecord]:
        folder = unit.path
        run_id = f"hf:{unit.key}"
        state_path = state_file(folder)
        meta: dict[str, Any] = {"experiment_id": run_id, "kind": "run", "source": self.kind,
                                "run_name": unit.key,
                                "result_path": str(state_path) if state_path else "",
                                "series": f"{self.kind}:{folder}", "timeseries_path": ""}
        config = folder / "config.json"
        if config.is_file():
            cfg = _json(config)
            arch = (cfg.get("architectures") or [None])[0] or cfg.get("model_type")
            meta["architecture"] = str(arch or "unknown")
            meta.update({f"config_{k}": v for k, v in scalar_items(cfg).items()
                         if k in ("model_type", "hidden_size", "num_hidden_layers",
                                  "num_attention_heads", "vocab_size")})
        for name in RESULTS:
            if (folder / name).is_file():
                meta.update(scalar_items(_json(folder / name)))
        if state_path is not None:
            state = _json(state_path)
            for key in ("best_metric", "best_model_checkpoint", "global_step", "epoch",
                        "max_steps", "num_train_epochs", "train_batch_size"):
                if isinstance(state.get(key), str | int | float):
                    meta[key] = state[key]
            for metric, (_, values) in history(state).items():
                meta.setdefault(metric, float(values[-1]))
        meta.setdefault("architecture", "unknown")
        meta["status"] = "done" if (folder / "all_results.json").is_file() else "running"
        doc = run_document(meta, {}, f"Hugging Face Trainer run {unit.key}", {})
        return [RunRecord(run_id, "", meta, doc)]

    @staticmethod
    def parsed_series(folder: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        state = state_file(folder)
        if state is None:
            return {}
        return _CACHE.get(str(state), files_signature([state]), lambda: history(_json(state)))


_CACHE = ParsedCache()
