"""What search reads of a run besides its numbers: the embedded document and the lexical columns.

The embedded document is built by :func:`._nal.run_document`; this module finishes it (a failed
run's error message) and attaches its lab report without diluting it: the report's title goes to
the lexical side and the metadata only. Appending it to every document made all the runs of one
report look alike to the embedding (issue 16).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The words researchers use for each state; they fill the lexical "state" column, so "blew up",
# "out of memory" or "still training" find the runs of that state by BM25.
STATE_WORDS = {
    "running": "running still training going in progress unfinished ongoing incomplete live",
    "diverged": "diverged diverging divergence nan blew up exploded exploding unstable inf",
    "failed": "failed failure crashed crash errored out of memory oom killed exception",
    "done": "done finished completed complete",
}
ERROR_KEYS = ("error", "error_message", "exception", "failure", "traceback")
FIELD_KEYS = ("architecture", "dataset", "optimizer", "tags", "model", "task")
ID_KEYS = ("experiment_id", "hypothesis_id", "lab_id")
# Text metadata that is not prose: paths, dates, the kind marker.
_NOT_TEXT = {"result_path", "timeseries_path", "started", "finished", "created", "lab_date",
             "kind", "status"}
_ERROR_CHARS = 300


def error_text(meta: Mapping[str, Any]) -> str:
    """The run's error message (first of the usual keys that holds text), or ""."""
    for key in ERROR_KEYS:
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def finish_document(document: str, meta: Mapping[str, Any]) -> str:
    """The embedded document plus the error message of a run that has one (cut short)."""
    error = error_text(meta)
    if not error or error in document:
        return document
    return f"{document} Error: {error[:_ERROR_CHARS]}"


def report_metadata(report_text: str, report_meta: Mapping[str, Any]) -> dict[str, Any]:
    """What a lab report adds to each of its runs: its id, date and title, as metadata only."""
    return {**report_meta, "lab_report": report_text}


def lexical_columns(rid: str, document: str, meta: Mapping[str, Any]) -> tuple[str, ...]:
    """The run's (ids, state, fields, body) text for the BM25 index."""
    ids = [rid, *(str(meta[k]) for k in ID_KEYS if isinstance(meta.get(k), str))]
    status = str(meta.get("status") or "")
    state = STATE_WORDS.get(status, status)
    fields = [str(meta[k]) for k in FIELD_KEYS if isinstance(meta.get(k), str)]
    body = [document]
    for key, value in meta.items():
        if (isinstance(value, str) and key not in _NOT_TEXT and key not in FIELD_KEYS
                and key not in ID_KEYS and value not in document):
            body.append(value)
    return (" ".join(dict.fromkeys(ids)), state, " ".join(fields), " ".join(body))
