"""A folder of experiments: whatever stores it holds, their runs' series, and the index.

::

    DIR/results/{hypothesis_id}_results.json   NAL results (schema: _nal.py); or DIR itself
    DIR/results/lab_report_{lab_id}.json       lab session reports
    DIR/generation_*_results/                  more NAL results (the stress test's layout)
    DIR/timeseries/{experiment_id}.h5          long histories (HDF5, appendable, SWMR)
    DIR/timeseries/{experiment_id}.json.zst    short histories (compressed DL-JSON)
    DIR/**/events.out.tfevents.*               TensorBoard runs (and the other sources/)
    DIR/.loupe/index/                          embedded Chroma index (unless a server is used)
    DIR/.loupe/manifest*.json                  what was indexed from which unit, and when

The folder's sources are found by :func:`.sources.detect_sources`; :mod:`._indexer` indexes
them (only units whose size or modification time changed). Loupe writes only in ``.loupe/``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ._index import ChromaConfig, ExperimentIndex, Hit
from ._index_fields import FieldInfo
from ._indexer import GROUP_RUNS, Indexer, IndexSummary, load_manifest, manifest_status
from ._lab_scan import LabFiles, file_stamp
from ._nal import RunRecord
from ._query_filters import FilterSuggestion, suggest_filters
from ._series_h5 import SeriesReader
from ._timeseries import H5_SUFFIX, read_history_file
from .sources import NalSource, Source, detect_sources, read_series, series_kind
from .sources._live import PollingSeriesReader

__all__ = ["GROUP_RUNS", "IndexSummary", "Lab"]


class Lab:
    """Open a lab folder; search it, read its runs' histories, keep its index up to date."""

    def __init__(self, path: str | Path, chroma: ChromaConfig | None = None) -> None:
        self.path = Path(path).expanduser().resolve()
        self.files = LabFiles(self.path)
        self.chroma = chroma or ChromaConfig(self.path / ".loupe" / "index")
        self._index: ExperimentIndex | None = None
        self._lock = threading.Lock()
        self._catalog_cache: tuple[tuple[int, int, int], dict[str, tuple[str, str]]] | None = None

    # -- the index -----------------------------------------------------------------------------
    @property
    def index(self) -> ExperimentIndex:
        """The experiment index (opened on first use; IndexUnavailableError if it cannot be)."""
        with self._lock:
            if self._index is None:
                self._index = ExperimentIndex(self.chroma)
            return self._index

    @property
    def manifest_path(self) -> Path:
        if self.chroma.is_server:
            tag = re.sub(r"[^\w.-]", "_", f"{self.chroma.host}_{self.chroma.port}")
            return self.path / ".loupe" / f"manifest-{tag}-{self.chroma.collection_name}.json"
        name = "manifest.json" if self.chroma.collection_name == "experiments" else \
            f"manifest-{self.chroma.collection_name}.json"
        return self.chroma.persist_directory.parent / name

    def sources(self) -> list[Source]:
        """The experiment stores in the folder, looked for again on each call (they grow)."""
        return detect_sources(self.path)

    def _manifest(self) -> dict[str, Any]:
        return load_manifest(self.manifest_path)

    def index_status(self) -> str:
        """``"missing"``, ``"stale"`` (sources changed since indexing) or ``"ok"``."""
        if not self.chroma.is_server and not Path(self.chroma.persist_directory).exists():
            return "missing"
        return manifest_status(self._manifest(), str(self.path), self.sources())

    def reindex(self, progress: Callable[[int, int, str], None] | None = None,
                cancel: threading.Event | None = None, group: int = GROUP_RUNS) -> IndexSummary:
        """Index new and changed runs of every source, drop removed ones; report bad files.

        The runs of several units are embedded and written together, about ``group`` at a time
        (one Chroma write per group). ``progress(done, total, name)`` is called per unit once
        its group is written; ``cancel`` takes effect between groups.
        """
        wiped = not self.chroma.is_server and not Path(self.chroma.persist_directory).exists()
        indexer = Indexer(self.index, str(self.path), self.manifest_path,
                          self.chroma.collection_name)
        return indexer.run(self.sources(), redo_all=wiped, progress=progress, cancel=cancel,
                           group=group)

    def failures(self) -> list[tuple[Path, str]]:
        """Units that could not be indexed last time, with the reason."""
        return [(Path(entry.get("path", name)), entry["error"])
                for name, entry in self._manifest().get("files", {}).items() if "error" in entry]

    # -- searching -----------------------------------------------------------------------------
    def search(self, text: str | None = None, where: str | dict | None = None, limit: int = 50,
               sort_by: str | None = None, descending: bool = True,
               mode: str = "hybrid") -> list[Hit]:
        """Hybrid search (ids, meaning, words), filters and sorted listings over the lab's runs."""
        return self.index.query(text=text, where=where, limit=limit, sort_by=sort_by,
                                descending=descending, mode=mode)

    def suggest_filters(self, text: str) -> list[FilterSuggestion]:
        """Filters the words of ``text`` name ("on svhn", "lr 1e-3"): offered, never applied."""
        return suggest_filters(text, self.fields()) if text and text.strip() else []

    def fields(self) -> dict[str, FieldInfo]:
        return self.index.fields()

    # -- runs and histories ----------------------------------------------------------------------
    def _catalog(self) -> dict[str, tuple[str, str]]:
        """experiment id -> (unit path, series locator) from the manifest or a scan.

        The manifest's catalog is kept until the manifest file changes: parsing the manifest of
        a 10,000-run lab takes ~5 ms, and plotting five runs asked for it five times.
        """
        stamp = file_stamp(self.manifest_path)
        cached = self._catalog_cache
        if stamp is not None and cached is not None and cached[0] == stamp:
            return cached[1]
        manifest = self._manifest()
        if manifest.get("root") == str(self.path) and manifest.get("files"):
            catalog = {exp: (entry.get("path", ""), ts) for entry in manifest["files"].values()
                       for exp, ts in entry.get("runs", {}).items()}
            self._catalog_cache = (stamp, catalog) if stamp is not None else None
            return catalog
        catalog = {}
        for source in self.sources():
            for unit in source.units():
                try:
                    records = source.records(unit)
                except Exception:  # a unit that cannot be read: reindex reports it
                    continue
                catalog.update({r.experiment_id: (str(unit.path), r.metadata.get("series", ""))
                                for r in records if r.experiment_id not in catalog})
        return catalog

    def experiment_ids(self) -> list[str]:
        return sorted(self._catalog())

    def result_path(self, exp_id: str) -> Path | None:
        """The file the run was read from (None for a run folder or a tracking store)."""
        entry = self._catalog().get(exp_id)
        path = Path(entry[0]) if entry and entry[0] else None
        return path if path is not None and path.is_file() else None

    def series_locator(self, exp_id: str) -> str:
        """Where the run's series are: a history file, ``kind:target`` of a source, or ""."""
        entry = self._catalog().get(exp_id)
        return entry[1] if entry else ""

    def series_path(self, exp_id: str) -> Path | None:
        """The HDF5 time-series file of a run, when its history is in HDF5."""
        kind, stored = series_kind(self.series_locator(exp_id))
        candidates = [Path(stored)] if kind == "file" and stored else []
        candidates.append(self.files.default_series(exp_id, H5_SUFFIX))
        return next((p for p in candidates if p.name.endswith(H5_SUFFIX) and p.exists()), None)

    def history(self, exp_id: str, metrics: Sequence[str] | None = None) -> dict[str, np.ndarray]:
        """A run's history: HDF5, compressed JSON, a source's own files, or inline ({} if none)."""
        kind, stored = series_kind(self.series_locator(exp_id))
        if kind != "file":
            return read_series(f"{kind}:{stored}", metrics)
        first = Path(stored) if stored else None
        for path in (first, self.series_path(exp_id), self.files.any_series(exp_id)):
            if path is not None and path.exists():
                return read_history_file(path, metrics)
        result = self.result_path(exp_id)
        if result is None or not result.is_file():
            return {}
        for rec in self._records_safe(result):
            if rec.experiment_id == exp_id and rec.history:
                return {k: v for k, v in rec.history.items() if metrics is None or k in metrics}
        return {}

    def _records_safe(self, path: Path) -> list[RunRecord]:
        try:
            return NalSource(self.path).file_records(path)
        except Exception:  # unreadable now: no history to plot (reindex reports it)
            return []

    def open_reader(self, exp_id: str) -> SeriesReader | PollingSeriesReader | None:
        """A live reader of the run's series: SWMR HDF5, or a source polled for growth."""
        path = self.series_path(exp_id)
        if path is not None:
            return SeriesReader(path)
        locator = self.series_locator(exp_id)
        if series_kind(locator)[0] != "file":
            return PollingSeriesReader(locator)
        return None
