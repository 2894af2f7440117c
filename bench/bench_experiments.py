"""Benchmark of the experiment side: index, queries, embedding model, time-series append and read.

Prints one table; every row has a baseline measured in the same process and the ratio to it:

- indexing N experiments (embedding + Chroma upsert) vs Chroma upsert of ready vectors;
- query latency (median, p95) for text (hybrid: ids, BM25 and embedding fused; and the embedding
  alone, as before issue 16) / an id / filter / text + filter vs Chroma's own call with a ready
  query vector;
- the embedding model: ready time (cold, in a fresh process) and query embedding latency after
  warm-up, vs sentence-transformers (torch) when it is installed;
- appending 100,000 epochs of 10 metrics one row at a time vs one h5py write of the same arrays;
- reading one metric's 1,000,000 points vs h5py slicing the same dataset.

Usage: python bench/bench_experiments.py [--experiments 10000] [--queries 50] [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from storage import ChromaConfig, ExperimentIndex, TimeSeriesConfig, TimeSeriesStorage  # noqa: E402
from storage._experiments._nal import parse_results  # noqa: E402

ARCHS = ["resnet18", "resnet50", "vit-s", "vit-b", "mlp", "transformer", "convnext-t"]
STATUSES = ["done"] * 8 + ["running", "diverged", "failed"]
QUERIES = ["vision transformer that diverged", "resnet with a cosine schedule",
           "still training language model", "small MLP baseline with high accuracy",
           "run that crashed out of memory", "best accuracy on cifar100"]


def generated_runs(n: int, seed: int = 0) -> tuple[list[str], list[str], list[dict]]:
    """``n`` experiments described through the NAL parser, like real results files."""
    rng = np.random.default_rng(seed)
    ids, docs, metas = [], [], []
    for i in range(n):
        arch = ARCHS[i % len(ARCHS)]
        status = STATUSES[int(rng.integers(0, len(STATUSES)))]
        acc = float(rng.uniform(0.5, 0.98))
        run = {"run_id": f"b{i:05d}_{arch}", "architecture": arch, "status": status,
               "config": {"lr": float(rng.choice([1e-4, 3e-4, 1e-3, 3e-3, 1e-2])),
                          "seed": int(rng.integers(0, 5)), "optimizer": "adamw"},
               "metrics": {"accuracy": acc, "loss": float(-np.log(acc))},
               "best": {"accuracy": acc + 0.005}, "epochs": int(rng.integers(20, 2000)),
               "notes": f"sweep {i // 100}, {'healthy' if status == 'done' else status} curve"}
        _, (rec,) = parse_results({"hypothesis_id": f"h{i // 5:04d}", "dataset": "cifar100",
                                   "hypothesis": f"Hypothesis {i // 5} about {arch} training",
                                   "runs": [run]}, "h")
        ids.append(rec.experiment_id)
        docs.append(rec.document)
        metas.append(rec.metadata)
    return ids, docs, metas


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def p95(values: list[float]) -> float:
    return float(np.percentile(values, 95))


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []

    def add(self, what: str, value: float, baseline: float | None, unit: str,
            base_name: str = "") -> None:
        ratio = f"{value / baseline:.2f}x" if baseline else "-"
        base = f"{_fmt(baseline, unit)} ({base_name})" if baseline else base_name or "-"
        self.rows.append((what, _fmt(value, unit), base, ratio))
        print(f"  {what}: {_fmt(value, unit)}", file=sys.stderr, flush=True)

    def render(self) -> str:
        head = ("measurement", "loupe", "baseline (same process)", "ratio")
        widths = [max(len(r[i]) for r in [head, *self.rows]) for i in range(4)]
        def line(row: tuple[str, ...]) -> str:
            return "| " + " | ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) + " |"

        sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
        return "\n".join([line(head), sep, *(line(r) for r in self.rows)])


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        return f"{value:.2f} s" if value >= 1 else f"{value * 1000:.1f} ms"
    return f"{value:,.0f} {unit}"


def bench_index(table: Table, n: int, queries: int, folder: Path, sample: int) -> None:
    from storage._experiments._embedding import embed_texts

    ids, docs, metas = generated_runs(n)
    # baseline first: the same upsert into Chroma with the vectors already computed, on a sample
    from storage._experiments._index import clean_metadata

    m = min(n, sample)
    vectors = embed_texts(docs[:m])
    raw = ExperimentIndex(ChromaConfig(folder / "raw"))._collection
    start = time.perf_counter()
    for s in range(0, m, 128):
        e = min(s + 128, m)
        raw.upsert(ids=ids[s:e], embeddings=vectors[s:e], documents=docs[s:e],
                   metadatas=[clean_metadata(x) for x in metas[s:e]])
    raw_took = (time.perf_counter() - start) * n / m
    ix = ExperimentIndex(ChromaConfig(folder / "ix"))
    start = time.perf_counter()
    ix.upsert(ids, docs, metas, progress=_progress("indexing"))
    took = time.perf_counter() - start
    table.add(f"index {n:,} experiments (embed + upsert)", took, raw_took, "s",
              f"Chroma upsert of ready vectors, scaled from {m:,}")
    table.add("indexing rate", n / took, n / raw_took, "exp/s", "ready vectors")

    col = ix._collection
    qvec = {q: embed_texts([q]) for q in QUERIES}
    cases = {
        "text (hybrid)": (lambda q: ix.query(q, limit=20),
                          lambda q: col.query(query_embeddings=qvec[q], n_results=20)),
        "text, dense only (as before issue 16)": (
            lambda q: ix.query(q, limit=20, mode="dense"),
            lambda q: col.query(query_embeddings=qvec[q], n_results=20)),
        "an id prefix (b0042)": (lambda q: ix.query(f"b{QUERIES.index(q) * 7:04d}", limit=20),
                                 lambda q: col.query(query_embeddings=qvec[q], n_results=20)),
        "filter": (lambda q: ix.query(where="accuracy > 0.9 and lr < 1e-3", limit=20),
                   lambda q: col.get(where={"$and": [{"accuracy": {"$gt": 0.9}},
                                                     {"lr": {"$lt": 1e-3}}]}, limit=20)),
        "text + filter (hybrid)": (lambda q: ix.query(q, where='status == "done" and epochs > 500',
                                             limit=20),
                          lambda q: col.query(query_embeddings=qvec[q], n_results=20,
                                              where={"$and": [{"status": {"$eq": "done"}},
                                                              {"epochs": {"$gt": 500}}]})),
    }
    for name, (ours, base) in cases.items():
        for q in QUERIES:  # warm-up
            ours(q)
            base(q)
        rounds = QUERIES * (queries // len(QUERIES) + 1)
        t_ours = [timed(lambda q=q, f=ours: f(q), 1)[0] for q in rounds]
        t_base = [timed(lambda q=q, f=base: f(q), 1)[0] for q in rounds]
        table.add(f"query {name}, median", statistics.median(t_ours), statistics.median(t_base),
                  "s", "Chroma call, ready vector")
        table.add(f"query {name}, p95", p95(t_ours), p95(t_base), "s", "Chroma call")
    sorted_list = timed(lambda: ix.query(sort_by="accuracy", limit=50), 5)
    table.add(f"sorted listing of {n:,} (sort_by accuracy)", statistics.median(sorted_list),
              statistics.median(timed(lambda: col.get(include=["metadatas"]), 5)), "s",
              "Chroma get of all metadata")


def _progress(label: str):
    def report(done: int, total: int) -> None:
        if done % 1024 < 128 or done == total:
            print(f"  {label} {done}/{total}", file=sys.stderr, flush=True)
    return report


def bench_model(table: Table) -> None:
    code = ("import time; t = time.perf_counter()\n"
            "from storage._experiments._embedding import get_model\n"
            "get_model().encode(['warm up'])\n"
            "print(time.perf_counter() - t)")
    ready = [float(subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True,
                                  capture_output=True, text=True).stdout) for _ in range(3)]
    from storage._experiments._embedding import embed_texts

    embed_texts(["warm up"])
    ours = [timed(lambda q=q: embed_texts([q]), 1)[0] for q in QUERIES * 10]
    st_ready = st_query = None
    try:
        st_code = code.replace("from storage._experiments._embedding import get_model\n",
                               "from sentence_transformers import SentenceTransformer\n"
                               "from storage._experiments._embedding import model_path\n") \
            .replace("get_model().encode(['warm up'])",
                     "m = SentenceTransformer(str(model_path()), device='cpu'); m.encode(['w'])")
        st_ready = float(subprocess.run([sys.executable, "-c", st_code], cwd=REPO, check=True,
                                        capture_output=True, text=True).stdout)
        from sentence_transformers import SentenceTransformer

        from storage._experiments._embedding import model_path

        st = SentenceTransformer(str(model_path()), device="cpu")
        st.encode(["warm up"])
        st_query = statistics.median(
            [timed(lambda q=q: st.encode([q]), 1)[0] for q in QUERIES * 10])
    except Exception as exc:  # sentence-transformers is optional
        print(f"  (no sentence-transformers baseline: {exc})", file=sys.stderr)
    table.add("embedding model ready (cold process, median of 3)", statistics.median(ready),
              st_ready, "s", "sentence-transformers + torch")
    table.add("query embedding after warm-up, median", statistics.median(ours), st_query, "s",
              "sentence-transformers")
    table.add("query embedding after warm-up, p95", p95(ours), None, "s")


def bench_timeseries(table: Table, epochs: int, points: int, folder: Path) -> None:
    import h5py

    ts = TimeSeriesStorage(TimeSeriesConfig(folder / "ts", compression="gzip"))
    names = [f"metric_{i}" for i in range(10)]
    data = np.random.default_rng(0).random((epochs, 10))
    rows = [dict(zip(names, row.tolist(), strict=True)) for row in data]
    start = time.perf_counter()
    with ts.open_writer("append", metrics=names) as w:
        for epoch, row in enumerate(rows):
            w.append(row, step=epoch, wall_time=1.0 + epoch)
    took = time.perf_counter() - start
    start = time.perf_counter()
    with h5py.File(folder / "direct.h5", "w", libver="latest") as f:
        for i, name in enumerate(names):
            f.create_dataset(name, data=data[:, i], chunks=(1024,), maxshape=(None,),
                             compression="gzip", compression_opts=4)
        f.create_dataset("step", data=np.arange(epochs), chunks=(1024,), maxshape=(None,),
                         compression="gzip", compression_opts=4)
    base = time.perf_counter() - start
    assert ts.read("append", "metric_3").shape == (epochs,)
    table.add(f"append {epochs:,} epochs x 10 metrics, row by row", took, base, "s",
              "one h5py write of the whole arrays")
    table.add("append rate", epochs / took, epochs / base, "rows/s", "h5py whole arrays")

    path = ts.write_history("long", {"loss": np.random.default_rng(1).random(points)})
    ts.read("long", "loss")
    ours = timed(lambda: ts.read("long", "loss"), 7)

    def direct() -> None:
        with h5py.File(path, "r") as f:
            f["loss"][:]

    base = timed(direct, 7)
    table.add(f"read one metric of {points:,} points", statistics.median(ours),
              statistics.median(base), "s", "h5py open + slice, same file")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experiments", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--epochs", type=int, default=100_000)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--baseline-sample", type=int, default=2000,
                        help="experiments upserted with ready vectors for the baseline")
    parser.add_argument("--skip-model", action="store_true", help="no embedding-model rows")
    parser.add_argument("--only-index", action="store_true",
                        help="only the index and query rows (no model, no time series)")
    parser.add_argument("--quick", action="store_true", help="1,000 experiments, 10,000 epochs")
    args = parser.parse_args()
    if args.quick:
        args.experiments, args.epochs = 1000, 10_000
    table = Table()
    with tempfile.TemporaryDirectory(prefix="loupe-bench-") as tmp:
        folder = Path(tmp)
        if not (args.skip_model or args.only_index):
            bench_model(table)
        if not args.only_index:
            bench_timeseries(table, args.epochs, args.points, folder)
        bench_index(table, args.experiments, args.queries, folder, args.baseline_sample)
    print(table.render())


if __name__ == "__main__":
    main()
