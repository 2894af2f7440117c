"""The experiment index: ChromaDB, embedded (a folder) or as a client of a Chroma server.

Each experiment is one entry: a text document (for semantic search) plus flat scalar metadata
(for filters). Embeddings come from :mod:`._embedding` and are always passed explicitly:
Chroma's default embedding function downloads a model and fails offline. chromadb is imported
inside :class:`ExperimentIndex` only, so ``import storage`` stays light.
"""

from __future__ import annotations

import json
import math
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._errors import IndexUnavailableError, MissingDependencyError
from ._hit import Hit  # re-exported: callers import it from here
from ._index_fields import FieldInfo, compute_fields, expand_text_values, sort_hits
from ._lexical import FILE_NAME, LexicalIndex
from ._where import check_fields, parse_where

# Under a filter, the nearest max(5 x wanted, 1000) runs are read unfiltered (3 ms on 10,000
# runs; 300 sent half the queries to Chroma's filtered query, 12-30 ms) and filtered here.
POST_FILTER, POST_FILTER_MIN = 5, 1000
_BATCH = 256  # documents embedded (in several batches, on 2 threads) and sent to Chroma at a time


@dataclass
class ChromaConfig:
    """Where the index lives: a folder (embedded Chroma) or ``host``/``port`` of a server."""

    persist_directory: Path | None
    collection_name: str = "experiments"
    host: str | None = None
    port: int | None = None
    timeout_s: float = 5.0

    def __post_init__(self) -> None:
        if self.persist_directory is not None:
            self.persist_directory = Path(self.persist_directory)
        if self.host is None and self.persist_directory is None:
            raise ValueError("ChromaConfig needs a persist_directory or a host and port")

    @property
    def is_server(self) -> bool:
        return self.host is not None

    def describe(self) -> str:
        """Where the index is, for messages."""
        if self.is_server:
            return f"the Chroma server at {self.host}:{self.port or 8000}"
        return f"the index folder {self.persist_directory}"


def clean_metadata(meta: Mapping[str, Any]) -> dict[str, Any]:
    """Chroma accepts str/int/float/bool only: drop None and non-finite numbers, stringify rest."""
    out: dict[str, Any] = {}
    for key, value in meta.items():
        if value is None:
            continue
        if isinstance(value, bool | str):
            out[str(key)] = value
        elif isinstance(value, int | float) or hasattr(value, "item"):
            number = value.item() if hasattr(value, "item") else value
            if isinstance(number, float) and not math.isfinite(number):
                continue  # a NaN accuracy must not match "accuracy > 0.9" nor break Chroma
            out[str(key)] = number
        else:
            out[str(key)] = json.dumps(value, default=str)[:2000]
    return out


class ExperimentIndex:
    """Upsert, query, list and describe experiments in one Chroma collection."""

    def __init__(self, config: ChromaConfig) -> None:
        self.config = config
        self._client = self._connect()
        self._collection = self._open_collection()
        self._fields_cache: tuple[int, dict[str, FieldInfo]] | None = None
        self._lexical: LexicalIndex | None = None
        self._lexical_lock = threading.Lock()
        self._writes = 0  # upserts and deletes by this object (see ids_where)
        self._allowed: dict[str, tuple[tuple[int, int], set[str]]] = {}

    # -- connection ----------------------------------------------------------------------------
    def _connect(self) -> Any:
        try:
            import chromadb
            from chromadb.config import Settings
        except ImportError as exc:
            raise MissingDependencyError("searching needs chromadb: pip install chromadb") from exc
        settings = Settings(anonymized_telemetry=False)
        if self.config.is_server:
            return self._connect_server(chromadb, settings)
        folder = self.config.persist_directory
        _probe_sqlite(folder / "chroma.sqlite3", self.config.timeout_s, self._broken_message)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            return chromadb.PersistentClient(path=str(folder), settings=settings)
        except Exception as exc:
            raise IndexUnavailableError(self._broken_message(exc)) from exc

    def _connect_server(self, chromadb: Any, settings: Any) -> Any:
        host, port = self.config.host, int(self.config.port or 8000)
        url = f"http://{host}:{port}/api/v2/heartbeat"
        try:  # a quick probe with a timeout: Chroma's own client waits forever on a dead host
            with urllib.request.urlopen(url, timeout=self.config.timeout_s) as resp:
                resp.read()
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            raise IndexUnavailableError(
                f"cannot reach the Chroma server at {host}:{port} ({_reason(exc)}). Start it "
                f"(chroma run --path DIR --host {host} --port {port}) or search the local "
                "index instead.") from exc
        try:
            client = chromadb.HttpClient(host=host, port=port, settings=settings)
            _set_timeout(client, self.config.timeout_s)
            return client
        except Exception as exc:
            raise IndexUnavailableError(
                f"the Chroma server at {host}:{port} answered but refused the client: {exc}"
            ) from exc

    def _open_collection(self) -> Any:
        from ._embedding import embedding_function

        try:
            return self._client.get_or_create_collection(
                self.config.collection_name, embedding_function=embedding_function(),
                configuration={"hnsw": {"space": "cosine"}})
        except Exception as exc:
            raise IndexUnavailableError(self._broken_message(exc)) from exc

    def _broken_message(self, exc: BaseException) -> str:
        where = self.config.describe()
        if self.config.is_server:
            return f"{where} failed: {exc}. Check that the server is running and up to date."
        return (f"cannot open {where}: {exc}. Another program may be using it, or it is "
                "damaged. Close other Loupe windows and training scripts that use it; to rebuild "
                "it, move the folder away and run `loupe index LAB`. Loupe never deletes it.")

    def _call(self, what: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (ValueError, TypeError) as exc:
            if "where" in str(exc).lower() or "operator" in str(exc).lower():
                raise ValueError(f"the filter was rejected by Chroma: {exc}") from exc
            raise IndexUnavailableError(f"{what} failed on {self.config.describe()}: {exc}") \
                from exc
        except Exception as exc:
            raise IndexUnavailableError(f"{what} failed on {self.config.describe()}: {exc}") \
                from exc

    # -- writing -------------------------------------------------------------------------------
    def upsert(self, ids: list[str], documents: list[str], metadatas: list[dict],
               progress: Callable[[int, int], None] | None = None) -> None:
        """Add or replace experiments (same id -> updated, never duplicated)."""
        from ._embedding import embed_texts

        if not (len(ids) == len(documents) == len(metadatas)):
            raise ValueError("ids, documents and metadatas must have the same length")
        for start in range(0, len(ids), _BATCH):
            stop = start + _BATCH
            docs = documents[start:stop]
            vectors = embed_texts(docs)
            metas = [clean_metadata(m) or {"_": 0} for m in metadatas[start:stop]]
            self._call("indexing", self._collection.upsert, ids=list(ids[start:stop]),
                       documents=list(docs), embeddings=vectors, metadatas=metas)
            self.lexical().upsert(ids[start:stop], docs, metas)
            self._writes += 1
            if progress is not None:
                progress(min(stop, len(ids)), len(ids))
        self._fields_cache = None

    def delete(self, ids: Sequence[str]) -> None:
        """Remove experiments by id (unknown ids are ignored)."""
        if ids:
            self._call("deleting", self._collection.delete, ids=list(ids))
            self.lexical().delete(ids)
            self._writes += 1
        self._fields_cache = None

    # -- reading -------------------------------------------------------------------------------
    def count(self) -> int:
        return int(self._call("counting", self._collection.count))

    def get(self, exp_id: str) -> Hit | None:
        res = self._call("reading", self._collection.get, ids=[exp_id],
                         include=["documents", "metadatas"])
        hits = _hits_from_get(res)
        return hits[0] if hits else None

    def all_metadata(self) -> dict[str, dict[str, Any]]:
        """id -> metadata of every entry (for bookkeeping and :meth:`fields`)."""
        res = self._call("reading", self._collection.get, include=["metadatas"])
        return {i: dict(m or {}) for i, m in zip(res["ids"], res["metadatas"], strict=True)}

    def fields(self) -> dict[str, FieldInfo]:
        """What the metadata holds: each field's kind, range and (for text) known values."""
        count = self.count()
        if self._fields_cache is None or self._fields_cache[0] != count:
            self._fields_cache = (count, compute_fields(self.all_metadata().values()))
        return self._fields_cache[1]

    def query(self, text: str | None = None, where: str | dict | None = None, limit: int = 20,
              sort_by: str | None = None, descending: bool = True,
              mode: str = "hybrid") -> list[Hit]:
        """Search by ``text`` (hybrid: ids, meaning and words), filtered (``where``), or a sorted
        listing (no text). ``mode`` "dense" or "lexical" ranks by one side alone (benchmarks)."""
        from ._retrieval import hybrid_search

        where_dict = self._where(where)
        limit = max(1, int(limit))
        if text and text.strip():
            hits = hybrid_search(self, text, where_dict, limit, mode)
            return sort_hits(hits, sort_by, descending) if sort_by else hits
        return self._listing(where_dict, limit, sort_by, descending)

    # -- the lexical side ------------------------------------------------------------------------
    def lexical(self) -> LexicalIndex:
        """The BM25 index beside Chroma's, rebuilt from Chroma when the two disagree."""
        with self._lexical_lock:
            if self._lexical is None:
                folder = self.config.persist_directory
                path = None if self.config.is_server or folder is None else folder / FILE_NAME
                if path is not None:
                    folder.mkdir(parents=True, exist_ok=True)
                self._lexical = LexicalIndex(path)
                if self._lexical.count() != self.count():
                    self._rebuild_lexical(self._lexical)
            return self._lexical

    def _rebuild_lexical(self, lexical: LexicalIndex) -> None:
        lexical.clear()
        total = self.count()
        for start in range(0, total, 2000):
            res = self._call("reading", self._collection.get, offset=start, limit=2000,
                             include=["documents", "metadatas"])
            lexical.upsert(res["ids"], [d or "" for d in res["documents"]],
                           [m or {} for m in res["metadatas"]])

    def dense_hits(self, text: str, where: dict | None, limit: int,
                   allowed: set[str] | None = None, bare: bool = False) -> list[Hit]:
        """The ``limit`` runs closest in meaning (embedding) to ``text`` that pass ``where``.

        With ``allowed`` (the ids passing ``where``), the nearest runs (``POST_FILTER``) are
        read unfiltered and filtered here: Chroma's filtered vector query took 43 ms
        on 2,000 runs (90 ms on 10,000 on a busy machine) against ~5 ms for this. When too few
        of them pass, Chroma's filtered query answers instead, so the result is the same.
        ``bare``: the post-filtered hits come without document and metadata (empty), for a
        caller that fetches them together with others in one read.
        """
        from ._embedding import embed_texts

        vector = embed_texts([text])
        if allowed is None or where is None:
            return self._semantic(vector, where, limit)
        res = self._call("searching", self._collection.query, query_embeddings=vector,
                         n_results=max(limit * POST_FILTER, POST_FILTER_MIN),
                         include=["distances"])
        pairs = [(i, d) for i, d in zip(res["ids"][0], res["distances"][0], strict=True)
                 if i in allowed][:limit]
        if len(pairs) < min(limit, len(allowed)):
            return self._semantic(vector, where, limit)
        if bare:
            return [Hit(i, float(d), "", {}) for i, d in pairs]
        by_id = {h.id: h for h in self.fetch([i for i, _ in pairs])}
        return [Hit(i, float(d), by_id[i].document, by_id[i].metadata)
                for i, d in pairs if i in by_id]

    def ids_where(self, where: dict) -> set[str]:
        """The ids of the runs that pass ``where`` (no documents or metadata read).

        Kept per filter until the index changes: typing a query under a fixed filter repeats
        this read (40 ms on 10,000 runs on a busy machine). A change is seen through a counter
        of this object's writes and SQLite's data_version of the lexical file, which every
        Loupe writer (another window, a training script) commits to with its Chroma write.
        """
        key, stamp = json.dumps(where, sort_keys=True), self._write_stamp()
        cached = self._allowed.get(key)
        if cached is not None and stamp is not None and cached[0] == stamp:
            return cached[1]
        ids = set(self._call("filtering", self._collection.get, where=where, include=[])["ids"])
        if stamp is not None:
            self._allowed = {**dict(list(self._allowed.items())[-7:]), key: (stamp, ids)}
        return ids

    def _write_stamp(self) -> tuple[int, int] | None:
        if self.config.is_server:  # other clients write the server: nothing to tell us
            return None
        return (self._writes, self.lexical().data_version())

    def fetch(self, ids: Sequence[str], where: dict | None = None) -> list[Hit]:
        """These runs (those that pass ``where``), in no particular order."""
        if not ids:
            return []
        return _hits_from_get(self._call("reading", self._collection.get, ids=list(ids),
                                         where=where, include=["documents", "metadatas"]))

    def _listing(self, where: dict | None, limit: int, sort_by: str | None,
                 descending: bool) -> list[Hit]:
        # Sort on ids (or on metadata only) over all matches, then fetch the documents of the
        # page alone: a listing of 10,000 runs never moves 10,000 documents.
        if sort_by is None:
            res = self._call("listing", self._collection.get, where=where, include=[])
            top = sorted(res["ids"])[:limit]
        else:
            res = self._call("listing", self._collection.get, where=where,
                             include=["metadatas"])
            ranked = sort_hits([Hit(i, None, "", dict(m or {}))
                                for i, m in zip(res["ids"], res["metadatas"], strict=True)],
                               sort_by, descending)
            top = [h.id for h in ranked[:limit]]
        if not top:
            return []
        page = _hits_from_get(self._call("listing", self._collection.get, ids=top,
                                          include=["documents", "metadatas"]))
        by_id = {h.id: h for h in page}
        return [by_id[i] for i in top if i in by_id]

    def _where(self, where: str | dict | None) -> dict | None:
        if where is None or where == {}:
            return None
        if isinstance(where, str):
            if not where.strip():
                return None
            parsed = parse_where(where)
            fields = self.fields()
            if fields:  # an empty index knows no fields yet: nothing to check against
                check_fields(parsed, fields)
            return expand_text_values(parsed, lambda: fields)
        return dict(where)

    def _semantic(self, vector: Any, where: dict | None, limit: int) -> list[Hit]:
        res = self._call("searching", self._collection.query, query_embeddings=vector,
                         n_results=limit, where=where,
                         include=["documents", "metadatas", "distances"])
        ids, docs = res["ids"][0], res["documents"][0]
        metas, dists = res["metadatas"][0], res["distances"][0]
        return [Hit(i, float(d), doc or "", dict(m or {}))
                for i, doc, m, d in zip(ids, docs, metas, dists, strict=True)]


def _probe_sqlite(path: Path, timeout_s: float, message: Callable[[BaseException], str]) -> None:
    """Fail fast on a locked or damaged index database.

    Chroma waits without end on a database that another process holds locked, and reports a
    damaged one deep inside its engine; a short write transaction here tells both apart quickly.
    """
    if not path.is_file():
        return
    import sqlite3

    try:
        con = sqlite3.connect(str(path), timeout=timeout_s)
        try:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
            con.execute("BEGIN IMMEDIATE")
            con.execute("ROLLBACK")
        finally:
            con.close()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise IndexUnavailableError(
                f"the index {path.parent} is locked by another program (waited "
                f"{timeout_s:g} s). Close other Loupe windows or `loupe index` runs that use it, "
                "then try again. Loupe never deletes it.") from exc
        raise IndexUnavailableError(message(exc)) from exc
    except sqlite3.DatabaseError as exc:
        raise IndexUnavailableError(message(exc)) from exc


def _hits_from_get(res: Mapping[str, Any]) -> list[Hit]:
    docs = res.get("documents") or [""] * len(res["ids"])
    metas = res.get("metadatas") or [{}] * len(res["ids"])
    return [Hit(i, None, doc or "", dict(m or {}))
            for i, doc, m in zip(res["ids"], docs, metas, strict=True)]


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None)
    return str(reason or exc) or type(exc).__name__


def _set_timeout(client: Any, timeout_s: float) -> None:
    # Chroma's HTTP session has no timeout at all; bound connects by timeout_s and reads by a
    # minute (a large upsert may take a while on a busy server).
    try:
        import httpx

        client._server._session.timeout = httpx.Timeout(max(60.0, timeout_s), connect=timeout_s)
    except Exception:  # a future chromadb without that attribute keeps its own behaviour
        pass
