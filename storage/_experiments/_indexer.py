"""The one indexer of experiment records: every source's runs go into the index through here.

Sources (:mod:`.sources`) say which units they hold (files or folders, each with a signature)
and turn a unit into :class:`RunRecord` s; this module decides what to read again (units whose
signature changed, or all of a source's units when its context changed), writes runs in groups,
drops runs that are gone, keeps the manifest (what was indexed from which unit), and never lets
one run overwrite another: a run id already held by another unit is reported as a collision and
indexed under ``{id}@{unit}``, so both stay findable.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._atomic import atomic_write_bytes
from .._errors import RemoteError
from ._nal import RunRecord
from .sources._base import Source, Unit

MANIFEST_VERSION = 2
GROUP_RUNS = 64  # runs embedded and written to the index together


@dataclass
class IndexSummary:
    """What one indexing did. ``failed`` holds (file, reason); ``collisions`` holds
    (file, run id, the unit that already had that id); ``joined`` counts chroma entries
    read this time that duplicate a results file's run (left out)."""

    indexed: int = 0
    unchanged: int = 0
    failed: list[tuple[Path, str]] = field(default_factory=list)
    removed: int = 0
    cancelled: bool = False
    collisions: list[tuple[Path, str, str]] = field(default_factory=list)
    joined: int = 0  # chroma entries joined to (shown as) result runs (sources/_join.py)


def unit_name(source: Source, unit: Unit) -> str:
    """The manifest key of a unit: the source's kind and the unit's relative path."""
    return f"{source.kind}:{unit.key}"


def load_manifest(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return doc if isinstance(doc, dict) and doc.get("version") == MANIFEST_VERSION else {}


def save_manifest(path: Path, doc: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, json.dumps(doc, indent=1).encode("utf-8"))


def current_units(sources: Sequence[Source]) -> dict[str, tuple[Source, Unit]]:
    return {unit_name(s, u): (s, u) for s in sources for u in s.units()}


def contexts(sources: Sequence[Source]) -> dict[str, str]:
    return {s.kind: s.context_sig() for s in sources}


def manifest_status(manifest: dict[str, Any], root: str, sources: Sequence[Source]) -> str:
    """``"missing"``, ``"stale"`` or ``"ok"`` for a manifest against the sources as they are."""
    if not manifest:
        return "missing"
    if manifest.get("root") != root or manifest.get("contexts") != contexts(sources):
        return "stale"
    indexed = {name: entry.get("sig") for name, entry in manifest.get("files", {}).items()}
    return "ok" if indexed == {n: u.sig for n, (_, u) in current_units(sources).items()} \
        else "stale"


class Indexer:
    """Index the runs of ``sources`` into ``index``, keeping a manifest at ``manifest_path``.

    ``manifest_path=None`` indexes everything each time (a remote lab); ``redo_all`` forces it.
    """

    def __init__(self, index: Any, root: str, manifest_path: Path | None,
                 collection: str = "experiments") -> None:
        self.index = index
        self.root = root
        self.manifest_path = manifest_path
        self.collection = collection

    def run(self, sources: Sequence[Source], *, redo_all: bool = False,
            progress: Callable[[int, int, str], None] | None = None,
            cancel: threading.Event | None = None, group: int = GROUP_RUNS) -> IndexSummary:
        summary = IndexSummary()
        manifest = load_manifest(self.manifest_path)
        for source in sources:
            summary.failed.extend(source.context_failures())
        ctx = contexts(sources)
        indexed_before = any(e.get("runs") for e in manifest.get("files", {}).values())
        redo_all = redo_all or manifest.get("root") != self.root or (
            indexed_before and self.index.count() == 0)  # index folder or server wiped
        changed_ctx = {k for k, v in ctx.items() if redo_all or manifest.get("contexts",
                                                                             {}).get(k) != v}
        previous: dict[str, Any] = manifest.get("files", {})
        units = current_units(sources)
        for name in sorted(set(previous) - set(units)):
            gone = list(previous[name].get("runs", {}))
            self.index.delete(gone)
            summary.removed += len(gone)
        todo = [n for n, (s, u) in units.items() if s.kind in changed_ctx
                or previous.get(n, {}).get("sig") != u.sig]
        kept = {n: previous[n] for n in units if n not in todo}
        summary.unchanged = len(kept)
        owners = {exp: n for n, e in kept.items() for exp in e.get("runs", {})}
        old_runs = {n: set(e.get("runs", {})) for n, e in previous.items()}
        done = 0
        for parsed in self._groups(todo, units, owners, max(1, group), cancel, summary):
            for name, entry in self._write(parsed, units, old_runs, summary).items():
                kept[name] = {"sig": units[name][1].sig, "path": str(units[name][1].path),
                              **entry}
                done += 1
                if progress is not None:
                    progress(done, len(todo), units[name][1].path.name)
        summary.joined = sum(getattr(s, "joined", 0) for s in sources)
        if summary.cancelled:  # keep what was indexed; unprocessed units stay stale
            kept.update({n: e for n, e in previous.items() if n in units and n not in kept
                         and units[n][0].kind not in changed_ctx})
        if self.manifest_path is not None:
            save_manifest(self.manifest_path, {
                "version": MANIFEST_VERSION, "root": self.root, "contexts": ctx,
                "collection": self.collection, "files": kept})
        return summary

    def _groups(self, names: Sequence[str], units: dict[str, tuple[Source, Unit]],
                owners: dict[str, str], group: int, cancel: threading.Event | None,
                summary: IndexSummary
                ) -> Iterator[list[tuple[str, list[RunRecord] | Exception]]]:
        """Units read, in groups holding about ``group`` runs (a failure is an item)."""
        pending: list[tuple[str, list[RunRecord] | Exception]] = []
        runs = 0
        for name in names:
            if cancel is not None and cancel.is_set():
                summary.cancelled = True
                break
            source, unit = units[name]
            try:
                item: list[RunRecord] | Exception = self._claim(
                    source.records(unit), name, unit, owners, summary)
            except RemoteError:
                raise  # the store is gone: stop, do not mark every unit as bad
            except Exception as exc:  # one bad unit is reported, never fatal
                item = exc
            pending.append((name, item))
            runs += len(item) if isinstance(item, list) else 0
            if runs >= group:
                yield pending
                pending, runs = [], 0
        if pending:
            yield pending

    @staticmethod
    def _claim(records: list[RunRecord], name: str, unit: Unit, owners: dict[str, str],
               summary: IndexSummary) -> list[RunRecord]:
        """Give each run its id, or ``{id}@{unit}`` when another unit already has the id."""
        here: set[str] = set()
        for rec in records:
            owner = owners.get(rec.experiment_id)
            if owner is not None and (owner != name or rec.experiment_id in here):
                summary.collisions.append((unit.path, rec.experiment_id, owner))
                rec.metadata["id_collision"] = rec.experiment_id
                rec.experiment_id = f"{rec.experiment_id}@{unit.key}"
                rec.metadata["experiment_id"] = rec.experiment_id
            owners[rec.experiment_id] = name
            here.add(rec.experiment_id)
        return records

    def _write(self, parsed: list[tuple[str, list[RunRecord] | Exception]],
               units: dict[str, tuple[Source, Unit]], old_runs: dict[str, set[str]],
               summary: IndexSummary) -> dict[str, dict[str, Any]]:
        """Write one group's runs; the manifest entry of each of its units, in order."""
        records: dict[str, RunRecord] = {}
        for _, item in parsed:
            if isinstance(item, list):
                records.update({r.experiment_id: r for r in item})
        stale: set[str] = set()
        for name, item in parsed:
            if isinstance(item, list):
                stale |= old_runs.get(name, set()) - {r.experiment_id for r in item}
        error: Exception | None = None
        try:
            self.index.delete(sorted(stale - set(records)))  # runs dropped from their unit
            if records:
                recs = list(records.values())
                self.index.upsert([r.experiment_id for r in recs], [r.document for r in recs],
                                  [r.metadata for r in recs])
        except Exception as exc:  # the index failed: this group's units are reported
            error = exc
        entries: dict[str, dict[str, Any]] = {}
        for name, item in parsed:
            problem = item if isinstance(item, Exception) else error
            if problem is not None:
                source, unit = units[name]
                where = getattr(source, "where", None)  # e.g. a URL for an object store
                summary.failed.append((where(unit) if where else unit.path, str(problem)))
                entries[name] = {"runs": {}, "error": str(problem)}
                continue
            runs = {r.experiment_id: r.metadata.get("series", "") for r in item}
            summary.indexed += len(runs)
            entries[name] = {"runs": runs}
        return entries
