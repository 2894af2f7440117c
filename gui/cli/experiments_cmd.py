"""``loupe demo``, ``loupe index`` and ``loupe search``: the experiment side, headless (no Qt)."""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

from gui.cli.common import CliError, UsageError, require_lab
from storage import (
    ChromaConfig,
    Hit,
    Lab,
    StorageError,
    WhereSyntaxError,
    experiment_sources,
    forget_mlflow_uri,
    is_remote_url,
    parse_where,
    remember_mlflow_uri,
    source_title,
    sources_looked_for,
)

TABLE_COLUMNS = ("status", "architecture", "accuracy", "best_accuracy", "lr", "epochs")


def build_parser(prog: str, name: str) -> argparse.ArgumentParser:
    """The parser of one of the three subcommands."""
    builders = {"demo": _demo_parser, "index": _index_parser, "search": _search_parser}
    return builders[name](prog)


def _server_args(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("index location (default: embedded, in LAB/.loupe/index)")
    group.add_argument("--host", help="use the Chroma server on this host")
    group.add_argument("--port", type=int, default=None, help="port of the Chroma server")
    group.add_argument("--collection", default="experiments", help="collection name")
    group.add_argument("--index-dir", type=Path, default=None,
                       help="keep the embedded index in this folder instead")


def _demo_parser(prog: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, description="Write a demo lab to explore (seeded, "
                                "deterministic), then index it.")
    p.add_argument("dir", type=Path, help="folder to write the lab into")
    p.add_argument("--if-missing", action="store_true",
                   help="do nothing if DIR already holds a lab (only index it if needed)")
    p.add_argument("--no-index", action="store_true", help="write the files only")
    p.add_argument("--hypotheses", type=int, default=40, help="how many hypotheses (40)")
    p.add_argument("--seed", type=int, default=7, help="random seed (7)")
    _server_args(p)
    return p


def _index_parser(prog: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, description="Index a lab folder's results (only new "
                                "and changed files).")
    p.add_argument("dir", help="a folder of experiments (a lab, NAL results, TensorBoard logs, "
                   "...), or a lab in an object store "
                   "(s3://bucket/lab) to index into a Chroma server (--host)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--mlflow", action="append", default=[], metavar="URI",
                   help="also index this MLflow tracking store (http://host:5000, "
                   "sqlite:///path/mlflow.db, a mlruns folder), now and in every later "
                   "reindex; recorded in DIR/.loupe/ without credentials (repeatable)")
    p.add_argument("--mlflow-forget", action="append", default=[], metavar="URI",
                   help="stop including this recorded MLflow store (repeatable)")
    _server_args(p)
    return p


def _search_parser(prog: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, description="Search a lab's experiments by meaning "
                                "and by numbers.", epilog='Example: loupe search "vit that '
                                'diverged" --lab ~/loupe-demo-lab --where "lr >= 1e-3"')
    p.add_argument("text", nargs="?", default=None, help="free text (omit to list)")
    p.add_argument("--lab", type=Path, required=True, help="the lab folder")
    p.add_argument("--where", default=None,
                   help='filter, e.g. "accuracy > 0.9 and lr < 1e-3" or \'status == "done"\'')
    p.add_argument("--limit", type=int, default=20, help="at most this many hits (20)")
    p.add_argument("--sort-by", default=None, help="sort by this metadata field")
    p.add_argument("--ascending", action="store_true", help="sort ascending (default descending)")
    p.add_argument("--json", action="store_true", help="print a JSON list of hits")
    _server_args(p)
    return p


def _chroma(args: argparse.Namespace, lab_dir: Path) -> ChromaConfig | None:
    if args.host:
        return ChromaConfig(None, collection_name=args.collection, host=args.host,
                            port=args.port or 8000)
    if args.index_dir or args.collection != "experiments":
        folder = args.index_dir or (lab_dir / ".loupe" / "index")
        return ChromaConfig(folder, collection_name=args.collection)
    return None


def run(name: str, args: argparse.Namespace) -> int:
    """Run a subcommand; storage errors become one clear line (gui.cli.common) and exit code
    1, a bad filter (syntax or an unknown field) exit code 2, like any other bad argument."""
    try:
        return {"demo": _run_demo, "index": _run_index, "search": _run_search}[name](args)
    except WhereSyntaxError as exc:
        raise UsageError(f"--where: {exc}") from exc
    except (StorageError, ValueError) as exc:
        raise CliError(str(exc)) from exc


class ProgressBar:
    """A one-line text progress bar on stderr (silent when stderr is not a terminal and quiet)."""

    def __init__(self, label: str, enabled: bool = True, width: int = 30) -> None:
        self.label, self.enabled, self.width = label, enabled, width
        self._last = 0.0

    def __call__(self, done: int, total: int, name: str = "") -> None:
        now = time.monotonic()
        if not self.enabled or (done < total and now - self._last < 0.1):
            return
        self._last = now
        filled = int(self.width * done / max(total, 1))
        bar = "#" * filled + "-" * (self.width - filled)
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\r{self.label} [{bar}] {done}/{total} {name[:40]:<40}{end}")
        sys.stderr.flush()


def _index_lab(lab: Lab, quiet: bool) -> int:
    started = time.perf_counter()
    summary = lab.reindex(progress=ProgressBar("indexing", enabled=not quiet))
    took = time.perf_counter() - started
    print(f"indexed {summary.indexed} runs, {summary.unchanged} files unchanged, "
          f"{summary.removed} removed, {len(summary.failed)} failed ({took:.1f} s)",
          file=sys.stderr)
    if summary.joined:
        print(f"  joined {summary.joined} chroma entries to result runs (each shown once, as "
              "its results file's run)", file=sys.stderr)
    for path, reason in summary.failed:
        print(f"  skipped {path.name}: {reason}", file=sys.stderr)
    for path, run_id, owner in summary.collisions:
        print(f"  id collision: {path.name} has run {run_id!r}, already in {owner}; indexed "
              f"as {run_id}@..., nothing overwritten", file=sys.stderr)
    return 0


def _run_demo(args: argparse.Namespace) -> int:
    from storage import write_demo_lab

    target = args.dir.expanduser()
    if args.if_missing and (target / "results").is_dir() and any((target / "results").iterdir()):
        print(f"a lab is already at {target}; leaving it as it is", file=sys.stderr)
    else:
        started = time.perf_counter()
        summary = write_demo_lab(target, hypotheses=args.hypotheses, seed=args.seed)
        print(f"wrote {summary.hypotheses} hypotheses, {summary.runs} runs "
              f"({summary.hdf5_files} HDF5 histories, {summary.json_histories} compressed "
              f"JSON), {summary.legacy_files} legacy JSON files to {summary.path} in "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
    if args.no_index:
        return 0
    lab = Lab(target, _chroma(args, target))
    if lab.index_status() == "ok":
        return 0
    return _index_lab(lab, quiet=False)


def _run_index(args: argparse.Namespace) -> int:
    if is_remote_url(args.dir):
        return _index_remote(args)
    folder = require_lab(args.dir)
    _record_mlflow_uris(folder, args)
    kinds = experiment_sources(folder)
    if not kinds and not args.mlflow_forget:  # after a forget, reindex to drop its runs
        raise CliError(f"found no experiments in {folder} (looked for {sources_looked_for()})")
    if not args.quiet:
        print(f"found: {', '.join(map(source_title, kinds))}", file=sys.stderr)
    return _index_lab(Lab(folder, _chroma(args, folder)), args.quiet)


def _record_mlflow_uris(folder: Path, args: argparse.Namespace) -> None:
    """Forget, then check and record, the MLflow URIs given (--mlflow-forget, --mlflow)."""
    for uri in args.mlflow_forget:
        if not forget_mlflow_uri(folder, uri):
            raise CliError(f"--mlflow-forget: {uri} is not recorded for {folder}")
        print(f"forgot MLflow store {uri}", file=sys.stderr)
    for uri in args.mlflow:
        recorded = remember_mlflow_uri(folder, uri)
        if not args.quiet:
            print(f"recorded MLflow store {recorded}", file=sys.stderr)


def _index_remote(args: argparse.Namespace) -> int:
    """A lab in an object store: every run indexed, its files linked by URL (no local copy)."""
    from storage import index_remote_lab, redact

    if not (args.host or args.index_dir):
        print("loupe index: a lab in an object store is indexed into a Chroma server: add "
              "--host HOST --port PORT (or --index-dir DIR for a local index)", file=sys.stderr)
        return 1
    summary = index_remote_lab(args.dir, _chroma(args, Path(".")),
                               progress=ProgressBar("indexing", enabled=not args.quiet))
    print(f"indexed {summary.indexed} runs from {redact(args.dir)}")
    for where, reason in summary.failed:
        print(f"  failed: {where}: {reason}", file=sys.stderr)
    return 0


def _run_search(args: argparse.Namespace) -> int:
    folder = require_lab(args.lab)
    if args.where:
        parse_where(args.where)  # a typo in the filter is reported before the index's state
    lab = Lab(folder, _chroma(args, folder))
    status = lab.index_status()
    if status == "missing" and not lab.chroma.is_server:  # searching would create an index
        if not (folder / "results").is_dir() and not experiment_sources(folder):
            raise UsageError(f"{folder} is not a lab: no results/ folder and no experiments "
                             "found in it")
        raise CliError(f"{folder} has no index yet: run `loupe index {folder}` first")
    if status != "ok":
        print(f"note: the index is {status}; run `loupe index {folder}`", file=sys.stderr)
    hits = lab.search(text=args.text, where=args.where, limit=args.limit, sort_by=args.sort_by,
                      descending=not args.ascending)
    suggested = suggestion_lines(lab, args.text, args.where)
    if args.json:
        print(json.dumps([hit_to_json(h) for h in hits], indent=1))
        for line in suggested:  # stdout stays a plain JSON list
            print(line, file=sys.stderr)
    else:
        print("\n".join([format_table(hits), *suggested]))
    return 0


def suggestion_lines(lab: Lab, text: str | None, where: str | None) -> list[str]:
    """Filters the query names in words, offered (never applied): one line each."""
    if not text:
        return []
    lines = []
    for s in lab.suggest_filters(text):
        if not where or s.expression not in where:
            lines.append(f"suggested filter: --where '{s.expression}'   (from \"{s.words}\")")
    return lines


def hit_to_json(hit: Hit) -> dict[str, Any]:
    """A hit for machines; ``why`` says how a text query found it."""
    return {"id": hit.id, "distance": hit.distance, "document": hit.document,
            "metadata": hit.metadata,
            "why": {"dense_rank": hit.dense_rank, "lexical_rank": hit.lexical_rank,
                    "fused_score": hit.score, "matched": hit.matched}}


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}" if math.isfinite(value) else str(value)
    return str(value)


def format_table(hits: list[Hit]) -> str:
    """A plain text table: id, distance and the main metadata columns."""
    if not hits:
        return "no matching experiments"
    header = ("id", "distance", *TABLE_COLUMNS, "matched")
    rows = [(h.id, _cell(h.distance), *(_cell(h.metadata.get(c)) for c in TABLE_COLUMNS),
             ", ".join(h.matched)[:40] or "-") for h in hits]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
             for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
