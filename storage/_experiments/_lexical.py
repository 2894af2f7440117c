"""The lexical half of search: SQLite FTS5 (BM25) over each run's words, ids and states.

A Loupe-owned SQLite file beside Chroma's own in the index folder (in memory for a Chroma server,
rebuilt from the server's documents). It is a derived copy of the Chroma collection: written in
the same upserts and deletes, and rebuilt whenever the two counts differ (an index made before
this file existed, or a writer that bypassed it). FTS5 was chosen over ``bm25s``/``rank_bm25``:
it ships with Python's sqlite3, updates one run at a time without refitting, and ranks 10,000 runs
in about a millisecond (bench/bench_experiments.py).

Columns, weighted in :data:`WEIGHTS`: ``ids`` (run and hypothesis ids), ``state`` (the status in
the words researchers use for it), ``fields`` (architecture, dataset, optimizer, tags) and
``body`` (the document, notes, error message and the other text metadata).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ._run_text import lexical_columns

FILE_NAME = "loupe-lexical.sqlite3"
SCHEMA_VERSION = "1"
COLUMNS = ("ids", "state", "fields", "body")
# BM25 weight per column: a state or a field value named in the query is a strong signal, a word
# somewhere in the prose a weaker one (measured on the question sets, docs/search.md).
WEIGHTS = (4.0, 6.0, 3.0, 1.0)
_MARKS = str.maketrans("", "", "\x01\x02")  # highlight() marks around matched words


class LexicalIndex:
    """Add, drop and rank runs by BM25; find ids by prefix; say which words matched."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._con = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False,
                                    isolation_level=None, timeout=5.0)
        self._create()

    def _create(self) -> None:
        cols = ", ".join(COLUMNS)
        with self._lock:
            con = self._con
            con.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            row = con.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is not None and row[0] != SCHEMA_VERSION:  # an older layout: rebuilt later
                con.execute("DROP TABLE IF EXISTS runs")
                con.execute("DROP TABLE IF EXISTS run_text")
            con.execute("CREATE TABLE IF NOT EXISTS runs (n INTEGER PRIMARY KEY, "
                        "rid TEXT UNIQUE NOT NULL, rid_lower TEXT NOT NULL)")
            con.execute("CREATE INDEX IF NOT EXISTS runs_lower ON runs (rid_lower)")
            con.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS run_text USING fts5({cols}, "
                        "tokenize='porter unicode61')")
            con.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))

    def close(self) -> None:
        with self._lock:
            self._con.close()

    # -- writing -------------------------------------------------------------------------------
    def upsert(self, ids: Sequence[str], documents: Sequence[str],
               metadatas: Sequence[Mapping[str, Any]]) -> None:
        """Add or replace runs, in one transaction (all or nothing)."""
        with self._lock, _transaction(self._con) as con:
            for rid, doc, meta in zip(ids, documents, metadatas, strict=True):
                con.execute("INSERT OR IGNORE INTO runs (rid, rid_lower) VALUES (?, ?)",
                            (rid, rid.lower()))
                (n,) = con.execute("SELECT n FROM runs WHERE rid = ?", (rid,)).fetchone()
                con.execute("DELETE FROM run_text WHERE rowid = ?", (n,))
                con.execute("INSERT INTO run_text (rowid, ids, state, fields, body) "
                            "VALUES (?, ?, ?, ?, ?)", (n, *lexical_columns(rid, doc, meta)))

    def delete(self, ids: Iterable[str]) -> None:
        with self._lock, _transaction(self._con) as con:
            for rid in ids:
                row = con.execute("SELECT n FROM runs WHERE rid = ?", (rid,)).fetchone()
                if row is not None:
                    con.execute("DELETE FROM run_text WHERE rowid = ?", row)
                    con.execute("DELETE FROM runs WHERE n = ?", row)

    def clear(self) -> None:
        with self._lock, _transaction(self._con) as con:
            con.execute("DELETE FROM run_text")
            con.execute("DELETE FROM runs")

    # -- reading -------------------------------------------------------------------------------
    def count(self) -> int:
        with self._lock:
            return int(self._con.execute("SELECT count(*) FROM runs").fetchone()[0])

    def data_version(self) -> int:
        """Changes whenever another connection (process) commits to the file."""
        with self._lock:
            return int(self._con.execute("PRAGMA data_version").fetchone()[0])

    def search(self, match: str, limit: int) -> list[tuple[str, float]]:
        """(id, bm25 score, lower is better) of the best ``limit`` runs for an FTS5 expression."""
        if not match:
            return []
        sql = ("SELECT runs.rid, bm25(run_text, ?, ?, ?, ?) AS s FROM run_text "
               "JOIN runs ON runs.n = run_text.rowid WHERE run_text MATCH ? ORDER BY s LIMIT ?")
        with self._lock:
            return [(r, float(s)) for r, s in self._con.execute(sql, (*WEIGHTS, match, limit))]

    def with_prefix(self, prefix: str, limit: int) -> list[str]:
        """Ids equal to or starting with ``prefix`` (case-insensitive), the exact one first."""
        low = prefix.lower()
        sql = ("SELECT rid FROM runs WHERE rid_lower >= ? AND rid_lower < ? "
               "ORDER BY rid_lower != ?, rid_lower LIMIT ?")
        with self._lock:
            return [r for (r,) in self._con.execute(sql, (low, low + "\uffff", low, limit))]

    def matched_words(self, match: str, ids: Sequence[str]) -> dict[str, list[str]]:
        """For each of ``ids`` that ``match`` finds: the words of its text that matched."""
        if not match or not ids:
            return {}
        marks = ", ".join(f"highlight(run_text, {i}, char(1), char(2))"
                          for i in range(len(COLUMNS)))
        holes = ", ".join("?" * len(ids))
        sql = (f"SELECT runs.rid, {marks} FROM run_text JOIN runs ON runs.n = run_text.rowid "
               f"WHERE run_text MATCH ? AND runs.rid IN ({holes})")
        out: dict[str, list[str]] = {}
        with self._lock:
            rows = self._con.execute(sql, (match, *ids)).fetchall()
        for rid, *texts in rows:
            words: list[str] = []
            for column, text in zip(COLUMNS, texts, strict=True):
                for piece in (text or "").split("\x01")[1:]:
                    word = piece.split("\x02", 1)[0].strip().lower()
                    if column == "state":  # the column starts with the status itself
                        word = "status: " + text.translate(_MARKS).split(maxsplit=1)[0]
                    if word and word not in words:
                        words.append(word)
            out[rid] = words
        return out


class _transaction:
    """BEGIN ... COMMIT, or ROLLBACK on any error (the connection runs in autocommit mode)."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con

    def __enter__(self) -> sqlite3.Connection:
        self.con.execute("BEGIN IMMEDIATE")
        return self.con

    def __exit__(self, kind: Any, *_: Any) -> None:
        self.con.execute("ROLLBACK" if kind else "COMMIT")
