"""A ChromaDB folder written by another program (the stress test's ``chroma_db/``), read-only.

Chroma's own client writes to any folder it opens (its SQLite log, the HNSW segments), so the
folder is copied to a temporary folder first and the copy is opened; the original is never
touched. Each collection is listed with its size and vector width; its entries are browsable
and filterable (ids, documents, metadata); text search is offered where its vectors are 384-d
and its embedding function is Chroma's default or all-MiniLM-L6-v2 (the model Loupe embeds
queries with), otherwise the collection is filter-only and :attr:`CollectionInfo.note` says why.

As a source, every entry of every collection becomes a run in the folder's own index (id
``chroma:{collection}/{id}``), so the search panel and plots see them beside the other runs.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..._errors import IndexUnavailableError, MissingDependencyError
from .._nal import RunRecord
from ._base import NoContext, Unit, file_signature

SQLITE = "chroma.sqlite3"
DIM = 384
_MINILM = ("default", "all-minilm-l6-v2", "all-MiniLM-L6-v2", "onnx_mini_lm_l6_v2")


@dataclass
class CollectionInfo:
    name: str
    count: int
    dimension: int | None
    searchable: bool
    note: str


def chroma_folders(root: Path) -> list[Path]:
    """``root`` itself or its direct subfolders holding a ``chroma.sqlite3`` (not .loupe)."""
    candidates = [root, *sorted(p for p in root.iterdir() if p.is_dir() and p.name != ".loupe")]
    return [p for p in candidates if (p / SQLITE).is_file()]


class ForeignChroma:
    """A read-only view of a Chroma folder: a private copy opened with Chroma's client."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        if not (self.folder / SQLITE).is_file():
            raise IndexUnavailableError(f"{self.folder} holds no ChromaDB ({SQLITE} missing)")
        try:
            import chromadb
            from chromadb.config import Settings
        except ImportError as exc:
            raise MissingDependencyError("reading a ChromaDB needs chromadb: pip install "
                                         "chromadb") from exc
        self._tmp = tempfile.mkdtemp(prefix="loupe-chroma-")
        weakref.finalize(self, shutil.rmtree, self._tmp, True)
        copy = Path(self._tmp) / "db"
        shutil.copytree(self.folder, copy, ignore=shutil.ignore_patterns(".loupe"))
        try:
            self.client = chromadb.PersistentClient(
                path=str(copy), settings=Settings(anonymized_telemetry=False,
                                                  allow_reset=False))
        except Exception as exc:
            raise IndexUnavailableError(f"cannot open the ChromaDB in {self.folder}: {exc}") \
                from exc

    def collections(self) -> list[CollectionInfo]:
        out = []
        for col in sorted(self.client.list_collections(), key=lambda c: c.name):
            col = self.client.get_collection(col.name, embedding_function=None)
            out.append(_describe(col))
        return out

    def _collection(self, name: str) -> Any:
        return self.client.get_collection(name, embedding_function=None)

    def browse(self, name: str, where: dict | None = None, limit: int = 100,
               offset: int = 0) -> list[tuple[str, str, dict[str, Any]]]:
        """(id, document, metadata) of entries, filtered by a Chroma ``where``."""
        res = self._collection(name).get(where=where or None, limit=limit, offset=offset,
                                         include=["documents", "metadatas"])
        docs = res.get("documents") or [""] * len(res["ids"])
        metas = res.get("metadatas") or [{}] * len(res["ids"])
        return [(i, d or "", dict(m or {})) for i, d, m in zip(res["ids"], docs, metas,
                                                                  strict=True)]

    def search(self, name: str, text: str, where: dict | None = None,
               limit: int = 20) -> list[tuple[str, float, str, dict[str, Any]]]:
        """Text search with Loupe's MiniLM query vector; only where the vectors match it."""
        col = self._collection(name)
        info = _describe(col)
        if not info.searchable:
            raise IndexUnavailableError(f"collection {name!r} is filter-only: {info.note}")
        from .._embedding import embed_texts

        res = col.query(query_embeddings=embed_texts([text]), n_results=limit,
                        where=where or None, include=["documents", "metadatas", "distances"])
        return [(i, float(dist), doc or "", dict(meta or {})) for i, dist, doc, meta in zip(
            res["ids"][0], res["distances"][0], res["documents"][0], res["metadatas"][0],
            strict=True)]


def _describe(col: Any) -> CollectionInfo:
    count = col.count()
    dim = None
    if count:
        got = col.get(limit=1, include=["embeddings"])
        emb = got.get("embeddings")
        dim = len(emb[0]) if emb is not None and len(emb) else None
    config = getattr(col, "configuration", None) or {}
    ef = config.get("embedding_function") if isinstance(config, dict) else None
    ef_name = ""
    if ef is not None:
        ef_name = str(getattr(ef, "name", lambda: "")() if callable(getattr(ef, "name", None))
                      else ef.get("name", "") if isinstance(ef, dict) else ef)
        model = ef.get("config", {}).get("model_name", "") if isinstance(ef, dict) else ""
        ef_name = f"{ef_name} {model}".strip()
    if dim is None:
        return CollectionInfo(col.name, count, None, False, "no vectors stored")
    if dim != DIM:
        return CollectionInfo(col.name, count, dim, False,
                              f"its vectors are {dim}-d; Loupe's all-MiniLM-L6-v2 queries are "
                              f"{DIM}-d, so text search would compare unlike spaces")
    if ef_name and not any(m.lower() in ef_name.lower() for m in _MINILM):
        return CollectionInfo(col.name, count, dim, False,
                              f"its vectors come from {ef_name!r}, not all-MiniLM-L6-v2")
    note = f"{DIM}-d vectors" + (f" ({ef_name})" if ef_name else
                                 ", no embedding function recorded: taken as all-MiniLM-L6-v2")
    return CollectionInfo(col.name, count, dim, True, note)


class ChromaFolderSource(NoContext):
    """Each ChromaDB folder in the root is one unit; its entries are runs."""

    kind = "chroma"
    title = "ChromaDB folder"  # for messages
    looks_for = f"{SQLITE} in the folder or a subfolder"

    def __init__(self, root: Path, folders: list[Path]) -> None:
        self.root = root
        self.folders = folders

    @classmethod
    def detect(cls, root: Path) -> ChromaFolderSource | None:
        try:
            folders = chroma_folders(root)
        except OSError:
            return None
        return cls(root, folders) if folders else None

    def units(self) -> list[Unit]:
        out = []
        for folder in self.folders:
            files = sorted(p for p in folder.rglob("*") if p.is_file()
                           and ".loupe" not in p.relative_to(folder).parts)
            text = "|".join(f"{p.relative_to(folder)}={file_signature(p)}" for p in files)
            key = folder.name if folder != self.root else "."
            out.append(Unit(key, folder, hashlib.sha1(text.encode()).hexdigest()))
        return out

    def records(self, unit: Unit) -> list[RunRecord]:
        db = ForeignChroma(unit.path)
        records = []
        for info in db.collections():
            offset = 0
            while offset < info.count:
                page = db.browse(info.name, limit=1000, offset=offset)
                offset += len(page) or info.count
                for entry_id, doc, meta in page:
                    records.append(self._record(unit, info, entry_id, doc, meta))
        return records

    def _record(self, unit: Unit, info: CollectionInfo, entry_id: str, doc: str,
                meta: dict[str, Any]) -> RunRecord:
        run_id = f"chroma:{info.name}/{entry_id}"
        out = {k: v for k, v in meta.items() if k not in ("experiment_id", "series")}
        series = str(meta.get("timeseries_path") or "")
        if series and not Path(series).is_absolute():
            series = str(self.root / series)
        out.update({"experiment_id": run_id, "kind": "run", "source": self.kind,
                    "chroma_collection": info.name, "chroma_id": entry_id,
                    "chroma_folder": str(unit.path), "series": series if series and
                    Path(series).exists() else "", "result_path": ""})
        out.setdefault("architecture", "unknown")
        text = doc or " ".join(f"{k} {v}" for k, v in meta.items())
        return RunRecord(run_id, str(meta.get("hypothesis_id", "")), out, text)
