"""MLflow tracking stores, read through MLflow's own client (extra ``loupe-lab[mlflow]``).

Found in a folder: a file store (``mlruns/`` with ``{experiment}/meta.yaml``, or the folder
itself) and SQLite stores (``*.db`` files holding MLflow's tables, checked read-only). A server
is read by URI (``MlflowSource.for_uri("http://host:5000")``). Each run is one experiment in
Loupe: params are its config, the latest metrics and tags its metadata, metric histories
(``get_metric_history``) its series. A run's signature follows its status, end time and latest
metrics, so a run still logging is read again on re-index.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..._errors import MissingDependencyError
from .._nal import RunRecord, run_document
from ._base import NoContext, Unit

_STATUS = {"FINISHED": "done", "RUNNING": "running", "SCHEDULED": "running", "FAILED": "failed",
           "KILLED": "failed"}
_TABLES = {"experiments", "runs", "metrics", "params"}


def client(uri: str) -> Any:
    # MLflow 3 refuses file stores unless asked; Loupe only reads them.
    os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
    try:
        from mlflow.tracking import MlflowClient
    except ImportError as exc:
        raise MissingDependencyError(
            "reading MLflow runs needs MLflow's client: pip install 'loupe-lab[mlflow]'"
        ) from exc
    return MlflowClient(tracking_uri=uri)


def is_file_store(folder: Path) -> bool:
    return folder.is_dir() and ((folder / "0" / "meta.yaml").is_file() or any(
        (p / "meta.yaml").is_file() and p.name.isdigit() for p in folder.iterdir()
        if p.is_dir()))


def is_sqlite_store(path: Path) -> bool:
    """An MLflow SQLite database, opened read-only to look at its tables."""
    try:
        with open(path, "rb") as f:
            if f.read(16) != b"SQLite format 3\x00":
                return False
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE "
                                               "type='table'")}
        finally:
            con.close()
    except (OSError, sqlite3.Error):
        return False
    return names >= _TABLES


def store_uris(root: Path) -> list[str]:
    """The tracking URIs of the MLflow stores in ``root``."""
    uris = []
    for folder in (root, root / "mlruns"):
        if is_file_store(folder):
            uris.append(folder.resolve().as_uri())
            break
    for path in sorted(root.glob("*.db")):
        if is_sqlite_store(path):
            uris.append(f"sqlite:///{path.resolve()}")
    return uris


class MlflowSource(NoContext):
    kind = "mlflow"
    title = "MLflow store"  # for messages
    looks_for = "mlruns/ or an MLflow *.db"

    def __init__(self, uris: list[str]) -> None:
        self.uris = uris
        self._runs: dict[str, Any] = {}

    @classmethod
    def detect(cls, root: Path) -> MlflowSource | None:
        uris = store_uris(root)
        return cls(uris) if uris else None

    @classmethod
    def for_uri(cls, uri: str) -> MlflowSource:
        return cls([uri])

    def units(self) -> list[Unit]:
        out = []
        for uri in self.uris:
            mlflow = client(uri)
            experiments = {e.experiment_id: e.name for e in mlflow.search_experiments()}
            if not experiments:
                continue
            for run in _all_runs(mlflow, list(experiments)):
                info = run.info
                key = f"{_store_name(uri)}/{experiments.get(info.experiment_id, '?')}/" \
                      f"{info.run_id}"
                sig = hashlib.sha1(repr((info.status, info.end_time, sorted(
                    run.data.metrics.items()))).encode()).hexdigest()
                self._runs[key] = (uri, run, experiments.get(info.experiment_id, ""))
                out.append(Unit(key, Path(key), sig))
        return out

    def records(self, unit: Unit) -> list[RunRecord]:
        if unit.key not in self._runs:
            self.units()
        uri, run, experiment = self._runs[unit.key]
        info, data = run.info, run.data
        # readable and unique: experiment, run name, and the start of MLflow's run id
        name = info.run_name or "run"
        run_id = f"mlflow:{experiment}/{name}-{info.run_id[:8]}"
        meta: dict[str, Any] = {"experiment_id": run_id, "kind": "run", "source": self.kind,
                                "run_name": name, "mlflow_run_id": info.run_id,
                                "mlflow_experiment": experiment, "tracking_uri": uri,
                                "series": f"{self.kind}:{uri}|{info.run_id}",
                                "timeseries_path": "", "result_path": ""}
        meta.update({k: _number(v) for k, v in data.params.items()})
        meta.update({k: v for k, v in data.tags.items() if not k.startswith("mlflow.")})
        meta.update(data.metrics)
        meta["architecture"] = str(data.params.get("model") or data.params.get("architecture")
                                   or "unknown")
        meta["status"] = _STATUS.get(info.status, str(info.status).lower())
        if info.start_time:
            meta["started"] = int(info.start_time)
        doc = run_document(meta, {}, f"MLflow run {name} in {experiment}", {})
        return [RunRecord(run_id, "", meta, doc)]

    @staticmethod
    def read_series(target: str, metrics: Sequence[str] | None) -> dict[str, np.ndarray]:
        uri, _, run_id = target.rpartition("|")
        mlflow = client(uri)
        names = list(metrics) if metrics is not None else sorted(
            mlflow.get_run(run_id).data.metrics)
        out: dict[str, np.ndarray] = {}
        for name in names:
            history = sorted(mlflow.get_metric_history(run_id, name),
                             key=lambda m: (m.step, m.timestamp))
            if not history:
                continue
            out[name] = np.asarray([m.value for m in history], "f8")
            if "step" not in out:
                out["step"] = np.asarray([m.step for m in history], "i8")
                out["wall_time"] = np.asarray([m.timestamp / 1000 for m in history], "f8")
        return out

    @staticmethod
    def series_metrics(target: str) -> list[str]:
        uri, _, run_id = target.rpartition("|")
        return sorted(client(uri).get_run(run_id).data.metrics)


def _all_runs(mlflow: Any, experiment_ids: list[str]) -> list[Any]:
    runs, token = [], None
    while True:
        page = mlflow.search_runs(experiment_ids, max_results=1000, page_token=token)
        runs.extend(page)
        token = getattr(page, "token", None)
        if not token:
            return runs


def _store_name(uri: str) -> str:
    return uri.rstrip("/").rpartition("/")[2] or uri


def _number(text: Any) -> Any:
    """MLflow keeps params as text; numbers become numbers so filters can compare them."""
    if not isinstance(text, str):
        return text
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if value.is_integer() and "." not in text and "e" not in text.lower() \
        else value
