"""lm-evaluation-harness result files: ``results*.json`` with ``results`` and ``config``.

One file is one run: each task's metrics become metadata (``{task}/{metric}``, the ``,none``
filter suffix dropped, stderr kept as ``..._stderr``); the model and its arguments are config.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..._errors import CorruptFileError
from .._nal import RunRecord, run_document
from ._base import FolderSource, Unit, file_signature, relative_key, walk


def _candidate(name: str) -> bool:
    return name.startswith("results") and name.endswith(".json")


def is_lm_eval(doc: Any) -> bool:
    return isinstance(doc, dict) and isinstance(doc.get("results"), dict) and (
        "config" in doc or "versions" in doc or "n-shot" in doc)


def _peek(path: Path) -> bool:
    try:
        with open(path, encoding="utf-8") as f:
            head = f.read(4096)
    except OSError:
        return False
    return '"results"' in head


class LmEvalSource(FolderSource):
    kind = "lm_eval"
    title = "lm-eval results"  # for messages
    looks_for = "results*.json of lm-evaluation-harness"

    @classmethod
    def detect(cls, root: Path) -> LmEvalSource | None:
        files = walk(root, _candidate, max_depth=4)
        return cls(root) if any(_peek(p) for p in files[:50]) else None

    def units(self) -> list[Unit]:
        return [Unit(relative_key(self.root, p), p, file_signature(p))
                for p in walk(self.root, _candidate) if _peek(p)]

    def records(self, unit: Unit) -> list[RunRecord]:
        try:
            doc = json.loads(unit.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CorruptFileError(f"{unit.path.name}: not readable JSON ({exc})",
                                   path=unit.path) from exc
        if not is_lm_eval(doc):
            return []  # another program's results file
        config = doc.get("config") or {}
        run_id = f"lm_eval:{unit.key}"
        meta: dict[str, Any] = {"experiment_id": run_id, "kind": "run", "source": self.kind,
                                "result_path": str(unit.path), "series": "",
                                "timeseries_path": "", "status": "done"}
        model = config.get("model_name") or config.get("model_args") or config.get("model")
        meta["architecture"] = str(model or doc.get("model_name") or "unknown")
        for key in ("model", "model_args", "batch_size", "device", "limit"):
            if isinstance(config.get(key), str | int | float):
                meta[f"config_{key}"] = config[key]
        tasks = sorted(doc["results"])
        for task in tasks:
            values = doc["results"][task]
            if not isinstance(values, dict):
                continue
            for key, value in values.items():
                if isinstance(value, int | float) and not isinstance(value, bool):
                    metric, _, filt = key.partition(",")
                    name = metric if filt in ("", "none") else f"{metric}_{filt}"
                    meta[f"{task}/{name}"] = value
        meta["tasks"] = ", ".join(tasks)
        doc_text = run_document(meta, {}, f"lm-evaluation-harness results on {', '.join(tasks)}",
                                {})
        return [RunRecord(run_id, "", meta, doc_text)]
