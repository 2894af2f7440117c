"""PyTorch Lightning ``CSVLogger`` folders: ``{save_dir}/{name}/version_N/``, one run each.

``metrics.csv`` has a column per logged key plus ``epoch`` and ``step``; a row holds only the
keys logged at that step (other cells are empty), so each metric is a series over the rows
where it has a value. ``hparams.yaml`` (read with ``yaml.safe_load``) is the config.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

import numpy as np

from ..._errors import CorruptFileError, MissingDependencyError
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

METRICS = "metrics.csv"
HPARAMS = "hparams.yaml"


def read_metrics(path: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """metric -> (steps, values); a row still being written (no newline yet) is left out."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if not text.endswith("\n"):
        text = text[: text.rfind("\n") + 1]
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        return {}
    header, steps, values = rows[0], {}, {}
    index = {name: i for i, name in enumerate(header)}
    step_col = index.get("step", index.get("epoch"))
    for n, row in enumerate(rows[1:]):
        step = _number(row[step_col]) if step_col is not None and step_col < len(row) else n
        for name, i in index.items():
            if name in ("step",) or i >= len(row) or row[i] == "":
                continue
            value = _number(row[i])
            if value is None:
                continue
            steps.setdefault(name, []).append(n if step is None else step)
            values.setdefault(name, []).append(value)
    return {k: (np.asarray(steps[k], "i8"), np.asarray(values[k], "f8")) for k in values}


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def read_hparams(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        import yaml
    except ImportError as exc:  # chromadb brings it; a bare install may not have it
        raise MissingDependencyError("reading hparams.yaml needs PyYAML: pip install pyyaml") \
            from exc
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CorruptFileError(f"{path.name}: not readable YAML ({exc})", path=path) from exc
    return doc if isinstance(doc, dict) else {}


class LightningCsvSource(StepSeriesSource):
    kind = "lightning"
    title = "Lightning CSV logs"  # for messages
    looks_for = f"{METRICS} (with {HPARAMS})"

    @classmethod
    def detect(cls, root: Path) -> LightningCsvSource | None:
        return cls(root) if walk(root, lambda n: n == METRICS, True, 6) else None

    def units(self) -> list[Unit]:
        folders = sorted({p.parent for p in walk(self.root, lambda n: n == METRICS)})
        return [Unit(relative_key(self.root, f), f,
                     files_signature([f / METRICS, f / HPARAMS])) for f in folders]

    def records(self, unit: Unit) -> list[RunRecord]:
        folder = unit.path
        run_id = f"pl:{unit.key}"
        hparams = read_hparams(folder / HPARAMS)
        meta: dict[str, Any] = {"experiment_id": run_id, "kind": "run", "source": self.kind,
                                "run_name": unit.key, "result_path": str(folder / METRICS),
                                "series": f"{self.kind}:{folder}", "timeseries_path": ""}
        meta.update(scalar_items(hparams))
        meta["architecture"] = str(hparams.get("model") or hparams.get("architecture")
                                   or "unknown")
        series = read_metrics(folder / METRICS)
        for name, (_, values) in series.items():
            if name not in ("epoch",) and len(values):
                meta[name] = float(values[-1])
        if "epoch" in series and len(series["epoch"][1]):
            meta["epochs"] = int(series["epoch"][1].max()) + 1
        loss = [v for k, (_, v) in series.items() if "loss" in k]
        meta["status"] = "diverged" if any(not math.isfinite(x) for v in loss for x in v) \
            else "done"
        doc = run_document(meta, {}, f"Lightning CSVLogger run {unit.key}", {})
        return [RunRecord(run_id, "", meta, doc)]

    @staticmethod
    def parsed_series(folder: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        path = folder / METRICS
        return _CACHE.get(str(path), files_signature([path]), lambda: read_metrics(path))


_CACHE = ParsedCache()
