"""Runs side by side: their full records, and a compare table of hyperparameters and metrics.

:func:`run_details` reads a run's own entry back from its results file (the index keeps only
flat scalars), so a diff sees nested configs, lists and arrays. :class:`CompareTable` holds one
row per run and one column per configuration value or final metric, as numpy columns: sorting
10,000 runs is one ``argsort`` (about 2 ms), not 10,000 Python comparisons per pass.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._field_roles import is_bookkeeping, is_result_name
from ._nal import load_json, parse_results

PARAM, METRIC = "param", "metric"
PAUSE_EVERY = 500  # runs between two pause() calls of CompareTable.from_runs
@dataclass
class RunDetails:
    """One run: nested ``config``, final ``metrics`` (best ones as ``best_*``), flat metadata."""

    id: str
    config: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)

    def as_tree(self) -> dict[str, Any]:
        """What a run diff compares: metadata only where it is not config or metrics again."""
        shown = set(flat_params(self.config)) | set(flat_params(self.metrics)) | {
            "result_path", "timeseries_path", "experiment_id", "kind"}
        meta = {k: v for k, v in self.metadata.items() if k not in shown}
        return {"config": self.config, "metrics": self.metrics, "metadata": meta}


def run_details(lab: Any, exp_id: str, metadata: Mapping[str, Any] | None = None) -> RunDetails:
    """A run's record from its results file (KeyError when the lab has no such run).

    ``metadata`` (a search hit's) is used when the results file cannot be read, so a run whose
    file went away still compares on what the index knows.
    """
    finder = getattr(lab, "result_path", None)  # a remote lab has no local results files
    path = finder(exp_id) if finder is not None else None
    if path is None and metadata is None:
        raise KeyError(f"the lab has no run {exp_id!r}; `loupe search --lab LAB` lists them")
    if path is not None:
        found = _from_file(path, exp_id)
        if found is not None:
            return found
    return from_metadata(exp_id, dict(metadata or {}))


def _from_file(path: Any, exp_id: str) -> RunDetails | None:
    try:
        doc = load_json(path)
        _, records = parse_results(doc, path.name.removesuffix("_results.json"))
    except Exception:  # changed or broken since indexing (reindex reports it): use the index
        return None
    runs = doc.get("runs") if isinstance(doc.get("runs"), list) else [doc]
    runs = [r for r in runs if isinstance(r, Mapping)]
    for raw, rec in zip(runs, records, strict=False):
        if rec.experiment_id != exp_id:
            continue
        config = dict(raw.get("config") or raw.get("hyperparameters") or {})
        metrics = dict(raw.get("metrics") or raw.get("final_metrics") or raw.get("results") or {})
        best = dict(raw.get("best") or raw.get("best_metrics") or {})
        metrics.update({f"best_{k}": v for k, v in best.items()})
        for key in ("architecture", "dataset"):
            if key not in config and rec.metadata.get(key) is not None:
                config[key] = rec.metadata[key]
        for key in ("accuracy", "loss"):  # derived from the history when not written
            if key not in metrics and key in rec.metadata:
                metrics[key] = rec.metadata[key]
        return RunDetails(exp_id, config, metrics, dict(rec.metadata))
    return None


def from_metadata(exp_id: str, metadata: dict[str, Any]) -> RunDetails:
    """A run known only by its flat index metadata: metrics told apart by their names."""
    config, metrics = {}, {}
    for key, value in metadata.items():
        if is_bookkeeping(key):
            continue
        (metrics if is_result_name(key) else config)[key] = value
    return RunDetails(exp_id, config, metrics, metadata)


def flat_params(config: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Scalar leaves of a nested config, named as the index names them (``lr``, ``optim.beta1``)."""
    out: dict[str, Any] = {}
    for key, value in config.items():
        name = "lr" if not prefix and key in ("learning_rate", "lr") else f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flat_params(value, f"{name}."))
        elif isinstance(value, list | tuple) and len(value) <= 8 and all(
                _is_scalar(v) for v in value):
            out[name] = str(list(value))
        elif _is_scalar(value):
            out[name] = value.item() if isinstance(value, np.generic) else value
    return out


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | bool | int | float | np.generic)


@dataclass
class Column:
    """A table column: ``values`` holds floats (NaN = missing) or objects (None = missing)."""

    name: str
    role: str  # PARAM or METRIC
    numeric: bool
    values: np.ndarray
    varying: bool = True
    missing: np.ndarray | None = None  # numeric columns: True where the run has no value

    def text(self, row: int) -> str:
        if self.missing is not None and self.missing[row]:
            return ""
        return cell_text(self.values[row])

    def is_missing(self) -> np.ndarray:
        """True where a run has no value (a NaN it reported is a value, shown as NaN)."""
        if self.missing is not None:
            return self.missing
        return np.array([v is None for v in self.values], dtype=bool)

    def categories(self) -> list[str]:
        """The distinct values of a categorical column, sorted (missing left out)."""
        return sorted({str(v) for v in self.values if v is not None})


class CompareTable:
    """Rows = runs, columns = parameters then metrics; varying columns first, constants folded."""

    def __init__(self, ids: Sequence[str], columns: Sequence[Column]) -> None:
        self.ids = list(ids)
        varying = [c for c in columns if c.varying]
        self.columns: list[Column] = ([c for c in varying if c.role == PARAM]
                                      + [c for c in varying if c.role == METRIC])
        self.constant: list[Column] = [c for c in columns if not c.varying]

    @classmethod
    def from_runs(cls, runs: Sequence[RunDetails],
                  pause: Callable[[], None] | None = None) -> CompareTable:
        """The table of ``runs``; ``pause()`` is called every PAUSE_EVERY runs and after each
        column (a GUI worker hands the GIL over there: see gui/compare/compare_jobs.py)."""
        pause = pause or (lambda: None)
        params, metrics = [], []
        for start in range(0, len(runs), PAUSE_EVERY):
            params += [flat_params(r.config) for r in runs[start:start + PAUSE_EVERY]]
            metrics += [flat_params(r.metrics) for r in runs[start:start + PAUSE_EVERY]]
            pause()
        columns = _columns(params, PARAM, pause) + _columns(metrics, METRIC, pause)
        return cls([r.id for r in runs], columns)

    @classmethod
    def from_arrays(cls, ids: Sequence[str], params: Mapping[str, Sequence[Any]],
                    metrics: Mapping[str, Sequence[Any]]) -> CompareTable:
        """Straight from columns (a benchmark, or runs built elsewhere)."""
        columns = [make_column(n, v, PARAM) for n, v in params.items()]
        columns += [make_column(n, v, METRIC) for n, v in metrics.items()]
        return cls(ids, columns)

    def __len__(self) -> int:
        return len(self.ids)

    def column(self, name: str) -> Column:
        for col in self.columns + self.constant:
            if col.name == name:
                return col
        raise KeyError(f"no column {name!r}")

    def names(self, role: str | None = None, numeric: bool | None = None) -> list[str]:
        return [c.name for c in self.columns + self.constant
                if (role is None or c.role == role) and (numeric is None or c.numeric == numeric)]

    def sort_order(self, col: int, descending: bool = False) -> np.ndarray:
        """Row order by column ``col`` (index into ``columns``); missing values always last."""
        values = self.columns[col].values
        if self.columns[col].numeric:
            keys = np.where(np.isnan(values), np.inf, -values if descending else values)
            return np.argsort(keys, kind="stable")
        text = np.array(["" if v is None else str(v) for v in values])
        order = np.argsort(text, kind="stable")
        if descending:
            order = order[::-1]
        missing = np.array([values[i] is None for i in order], dtype=bool)
        return np.concatenate([order[~missing], order[missing]])

    def differs(self, row: int, col: int, ref: int) -> bool:
        """Whether a cell differs from the reference run's cell in the same column."""
        a, b = self.columns[col].values[row], self.columns[col].values[ref]
        if self.columns[col].numeric:
            return not (a == b or (math.isnan(a) and math.isnan(b)))
        return a != b

    def same_for_all(self) -> str:
        """The folded constant columns as one line: ``optimizer=adamw, epochs=40``."""
        return ", ".join(f"{c.name}={c.text(0)}" for c in self.constant) if self.ids else ""

    def export(self, rows: Sequence[int] | None = None, fmt: str = "csv") -> str:
        """The shown columns of ``rows`` (all by default) as CSV or a Markdown table."""
        rows = range(len(self.ids)) if rows is None else rows
        header = ["run"] + [c.name for c in self.columns]
        body = [[self.ids[r]] + [c.text(r) for c in self.columns] for r in rows]
        if fmt == "markdown":
            lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in line) + " |"
                      for line in body]
            return "\n".join(lines) + "\n"
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(body)
        return buffer.getvalue()


def _columns(rows: Sequence[Mapping[str, Any]], role: str,
             pause: Callable[[], None]) -> list[Column]:
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    columns = []
    for name in names:
        columns.append(make_column(name, [row.get(name) for row in rows], role))
        pause()
    return columns


def make_column(name: str, values: Sequence[Any], role: str) -> Column:
    """A numeric column when every present value is a number (bools are categories)."""
    present = [v for v in values if v is not None]
    numeric = bool(present) and all(isinstance(v, int | float | np.integer | np.floating)
                                    and not isinstance(v, bool | np.bool_) for v in present)
    if numeric:
        arr = np.array([np.nan if v is None else float(v) for v in values], dtype=float)
        missing = np.array([v is None for v in values], dtype=bool)
        finite = arr[~np.isnan(arr)]
        varying = bool(np.isnan(arr).any() and len(finite)) or bool(
            len(finite) and (finite != finite[0]).any()) or bool(missing.any() and
                                                                 not missing.all())
        return Column(name, role, True, arr, varying, missing)
    else:
        arr = np.empty(len(values), dtype=object)
        arr[:] = [None if v is None else (v if isinstance(v, str) else str(v)) for v in values]
        varying = len(set(arr)) > 1
    return Column(name, role, False, arr, varying)


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return "NaN"
        return f"{value:.4g}"
    return str(value)
