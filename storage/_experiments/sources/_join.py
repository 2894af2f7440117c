"""The stress test's layout: one experiment in a results file and again in ``chroma_db/``.

The seed's stress test writes each experiment to ``generation_*_results/`` *and* to a ChromaDB
(its HybridExperimentStorage) in the same folder. Read as two sources, every experiment would
be two runs. Where a chroma entry's id, or the ``experiment_id`` / ``run_id`` /
``hypothesis_id`` in its metadata, names a run of the folder's results files, the entry is
*joined* to that run: the results file's run is the one shown (it has the config, metrics and
history) and the chroma duplicate is left out. Entries that match nothing stay runs of their
own. ``joined`` counts the entries left out, for ``loupe index``'s summary.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from .._nal import RunRecord
from ._base import Unit
from ._chroma_folder import ChromaFolderSource, CollectionInfo
from ._nal_dir import NalSource

_ID_FIELDS = ("chroma_id", "chroma_experiment_id", "run_id", "hypothesis_id")


class JoinedChromaSource(ChromaFolderSource):
    """A folder's ChromaDB read beside its NAL results: duplicates of result runs left out."""

    def __init__(self, root: Path, folders: list[Path], results: NalSource) -> None:
        super().__init__(root, folders)
        self.results = results
        self._joined: dict[str, int] = {}

    @property
    def joined(self) -> int:
        """Chroma entries joined to result runs by the last read of each chroma folder."""
        return sum(self._joined.values())

    def context_sig(self) -> str:
        # a new or changed results file may match entries: the chroma folder is read again
        sigs = "|".join(f"{u.key}={u.sig}" for u in self.results.units())
        return hashlib.sha1(sigs.encode()).hexdigest()

    def records(self, unit: Unit) -> list[RunRecord]:
        names = result_names(self.results)
        records = super().records(unit)
        keep = [r for r in records if not entry_names(r) & names]
        self._joined[unit.key] = len(records) - len(keep)
        return keep

    def _record(self, unit: Unit, info: CollectionInfo, entry_id: str, doc: str,
                meta: dict[str, Any]) -> RunRecord:
        rec = super()._record(unit, info, entry_id, doc, meta)
        if meta.get("experiment_id") not in (None, ""):  # the base drops it (it is Loupe's id)
            rec.metadata["chroma_experiment_id"] = str(meta["experiment_id"])
        return rec


def result_names(results: NalSource) -> set[str]:
    """Every name a results run goes by: its id, the id without its generation, its hypothesis."""
    names: set[str] = set()
    for unit in results.units():
        try:
            records = results.records(unit)
        except Exception:  # a bad results file is the NAL source's to report
            continue
        for rec in records:
            names |= {rec.experiment_id, rec.experiment_id.rpartition("/")[2],
                      str(rec.metadata.get("hypothesis_id") or rec.hypothesis_id or "")}
    names.discard("")
    return names


def entry_names(rec: RunRecord) -> set[str]:
    return {str(rec.metadata[k]) for k in _ID_FIELDS if rec.metadata.get(k) not in (None, "")}


def join_chroma_to_results(found: list[Any]) -> list[Any]:
    """``found`` with its ChromaDB source joined to its NAL results, when both are there."""
    results = next((s for s in found if isinstance(s, NalSource)), None)
    chroma = next((s for s in found if type(s) is ChromaFolderSource), None)
    if results is None or chroma is None:
        return found
    joined = JoinedChromaSource(chroma.root, chroma.folders, results)
    return [joined if s is chroma else s for s in found]
