"""Experiment sources: one small reader module per kind of store, found by looking in a folder.

Each module gives a class with ``kind``, ``detect(root) -> source | None`` (cheap: a few
``glob`` s), and the :class:`~._base.Source` methods. :func:`detect_sources` returns every kind
present (several may sit side by side); :func:`read_series` reads a run's series from the
locator the indexer kept for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ._base import Source, Unit
from ._chroma_folder import ChromaFolderSource, CollectionInfo, ForeignChroma
from ._huggingface import HuggingFaceSource
from ._join import join_chroma_to_results
from ._lightning import LightningCsvSource
from ._lm_eval import LmEvalSource
from ._mlflow import MlflowSource
from ._nal_dir import NalSource
from ._tensorboard import TensorBoardSource
from ._uris import forget_mlflow_uri, recorded_mlflow_uris, remember_mlflow_uri, with_recorded

# Tried in this order; each looks for its own files only (heavy packages load on first read).
SOURCE_TYPES: list[Any] = [NalSource, ChromaFolderSource, TensorBoardSource, MlflowSource,
                           HuggingFaceSource, LightningCsvSource, LmEvalSource]


def detect_sources(root: Path) -> list[Source]:
    """Every kind of experiment store found in ``root`` (empty if none)."""
    found = []
    for kind in SOURCE_TYPES:
        source = kind.detect(root)
        if source is not None:
            found.append(source)
    found = join_chroma_to_results(found)  # the stress test's results + chroma_db/
    return with_recorded(root, found)  # MLflow URIs recorded by `loupe index --mlflow`


def series_kind(locator: str) -> tuple[str, str]:
    """``("file", path)`` for a history file, else ``(kind, target)`` of a source's own."""
    head, sep, rest = locator.partition(":")
    if sep and any(getattr(t, "kind", None) == head and hasattr(t, "read_series")
                   for t in SOURCE_TYPES):
        return head, rest
    return "file", locator


def read_series(locator: str, metrics: Sequence[str] | None = None) -> dict[str, np.ndarray]:
    """A run's series from its locator (a source's own files); ``{}`` for a history file."""
    kind, target = series_kind(locator)
    for source_type in SOURCE_TYPES:
        if source_type.kind == kind and hasattr(source_type, "read_series"):
            return source_type.read_series(target, metrics)
    return {}


def series_metrics(locator: str) -> list[str]:
    kind, target = series_kind(locator)
    for source_type in SOURCE_TYPES:
        if source_type.kind == kind and hasattr(source_type, "series_metrics"):
            return source_type.series_metrics(target)
    return []


__all__ = ["SOURCE_TYPES", "CollectionInfo", "ForeignChroma", "NalSource", "Source", "Unit",
           "detect_sources", "experiment_sources", "forget_mlflow_uri", "read_series",
           "recorded_mlflow_uris", "remember_mlflow_uri", "series_kind", "series_metrics",
           "source_title", "sources_looked_for"]


def experiment_sources(root: str | Path) -> list[str]:
    """The kinds of experiment stores in a folder (``["nal", "tensorboard"]``), for messages."""
    return [s.kind for s in detect_sources(Path(root).expanduser())]


def source_title(kind: str) -> str:
    """What people call a kind of store (``"nal"`` -> ``"NAL results"``)."""
    return next((t.title for t in SOURCE_TYPES if t.kind == kind), kind)


def sources_looked_for(sep: str = "; ") -> str:
    """Every kind of store and the files that make one, for a "found no experiments" message."""
    return sep.join(f"{t.title}: {t.looks_for}" for t in SOURCE_TYPES)
