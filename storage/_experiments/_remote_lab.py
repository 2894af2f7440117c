"""Index a lab folder that lives in an object store (``s3://bucket/lab``) into a Chroma index.

A team keeps its runs in a bucket and its experiment index in a Chroma server; anyone can then
search from Loupe. The layout is the local lab's (``results/{hypothesis}_results.json``,
``results/lab_report_{id}.json``, ``timeseries/{experiment}.h5``); result files are read whole
(they are small JSON), histories are not read at all, only linked by URL. Each run's
``result_path`` and ``timeseries_path`` are URLs, which Loupe and ``load_from_file`` open.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from .._errors import UnsupportedFormatError
from .._remote._fsspec import storage_options
from .._remote._open import default_options
from .._remote._options import RemoteOptions, require
from .._remote._translate import reraise
from .._remote._url import parse_url
from .sources._base import Unit


def index_remote_lab(url: str, chroma, *, options: RemoteOptions | None = None,
                     progress: Callable[[int, int, str], None] | None = None,
                     cancel: threading.Event | None = None):
    """Index every ``*_results.json`` under ``url`` (a lab or its ``results/`` folder).

    Returns the lab's :class:`IndexSummary`; a file that cannot be read or parsed is listed in
    ``failed`` with its reason and the others are indexed.
    """
    from ._index import ExperimentIndex
    from ._indexer import Indexer

    parsed = parse_url(url)
    if parsed.kind != "fsspec":
        raise UnsupportedFormatError(f"{parsed.display}: index a folder in an object store "
                                     "(s3://bucket/lab, gs://..., az://...)")
    lab = _RemoteLab(parsed, options or default_options())
    indexer = Indexer(ExperimentIndex(chroma), parsed.display, None, chroma.collection_name)
    return indexer.run([lab], redo_all=True, progress=progress, cancel=cancel)


class _RemoteLab:
    """The files of a lab folder in an object store, through one fsspec filesystem: a NAL
    source (see :mod:`.sources`) for the one indexer, with URLs for paths."""

    kind = "nal"

    def __init__(self, url, options: RemoteOptions) -> None:
        fsspec = require("fsspec", url.scheme)
        self.url = url
        try:
            self.fs, root = fsspec.core.url_to_fs(url.path, **storage_options(url, options))
            root = root.rstrip("/")
            self.results = f"{root}/results" if self.fs.isdir(f"{root}/results") else root
            self.root = root if self.results != root else root.rpartition("/")[0]
            self.names = self.fs.ls(self.results, detail=False)
            series_dir = f"{self.root}/timeseries"
            self.series = set(self.fs.ls(series_dir, detail=False)) \
                if self.fs.isdir(series_dir) else set()
        except Exception as exc:
            reraise(exc, url.display, timeout=options.timeout)
        self._reports: dict[str, list] | None = None

    def url_of(self, path: str) -> str:
        return self.fs.unstrip_protocol(path)

    def result_files(self) -> list[str]:
        return sorted(n for n in self.names if n.endswith("_results.json"))

    def units(self) -> list[Unit]:
        return [Unit(p.rpartition("/")[2], PurePosixPath(p), "") for p in self.result_files()]

    def where(self, unit: Unit) -> str:
        """A failed file, as the URL the user gave (s3://bucket/...)."""
        return self.url_of(str(unit.path))

    def context_sig(self) -> str:
        return ""

    def context_failures(self) -> list[tuple[Path, str]]:
        return []

    def _json(self, path: str):
        from .._formats import read_json_bytes

        try:
            raw = self.fs.cat_file(path)
        except Exception as exc:
            reraise(exc, self.url_of(path))
        return read_json_bytes(raw, path.rpartition("/")[2])  # CorruptFileError when broken

    def reports(self) -> dict[str, list]:
        from ._nal import parse_lab_report

        by_hypothesis: dict[str, list] = {}
        for path in sorted(self.names):
            name = path.rpartition("/")[2]
            if not (name.startswith("lab_report_") and name.endswith(".json")):
                continue
            try:
                report = parse_lab_report(self._json(path), name[len("lab_report_"):-5])
            except (ValueError, KeyError, TypeError):
                continue  # a broken report only loses its summary text
            for hid in report.hypotheses:
                by_hypothesis.setdefault(hid, []).append(report)
        return by_hypothesis

    def records(self, unit: Unit) -> list:
        from ._nal import parse_results

        if self._reports is None:
            self._reports = self.reports()
        reports, path = self._reports, str(unit.path)
        name = path.rpartition("/")[2]
        _, records = parse_results(self._json(path), name[: -len("_results.json")])
        for rec in records:
            for report in reports.get(rec.hypothesis_id, []):
                rec.metadata.update(report.metadata)
                rec.document += " " + report.text
            rec.metadata["result_path"] = self.url_of(path)
            rec.metadata["timeseries_path"] = rec.metadata["series"] = self._series_of(rec)
        return records

    def _series_of(self, rec) -> str:
        from ._timeseries import H5_SUFFIX, safe_name

        declared = []
        if rec.timeseries and not rec.timeseries.startswith("/"):
            declared = [f"{self.root}/{rec.timeseries}", f"{self.results}/{rec.timeseries}"]
        for path in declared:
            if path in self.series or self.fs.exists(path):
                return self.url_of(path)
        default = f"{self.root}/timeseries/{safe_name(rec.experiment_id)}{H5_SUFFIX}"
        return self.url_of(default) if default in self.series else ""
