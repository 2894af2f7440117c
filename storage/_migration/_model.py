"""Plain data of a migration: options, the plan, progress events and restore results.

Dataclasses only, no behaviour that touches the disk, so the GUI wizard can build, show and pass
them between threads freely.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

FORMATS = ("auto", "json", "compressed", "hdf5")
JOURNAL_NAME = ".loupe-migration-journal.jsonl"
REPORT_PREFIX = "loupe-report-"


@dataclass
class MigrationOptions:
    """What to convert and how. ``root`` is the folder; the rest mirrors ``loupe convert``."""

    root: Path
    format: str = "auto"
    recursive: bool = True
    include: tuple[str, ...] = ("*.json",)
    exclude: tuple[str, ...] = ()
    arrays: bool = True
    min_array_len: int = 8
    backup_dir: Path | None = None
    workers: int = 2
    report_path: Path | None = None

    def __post_init__(self) -> None:
        self.root = Path(self.root).expanduser()
        if self.backup_dir is not None:
            self.backup_dir = Path(self.backup_dir).expanduser()
        if self.report_path is not None:
            self.report_path = Path(self.report_path).expanduser()
        self.include = tuple(self.include)
        self.exclude = tuple(self.exclude)
        if self.format not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {self.format!r}")
        if self.min_array_len < 1:
            raise ValueError("min_array_len must be at least 1")

    def to_dict(self) -> dict:
        """JSON-able form, stored in the journal and the report."""
        return {
            "root": str(self.root), "format": self.format, "recursive": self.recursive,
            "include": list(self.include), "exclude": list(self.exclude), "arrays": self.arrays,
            "min_array_len": self.min_array_len,
            "backup_dir": str(self.backup_dir) if self.backup_dir else None,
            "workers": self.workers,
            "report_path": str(self.report_path) if self.report_path else None,
        }

    @classmethod
    def from_dict(cls, data: dict) -> MigrationOptions:
        data = dict(data)
        for key in ("include", "exclude"):
            data[key] = tuple(data.get(key) or ())
        for key in ("backup_dir", "report_path"):
            data[key] = Path(data[key]) if data.get(key) else None
        return cls(**data)


@dataclass
class PlanItem:
    """What would happen to one file: ``action`` is "convert", "skip" or "fail"."""

    path: Path
    action: str
    reason: str = ""
    size: int = 0
    target_format: str | None = None
    line: int | None = None
    column: int | None = None


@dataclass
class MigrationPlan:
    """The dry run: one :class:`PlanItem` per file found under ``root``."""

    root: Path
    options: MigrationOptions
    items: list[PlanItem] = field(default_factory=list)
    cancelled: bool = False

    def counts(self) -> dict[str, int]:
        counts = {"convert": 0, "skip": 0, "fail": 0}
        for item in self.items:
            counts[item.action] = counts.get(item.action, 0) + 1
        return counts

    @property
    def total_bytes(self) -> int:
        return sum(item.size for item in self.items)

    @property
    def convert_bytes(self) -> int:
        return sum(item.size for item in self.items if item.action == "convert")


@dataclass
class ProgressEvent:
    """One progress report, delivered on the thread that called the engine."""

    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int
    current: Path | None = None
    message: str = ""
    elapsed_s: float = 0.0
    eta_s: float | None = None
    # One line per file finished since the previous event ("failed x.json: reason"): events are
    # throttled, and a log that showed only ``message`` skipped most files, failures included.
    finished: tuple[str, ...] = ()

    @property
    def fraction(self) -> float:
        if self.bytes_total > 0:
            return min(1.0, self.bytes_done / self.bytes_total)
        return self.files_done / self.files_total if self.files_total else 1.0


@dataclass
class RestoreChange:
    """One step of a restore: put ``path`` back ("restore") or delete a file we made ("remove")."""

    path: Path
    action: str
    detail: str = ""
    backup: Path | None = None
    sha256: str | None = None


@dataclass
class RestoreResult:
    """What :func:`restore_originals` did."""

    restored: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    errors: list[tuple[Path, str]] = field(default_factory=list)
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors
