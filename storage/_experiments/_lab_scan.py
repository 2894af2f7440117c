"""The files of a lab folder: which results and reports exist, their signatures, and where a
run's history lives."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ._nal import LabReport, RunRecord, load_json, parse_lab_report
from ._series_json import SUFFIX as JSON_SUFFIX
from ._timeseries import H5_SUFFIX, safe_name

RESULTS_GLOB = "*_results.json"
REPORTS_GLOB = "lab_report_*.json"


def file_signature(path: Path) -> str:
    """Changes when the file is rewritten (size and modification time in nanoseconds)."""
    st = path.stat()
    return f"{st.st_size}:{st.st_mtime_ns}"


def file_stamp(path: Path) -> tuple[int, int, int] | None:
    """One version of a file (an atomic rewrite changes the inode), or None if it is missing."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


class LabFiles:
    """Paths inside one lab folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.results_dir = root / "results"
        self.timeseries_dir = root / "timeseries"
        self.legacy_dir = root / "legacy"

    def result_files(self) -> list[Path]:
        if not self.results_dir.is_dir():
            return []
        return sorted(p for p in self.results_dir.glob(RESULTS_GLOB) if p.is_file())

    def report_files(self) -> list[Path]:
        if not self.results_dir.is_dir():
            return []
        return sorted(p for p in self.results_dir.glob(REPORTS_GLOB) if p.is_file())

    def results_signatures(self) -> dict[str, str]:
        return {p.name: file_signature(p) for p in self.result_files()}

    def reports_signature(self) -> str:
        text = "|".join(f"{p.name}={file_signature(p)}" for p in self.report_files())
        return hashlib.sha1(text.encode()).hexdigest()

    def lab_reports(self) -> tuple[dict[str, list[LabReport]], list[tuple[Path, str]]]:
        """hypothesis id -> the reports that mention it, and the reports that failed to parse."""
        by_hypothesis: dict[str, list[LabReport]] = {}
        failed = []
        for path in self.report_files():
            try:
                report = parse_lab_report(load_json(path), path.stem[len("lab_report_"):])
            except Exception as exc:
                failed.append((path, str(exc)))
                continue
            for hid in report.hypotheses:
                by_hypothesis.setdefault(hid, []).append(report)
        return by_hypothesis, failed

    def default_series(self, exp_id: str, suffix: str) -> Path:
        return self.timeseries_dir / f"{safe_name(exp_id)}{suffix}"

    def any_series(self, exp_id: str) -> Path | None:
        for suffix in (H5_SUFFIX, JSON_SUFFIX):
            path = self.default_series(exp_id, suffix)
            if path.exists():
                return path
        return None


def resolve_series(root: Path, results_dir: Path, timeseries_dir: Path,
                   rec: RunRecord) -> Path | None:
    """The history file of a run: as declared in its results (relative to the lab folder or to
    the results folder), else ``timeseries/{id}.h5`` or ``.json.zst`` if it exists."""
    if rec.timeseries:
        declared = Path(rec.timeseries).expanduser()
        options = [declared] if declared.is_absolute() else [root / declared,
                                                             results_dir / declared]
        for path in options:
            if path.exists():
                return path.resolve()
    for suffix in (H5_SUFFIX, JSON_SUFFIX):
        path = timeseries_dir / f"{safe_name(rec.experiment_id)}{suffix}"
        if path.exists():
            return path
    return None
