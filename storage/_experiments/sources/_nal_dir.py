"""NAL results folders: a lab's ``results/``, a flat ``results_dir/``, ``generation_*_results/``.

::

    DIR/results/{hypothesis_id}_results.json     a Loupe lab (or DIR itself: NAL's results_dir)
    DIR/lab_report_{lab_id}.json                 reports, joined to the runs of their hypotheses
    DIR/generation_*_results/*_results.json      the stress test's generations
    DIR/timeseries/{run id or file stem}.h5      histories (or .json.zst); a path in the run wins

A run without an id of its own is named after its file's stem (``r01_s0``), prefixed by its
generation folder when there is one, so seeds sharing a hypothesis id stay distinct runs.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .._nal import LabReport, RunRecord, load_json, parse_lab_report, parse_results
from .._run_text import finish_document, report_metadata
from .._series_json import SUFFIX as JSON_SUFFIX
from .._timeseries import H5_SUFFIX, safe_name
from ._base import Unit, file_signature, relative_key

RESULTS_GLOB = "*_results.json"
REPORTS_GLOB = "lab_report_*.json"
GENERATIONS_GLOB = "generation_*_results"


def results_folders(root: Path) -> list[Path]:
    """The folders of ``root`` that hold NAL results files, in a stable order."""
    folders = []
    for folder in (root / "results", root):
        if folder.is_dir() and any(folder.glob(RESULTS_GLOB)):
            folders.append(folder)
            break
    folders += sorted(p for p in root.glob(GENERATIONS_GLOB) if p.is_dir())
    return folders


class NalSource:
    """NAL results files in one or more folders, with their lab reports and histories."""

    kind = "nal"
    title = "NAL results"  # for messages
    looks_for = f"{RESULTS_GLOB} in the folder or results/, {GENERATIONS_GLOB}/"

    def __init__(self, root: Path, folders: list[Path] | None = None) -> None:
        self.root = root
        self.folders = folders if folders is not None else results_folders(root)
        self.timeseries_dir = root / "timeseries"
        self._reports: tuple[str, dict[str, list[LabReport]], list[tuple[Path, str]]] | None = None

    @classmethod
    def detect(cls, root: Path) -> NalSource | None:
        folders = results_folders(root)
        return cls(root, folders) if folders else None

    # -- units ---------------------------------------------------------------------------------
    def result_files(self) -> list[Path]:
        return [p for folder in self.folders for p in sorted(folder.glob(RESULTS_GLOB))
                if p.is_file()]

    def report_files(self) -> list[Path]:
        return [p for folder in self.folders for p in sorted(folder.glob(REPORTS_GLOB))
                if p.is_file()]

    def units(self) -> list[Unit]:
        out = []
        for path in self.result_files():
            try:
                out.append(Unit(relative_key(self.root, path), path, file_signature(path)))
            except OSError:
                continue  # removed while listing
        return out

    def context_sig(self) -> str:
        text = "|".join(f"{relative_key(self.root, p)}={file_signature(p)}"
                        for p in self.report_files())
        return hashlib.sha1(text.encode()).hexdigest()

    def reports(self) -> dict[str, list[LabReport]]:
        """hypothesis id -> the reports that mention it (parsed once per reports signature)."""
        sig = self.context_sig()
        if self._reports is None or self._reports[0] != sig:
            by_hypothesis: dict[str, list[LabReport]] = {}
            failed = []
            for path in self.report_files():
                try:
                    report = parse_lab_report(load_json(path), path.stem[len("lab_report_"):])
                except Exception as exc:  # a broken report loses only its summary
                    failed.append((path, str(exc)))
                    continue
                for hid in report.hypotheses:
                    by_hypothesis.setdefault(hid, []).append(report)
            self._reports = (sig, by_hypothesis, failed)
        return self._reports[1]

    def context_failures(self) -> list[tuple[Path, str]]:
        self.reports()
        return list(self._reports[2]) if self._reports else []

    # -- runs ----------------------------------------------------------------------------------
    def records(self, unit: Unit) -> list[RunRecord]:
        """A results file's runs, with their reports' summaries and their history files."""
        path = unit.path
        records = self.file_records(path)
        reports = self.reports()
        for rec in records:  # a report's title is metadata only: it would make its runs alike
            for report in reports.get(rec.hypothesis_id, []):
                rec.metadata.update(report_metadata(report.text, report.metadata))
            rec.document = finish_document(rec.document, rec.metadata)
        return records

    def file_records(self, path: Path) -> list[RunRecord]:
        """A results file's runs without report text (also used to read inline histories)."""
        stem = path.name[: -len("_results.json")] if path.name.endswith("_results.json") \
            else path.stem
        default = stem if path.parent in (self.root, self.root / "results") \
            else f"{path.parent.name.removesuffix('_results')}/{stem}"
        _, records = parse_results(load_json(path), stem, default_id=default)
        for rec in records:
            series = self.resolve_series(path, rec, stem if len(records) == 1 else None)
            rec.metadata["result_path"] = str(path)
            rec.metadata["timeseries_path"] = str(series) if series else ""
            rec.metadata["series"] = str(series) if series else ""
            rec.metadata.setdefault("source", self.kind)
        return records

    def resolve_series(self, result: Path, rec: RunRecord, stem: str | None) -> Path | None:
        """As declared in the run (relative to the folder or to its results file), else
        ``timeseries/{run id}`` or, for a one-run file, ``timeseries/{file stem}``."""
        if rec.timeseries:
            declared = Path(rec.timeseries).expanduser()
            options = [declared] if declared.is_absolute() else [self.root / declared,
                                                                 result.parent / declared]
            for path in options:
                if path.exists():
                    return path.resolve()
        names = [safe_name(rec.experiment_id)] + ([safe_name(stem)] if stem else [])
        for name in names:
            for suffix in (H5_SUFFIX, JSON_SUFFIX):
                path = self.timeseries_dir / f"{name}{suffix}"
                if path.exists():
                    return path
        return None
