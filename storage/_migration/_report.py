"""The report of a migration run: per-file items, totals, and JSON / Markdown / HTML forms.

The JSON form is also what :func:`restore_originals` reads, so it records each backup's path
and hash and the hash of every file the run wrote.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from .._atomic import atomic_write_bytes
from .._formats import read_json
from .._units import human_bytes
from ._model import REPORT_PREFIX

STATUSES = ("converted", "skipped", "failed", "pending")
_PATH_FIELDS = ("path", "target", "backup")


@dataclass
class ReportItem:
    """The outcome for one file."""

    path: Path
    status: str
    target: Path | None = None
    target_format: str | None = None
    reason: str = ""
    line: int | None = None
    column: int | None = None
    size_before: int = 0
    size_after: int | None = None
    seconds: float = 0.0
    backup: Path | None = None
    backup_sha256: str | None = None
    target_sha256: str | None = None

    def to_dict(self) -> dict:
        data = asdict(self)
        for key in _PATH_FIELDS:
            data[key] = str(data[key]) if data[key] is not None else None
        return data

    @classmethod
    def from_dict(cls, data: dict) -> ReportItem:
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in data.items() if k in known}
        for key in _PATH_FIELDS:
            if data.get(key) is not None:
                data[key] = Path(data[key])
        return cls(**data)


@dataclass
class MigrationReport:
    """Everything a run did. ``seconds`` is the wall time of the whole run."""

    root: Path
    items: list[ReportItem] = field(default_factory=list)
    options: dict = field(default_factory=dict)
    started: str = ""
    seconds: float = 0.0
    cancelled: bool = False
    dry_run: bool = False
    saved_to: list[Path] = field(default_factory=list)

    def totals(self) -> dict:
        counts = {status: 0 for status in STATUSES}
        for item in self.items:
            counts[item.status] = counts.get(item.status, 0) + 1
        done = [i for i in self.items if i.status == "converted"]
        before = sum(i.size_before for i in done)
        after = sum(i.size_after or 0 for i in done)
        seconds = self.seconds
        all_bytes = sum(i.size_before for i in self.items if i.status != "pending")
        return {
            **counts,
            "bytes_before": before,
            "bytes_after": after,
            "ratio": (after / before) if before else None,
            "seconds": seconds,
            "files_per_s": (len(self.items) - counts["pending"]) / seconds if seconds else None,
            "mb_per_s": all_bytes / 1e6 / seconds if seconds else None,
        }

    @property
    def failed(self) -> list[ReportItem]:
        return [i for i in self.items if i.status == "failed"]

    # -- serialisation -------------------------------------------------------------------------

    def to_dict(self) -> dict:
        return {
            "loupe_report": 1, "root": str(self.root), "started": self.started,
            "seconds": self.seconds, "cancelled": self.cancelled, "dry_run": self.dry_run,
            "options": self.options, "totals": self.totals(),
            "items": [item.to_dict() for item in self.items],
        }

    @classmethod
    def load(cls, path: str | Path) -> MigrationReport:
        """Read a report written by :meth:`save` (its JSON form); broken text is a
        :class:`CorruptFileError` naming the line and column (the one JSON reader's)."""
        data = read_json(Path(path))
        if not isinstance(data, dict) or "loupe_report" not in data:
            from .._errors import MigrationError

            raise MigrationError(f"{path} is not a Loupe migration report (loupe-report-*.json)")
        return cls(
            root=Path(data["root"]), items=[ReportItem.from_dict(d) for d in data["items"]],
            options=data.get("options", {}), started=data.get("started", ""),
            seconds=data.get("seconds", 0.0), cancelled=data.get("cancelled", False),
            dry_run=data.get("dry_run", False), saved_to=[Path(path)],
        )

    def save(self, path_or_dir: str | Path | None = None,
             formats: tuple[str, ...] = ("json", "md")) -> list[Path]:
        """Write the report; a folder (default: ``root``) gets ``loupe-report-<time>.<ext>``.

        A path with a suffix names the file of its own format (``.json``, ``.md``, ``.html``); the
        other requested formats go beside it with their own suffix.
        """
        base = self._base_path(Path(path_or_dir) if path_or_dir else self.root)
        written = []
        for fmt in formats:
            ext = "md" if fmt in ("md", "markdown") else fmt
            text = {"json": lambda: json.dumps(self.to_dict(), indent=1),
                    "md": self.to_markdown, "html": self.to_html}[ext]()
            target = base.with_name(base.name + "." + ext)
            written.append(atomic_write_bytes(target, text.encode("utf-8")))
            _readable_by_all(target)
        self.saved_to = written
        return written

    def _base_path(self, where: Path) -> Path:
        if where.suffix.lower() in (".json", ".md", ".html"):
            where.parent.mkdir(parents=True, exist_ok=True)
            return where.with_suffix("")
        where.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        base, n = where / f"{REPORT_PREFIX}{stamp}", 1
        while any(base.with_name(base.name + e).exists() for e in (".json", ".md", ".html")):
            n += 1
            base = where / f"{REPORT_PREFIX}{stamp}-{n}"
        return base

    # -- readable forms ------------------------------------------------------------------------

    def summary_rows(self) -> list[tuple[str, str]]:
        t = self.totals()
        rows = [(s, str(t[s])) for s in STATUSES if t[s] or s != "pending"]
        rows += [("bytes before", human_bytes(t["bytes_before"])),
                 ("bytes after", human_bytes(t["bytes_after"])),
                 ("size ratio", f"{t['ratio']:.3f}" if t["ratio"] is not None else "-"),
                 ("time", f"{t['seconds']:.2f} s"),
                 ("speed", f"{t['files_per_s']:.1f} files/s, {t['mb_per_s']:.2f} MB/s"
                  if t["files_per_s"] else "-")]
        if self.cancelled:
            rows.append(("cancelled", "yes: run `loupe convert --resume` to finish"))
        return rows

    def _rel(self, path: Path | None) -> str:
        if path is None:
            return ""
        try:
            return str(Path(path).relative_to(self.root))
        except ValueError:
            return str(path)

    def _item_row(self, item: ReportItem) -> list[str]:
        where = f" (line {item.line}, column {item.column})" if item.line else ""
        after = human_bytes(item.size_after) if item.size_after is not None else ""
        return [self._rel(item.path), item.status, item.target_format or "",
                self._rel(item.target) if item.target != item.path else "same path",
                item.reason + where, human_bytes(item.size_before), after, f"{item.seconds:.3f}"]

    _HEAD = ["file", "status", "format", "target", "reason", "before", "after", "seconds"]

    def to_markdown(self) -> str:
        lines = [f"# Loupe migration report: {self.root}", "",
                 f"Started {self.started}." if self.started else "", "",
                 "| total | value |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in self.summary_rows()]
        lines += ["", "| " + " | ".join(self._HEAD) + " |", "|" + "---|" * len(self._HEAD)]
        for item in self.items:
            cells = [c.replace("|", "\\|").replace("\n", " ") for c in self._item_row(item)]
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines) + "\n"

    def to_html(self) -> str:
        esc = html.escape
        summary = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>"
                          for k, v in self.summary_rows())
        head = "".join(f"<th>{esc(h)}</th>" for h in self._HEAD)
        body = "".join(
            f'<tr class="{esc(item.status)}">'
            + "".join(f"<td>{esc(c)}</td>" for c in self._item_row(item)) + "</tr>"
            for item in self.items)
        style = ("body{font-family:sans-serif}table{border-collapse:collapse}"
                 "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}"
                 ".failed{background:#fdd}.skipped{color:#666}.pending{background:#ffd}")
        return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Loupe migration report"
                f"</title><style>{style}</style></head><body><h1>Migration report: "
                f"{esc(str(self.root))}</h1><table>{summary}</table><h2>Files</h2>"
                f"<table><tr>{head}</tr>{body}</table></body></html>\n")


def _readable_by_all(path: Path) -> None:
    # Temporary files are created 0600; a report is an ordinary document (respect the umask).
    # The umask is read from /proc: setting it to read it would race with other threads.
    mask = 0o022
    with contextlib.suppress(OSError, ValueError, StopIteration):
        status = Path("/proc/self/status").read_text().splitlines()
        mask = int(next(x for x in status if x.startswith("Umask:")).split()[1], 8)
    with contextlib.suppress(OSError):
        os.chmod(path, 0o666 & ~mask)



def list_reports(folder: str | Path) -> list[Path]:
    """The ``loupe-report-*.json`` files in ``folder``, newest first."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    found = [p for p in folder.glob(f"{REPORT_PREFIX}*.json") if p.is_file()]
    return sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)
