"""A lab folder: NAL results, their histories, and the search index over them.

::

    DIR/results/{hypothesis_id}_results.json   NAL results (schema: _nal.py)
    DIR/results/lab_report_{lab_id}.json       lab session reports
    DIR/timeseries/{experiment_id}.h5          long histories (HDF5, appendable, SWMR)
    DIR/timeseries/{experiment_id}.json.zst    short histories (compressed DL-JSON)
    DIR/.loupe/index/                          embedded Chroma index (unless a server is used)
    DIR/.loupe/manifest*.json                  what was indexed from which file, and when

Re-indexing looks only at files whose size or modification time changed (a changed lab report
re-indexes every results file, since it adds its summary to their runs).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .._atomic import atomic_write_bytes
from ._index import ChromaConfig, ExperimentIndex, Hit
from ._index_fields import FieldInfo
from ._lab_scan import LabFiles, file_stamp, resolve_series
from ._nal import RunRecord, load_json, parse_results
from ._query_filters import FilterSuggestion, suggest_filters
from ._run_text import finish_document, report_metadata
from ._series_h5 import SeriesReader
from ._timeseries import H5_SUFFIX, read_history_file

MANIFEST_VERSION = 1
# Runs embedded and written to the index together (see Lab.reindex).
GROUP_RUNS = 64


@dataclass
class IndexSummary:
    """What one :meth:`Lab.reindex` did. ``failed`` holds (file, reason) pairs."""

    indexed: int = 0
    unchanged: int = 0
    failed: list[tuple[Path, str]] = field(default_factory=list)
    removed: int = 0
    cancelled: bool = False


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

    def _manifest(self) -> dict[str, Any]:
        try:
            doc = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return doc if doc.get("version") == MANIFEST_VERSION else {}

    def _save_manifest(self, doc: dict[str, Any]) -> None:
        self.manifest_path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self.manifest_path, json.dumps(doc, indent=1).encode("utf-8"))

    def index_status(self) -> str:
        """``"missing"``, ``"stale"`` (result files changed since indexing) or ``"ok"``."""
        manifest = self._manifest()
        if not manifest or (not self.chroma.is_server
                            and not Path(self.chroma.persist_directory).exists()):
            return "missing"
        if manifest.get("root") != str(self.path):
            return "stale"
        if manifest.get("reports") != self.files.reports_signature():
            return "stale"
        indexed = {name: entry.get("sig") for name, entry in manifest.get("files", {}).items()}
        return "ok" if indexed == self.files.results_signatures() else "stale"

    def reindex(self, progress: Callable[[int, int, str], None] | None = None,
                cancel: threading.Event | None = None, group: int = GROUP_RUNS) -> IndexSummary:
        """Index new and changed result files, drop removed ones; report bad files, go on.

        The runs of several files are embedded and written together, about ``group`` at a time:
        a lab of small files (a few runs each) gets batches big enough for both cores and one
        Chroma write per group instead of one per file. ``progress(done, total, name)`` is called
        per file once its group is written; ``cancel`` takes effect between groups.
        """
        summary = IndexSummary()
        manifest = self._manifest()
        reports, report_failures = self.files.lab_reports()
        summary.failed.extend(report_failures)
        reports_sig = self.files.reports_signature()
        wiped = not self.chroma.is_server and not Path(self.chroma.persist_directory).exists()
        index = self.index
        indexed_before = any(e.get("runs") for e in manifest.get("files", {}).values())
        redo_all = (wiped or manifest.get("root") != str(self.path)
                    or manifest.get("reports") != reports_sig
                    or (indexed_before and index.count() == 0))  # index folder or server wiped
        old_files: dict[str, Any] = manifest.get("files", {}) if not redo_all else {}
        current = self.files.results_signatures()
        for name in sorted(set(manifest.get("files", {})) - set(current)):
            gone = list(manifest["files"][name].get("runs", {}))
            index.delete(gone)
            summary.removed += len(gone)
        todo = [n for n, sig in current.items() if old_files.get(n, {}).get("sig") != sig]
        new_files = {n: old_files[n] for n in current if n not in todo}
        summary.unchanged = len(new_files)
        old_runs = {n: set(e.get("runs", {})) for n, e in manifest.get("files", {}).items()}
        done = 0
        for parsed in self._parsed_groups(todo, reports, max(1, group), cancel, summary):
            for name, entry in self._index_group(parsed, index, old_runs, summary).items():
                new_files[name] = {"sig": current[name], **entry}
                done += 1
                if progress is not None:
                    progress(done, len(todo), name)
        if summary.cancelled:  # keep what was indexed; unprocessed files stay stale
            new_files.update({n: e for n, e in old_files.items() if n in current
                              and n not in new_files})
        self._save_manifest({"version": MANIFEST_VERSION, "root": str(self.path),
                             "reports": reports_sig,
                             "collection": self.chroma.collection_name, "files": new_files})
        return summary

    def _parsed_groups(self, names: Sequence[str], reports: dict[str, list], group: int,
                       cancel: threading.Event | None, summary: IndexSummary
                       ) -> Iterator[list[tuple[str, list[RunRecord] | Exception]]]:
        """Files read and parsed, in groups holding about ``group`` runs (a failure is an item)."""
        pending: list[tuple[str, list[RunRecord] | Exception]] = []
        runs = 0
        for name in names:
            if cancel is not None and cancel.is_set():
                summary.cancelled = True
                break
            try:
                item: list[RunRecord] | Exception = self._file_records(
                    self.files.results_dir / name, reports)
            except Exception as exc:  # one bad file is reported, never fatal
                item = exc
            pending.append((name, item))
            runs += len(item) if isinstance(item, list) else 0
            if runs >= group:
                yield pending
                pending, runs = [], 0
        if pending:
            yield pending

    def _index_group(self, parsed: list[tuple[str, list[RunRecord] | Exception]],
                     index: ExperimentIndex, old_runs: dict[str, set[str]],
                     summary: IndexSummary) -> dict[str, dict[str, Any]]:
        """Write one group's runs; the manifest entry of each of its files, in order."""
        records: dict[str, RunRecord] = {}  # a later file wins, as with one write per file
        for _, item in parsed:
            if isinstance(item, list):
                records.update({r.experiment_id: r for r in item})
        stale: set[str] = set()
        for name, item in parsed:
            if isinstance(item, list):
                stale |= old_runs.get(name, set()) - {r.experiment_id for r in item}
        error: Exception | None = None
        try:
            index.delete(sorted(stale - set(records)))  # runs dropped from their file
            if records:
                recs = list(records.values())
                index.upsert([r.experiment_id for r in recs], [r.document for r in recs],
                             [r.metadata for r in recs])
        except Exception as exc:  # the index failed: this group's files are reported
            error = exc
        entries: dict[str, dict[str, Any]] = {}
        for name, item in parsed:
            problem = item if isinstance(item, Exception) else error
            if problem is not None:
                summary.failed.append((self.files.results_dir / name, str(problem)))
                entries[name] = {"runs": {}, "error": str(problem)}
                continue
            runs = {r.experiment_id: r.metadata["timeseries_path"] for r in item}
            summary.indexed += len(runs)
            entries[name] = {"runs": runs}
        return entries

    def _file_records(self, path: Path, reports: dict[str, list]) -> list[RunRecord]:
        """A results file's runs, with their hypothesis' lab report summaries added."""
        records = self._records(path)
        for rec in records:
            for report in reports.get(rec.hypothesis_id, []):
                rec.metadata.update(report_metadata(report.text, report.metadata))
            rec.document = finish_document(rec.document, rec.metadata)
        return records

    def _records(self, path: Path) -> list[RunRecord]:
        hid = path.name[: -len("_results.json")] if path.name.endswith("_results.json") \
            else path.stem
        _, records = parse_results(load_json(path), hid)
        for rec in records:
            series = resolve_series(self.path, path.parent, self.files.timeseries_dir, rec)
            rec.metadata["result_path"] = str(path)
            rec.metadata["timeseries_path"] = str(series) if series else ""
        return records

    def failures(self) -> list[tuple[Path, str]]:
        """Result files that could not be indexed last time, with the reason."""
        return [(self.files.results_dir / name, entry["error"])
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
        """experiment id -> (results file name, time-series path) from the manifest or a scan.

        The manifest's catalog is kept until the manifest file changes: parsing the manifest of
        a 10,000-run lab takes ~5 ms, and plotting five runs asked for it five times.
        """
        stamp = file_stamp(self.manifest_path)
        cached = self._catalog_cache
        if stamp is not None and cached is not None and cached[0] == stamp:
            return cached[1]
        manifest = self._manifest()
        if manifest.get("root") == str(self.path) and manifest.get("files"):
            catalog = {exp: (name, ts) for name, entry in manifest["files"].items()
                       for exp, ts in entry.get("runs", {}).items()}
            self._catalog_cache = (stamp, catalog) if stamp is not None else None
            return catalog
        catalog = {}
        for path in self.files.result_files():
            try:
                records = self._records(path)
            except Exception:
                continue
            catalog.update({r.experiment_id: (path.name, r.metadata["timeseries_path"])
                            for r in records})
        return catalog

    def experiment_ids(self) -> list[str]:
        return sorted(self._catalog())

    def result_path(self, exp_id: str) -> Path | None:
        entry = self._catalog().get(exp_id)
        return self.files.results_dir / entry[0] if entry else None

    def series_path(self, exp_id: str) -> Path | None:
        """The HDF5 time-series file of a run, when its history is in HDF5."""
        entry = self._catalog().get(exp_id)
        candidates = [Path(entry[1])] if entry and entry[1] else []
        candidates.append(self.files.default_series(exp_id, H5_SUFFIX))
        return next((p for p in candidates if p.name.endswith(H5_SUFFIX) and p.exists()), None)

    def history(self, exp_id: str, metrics: Sequence[str] | None = None) -> dict[str, np.ndarray]:
        """A run's history from HDF5, compressed JSON or inline in its results file ({} if none)."""
        entry = self._catalog().get(exp_id)
        stored = Path(entry[1]) if entry and entry[1] else None
        for path in (stored, self.series_path(exp_id), self.files.any_series(exp_id)):
            if path is not None and path.exists():
                return read_history_file(path, metrics)
        result = self.result_path(exp_id)
        if result is None:
            return {}
        for rec in self._records_safe(result):
            if rec.experiment_id == exp_id and rec.history:
                return {k: v for k, v in rec.history.items() if metrics is None or k in metrics}
        return {}

    def _records_safe(self, path: Path) -> list[RunRecord]:
        try:
            return self._records(path)
        except Exception:
            return []

    def open_reader(self, exp_id: str) -> SeriesReader | None:
        """A live (SWMR) reader of the run's HDF5 history, or None if it has none."""
        path = self.series_path(exp_id)
        return SeriesReader(path) if path is not None else None
