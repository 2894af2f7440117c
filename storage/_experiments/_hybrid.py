"""Chroma for searchable metadata, HDF5 for long histories, compressed DL-JSON for short ones.

:class:`HybridExperimentStorage` stores one experiment at a time (metadata, a document, a
history); :class:`NALChromaIntegration` feeds it NAL result documents and folders.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ._index import ChromaConfig, ExperimentIndex, Hit
from ._nal import parse_results
from ._timeseries import TimeSeriesConfig, TimeSeriesStorage, read_history_file


@dataclass
class Experiment:
    """One stored experiment; ``history`` is read from disk on first access."""

    id: str
    metadata: dict[str, Any]
    document: str
    history_path: Path | None
    _history: dict[str, np.ndarray] | None = field(default=None, repr=False)

    @property
    def history(self) -> dict[str, np.ndarray]:
        if self._history is None:
            path = self.history_path
            self._history = read_history_file(path) if path and path.exists() else {}
        return self._history


class HybridExperimentStorage:
    """Store experiments: metadata and document in Chroma, the history in HDF5 or JSON.

    Histories longer than ``timeseries_threshold`` epochs go to HDF5 (appendable, SWMR); shorter
    ones to compressed DL-JSON, both in ``timeseries_config.storage_dir``.
    """

    def __init__(self, chroma_config: ChromaConfig, timeseries_config: TimeSeriesConfig,
                 timeseries_threshold: int = 10) -> None:
        self.index = ExperimentIndex(chroma_config)
        self.threshold = int(timeseries_threshold)
        self.h5 = TimeSeriesStorage(timeseries_config)
        cfg = timeseries_config
        self.short = TimeSeriesStorage(TimeSeriesConfig(cfg.storage_dir, use_hdf5=False))

    def store_experiment(self, exp_id: str, metadata: Mapping[str, Any],
                         history: Mapping[str, Any] | None = None,
                         document: str | None = None) -> Path | None:
        """Store (or replace) one experiment; returns the history file, if any."""
        path = self.store_history(exp_id, history) if history else self._existing(exp_id)
        meta = {**metadata, "experiment_id": exp_id, "timeseries_path": str(path or "")}
        text = document or " ".join(f"{k} {v}" for k, v in metadata.items())
        self.index.upsert([exp_id], [text], [meta])
        return path

    def store_history(self, exp_id: str, history: Mapping[str, Any]) -> Path:
        """Write a history to HDF5 or compressed JSON by its length (removing the other kind)."""
        length = max((len(np.atleast_1d(v)) for v in history.values()), default=0)
        store, other = (self.h5, self.short) if length > self.threshold else (self.short, self.h5)
        path = store.write_history(exp_id, history)
        stale = other.path_for(exp_id)
        if stale.exists() and stale != path:
            stale.unlink()
        return path

    def _existing(self, exp_id: str) -> Path | None:
        return self.h5.existing_path(exp_id)

    def get_experiment(self, exp_id: str) -> Experiment | None:
        """The experiment with its metadata; its history loads when first used."""
        hit = self.index.get(exp_id)
        if hit is None:
            return None
        stored = hit.metadata.get("timeseries_path") or ""
        path = Path(stored) if stored else self._existing(exp_id)
        return Experiment(exp_id, hit.metadata, hit.document, path)

    def search(self, text: str | None = None, where: str | dict | None = None, limit: int = 20,
               sort_by: str | None = None, descending: bool = True) -> list[Hit]:
        return self.index.query(text, where, limit, sort_by, descending)

    def delete(self, ids: Sequence[str] | str) -> None:
        """Remove experiments from the index and delete their history files."""
        ids = [ids] if isinstance(ids, str) else list(ids)
        for exp_id in ids:
            for path in (self.h5.path_for(exp_id), self.short.path_for(exp_id)):
                path.unlink(missing_ok=True)
        self.index.delete(ids)


@dataclass
class ResultsDirSummary:
    indexed: list[str] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)


class NALChromaIntegration:
    """Index NAL results (schema: :mod:`._nal`) into a hybrid store."""

    def __init__(self, chroma_config: ChromaConfig, timeseries_config: TimeSeriesConfig,
                 timeseries_threshold: int = 10) -> None:
        self.storage = HybridExperimentStorage(chroma_config, timeseries_config,
                                               timeseries_threshold)

    def index_experiment_result(self, result: Mapping[str, Any], hypothesis_id: str,
                                extra_text: str = "", extra_metadata: Mapping | None = None
                                ) -> list[str]:
        """Index every run of one results document; inline histories are stored as files."""
        _, records = parse_results(result, hypothesis_id)
        for rec in records:
            meta = {**rec.metadata, **(extra_metadata or {})}
            doc = f"{rec.document} {extra_text}".strip()
            self.storage.store_experiment(rec.experiment_id, meta, rec.history, doc)
        return [r.experiment_id for r in records]

    def index_results_dir(self, folder: str | Path) -> ResultsDirSummary:
        """Index ``{hypothesis_id}_results.json`` files; lab reports add their summary text.

        The folder is read by the lab's NAL source and written by the one indexer
        (:mod:`._indexer`); inline histories are stored as files first. A malformed file is
        reported in the summary and skipped.
        """
        from ._indexer import Indexer
        from .sources import NalSource

        folder = Path(folder)
        source = _StoringSource(NalSource(folder, [folder]), self.storage)
        result = Indexer(self.storage.index, str(folder), None).run([source], redo_all=True)
        failed = {p for p, _ in result.failed}
        indexed = [r.experiment_id for path, recs in source.read for r in recs
                   if path not in failed]
        return ResultsDirSummary(indexed=indexed, failed=result.failed)


class _StoringSource:
    """A NAL source whose runs' inline histories are written to the hybrid store as read."""

    def __init__(self, source: Any, storage: HybridExperimentStorage) -> None:
        self.source, self.storage, self.kind = source, storage, source.kind
        self.read: list[tuple[Path, list]] = []

    def units(self) -> list:
        return self.source.units()

    def context_sig(self) -> str:
        return self.source.context_sig()

    def context_failures(self) -> list[tuple[Path, str]]:
        return self.source.context_failures()

    def records(self, unit: Any) -> list:
        records = self.source.records(unit)
        for rec in records:
            path = self.storage.store_history(rec.experiment_id, rec.history) if rec.history \
                else self.storage._existing(rec.experiment_id)
            rec.metadata["timeseries_path"] = rec.metadata["series"] = str(path or "")
            if rec.metadata.get("lab_report"):  # the hybrid store keeps the report in the text
                rec.document = f"{rec.document} {rec.metadata['lab_report']}"
        self.read.append((unit.path, records))
        return records
