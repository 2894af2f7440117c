"""Loupe's storage library: DL-friendly files, time series, experiment search, migration.

Qt-free and light to import: torch and chromadb are imported inside the functions that need them.
The public names are listed in ``__all__``; everything in ``_modules`` is private.
"""

from __future__ import annotations

from ._atomic import atomic_path
from ._diff import Difference, diff_values
from ._diff import value_text as diff_value_text
from ._dljson import TorchUnavailableWarning
from ._errors import (
    CorruptFileError,
    EncodeError,
    IndexUnavailableError,
    MigrationError,
    MissingDependencyError,
    NodeReadError,
    ReadBudgetExceededError,
    RemoteError,
    RemoteForbiddenError,
    RemoteNotFoundError,
    RemoteTimeoutError,
    RemoteUnreachableError,
    StorageError,
    StorageFileNotFoundError,
    StoragePermissionError,
    StorageWriteError,
    UnknownTypeMarkerError,
    UnsupportedFormatError,
    UntrustedPickleError,
)
from ._experiments._compare import Column, CompareTable, RunDetails, run_details
from ._experiments._compare import from_metadata as runs_from_metadata
from ._experiments._demo import DemoSummary, write_demo_lab
from ._experiments._embedding import embed_texts
from ._experiments._field_roles import SEED_KEYS, is_configuration, is_result_name
from ._experiments._hybrid import Experiment, HybridExperimentStorage, NALChromaIntegration
from ._experiments._importance import Importance, parameter_importance
from ._experiments._index import ChromaConfig, ExperimentIndex, Hit
from ._experiments._index_fields import FieldInfo
from ._experiments._lab import IndexSummary, Lab
from ._experiments._metrics_h5 import load_metrics, save_metrics
from ._experiments._query_filters import FilterSuggestion, suggest_filters
from ._experiments._remote_lab import index_remote_lab
from ._experiments._series_h5 import SeriesReader, SeriesWriter
from ._experiments._timeseries import TimeSeriesConfig, TimeSeriesStorage
from ._experiments._where import UnknownFieldError, WhereSyntaxError, check_where, parse_where
from ._experiments.sources import (
    CollectionInfo,
    ForeignChroma,
    experiment_sources,
    forget_mlflow_uri,
    recorded_mlflow_uris,
    remember_mlflow_uri,
    source_title,
    sources_looked_for,
)
from ._facade import DLFriendlyStorage, detect_format
from ._formats import open_dialog_filters
from ._migration import (
    MigrationOptions,
    MigrationPlan,
    MigrationReport,
    PlanItem,
    ProgressEvent,
    ReportItem,
    RestoreChange,
    RestoreResult,
    find_unfinished_journal,
    list_reports,
    plan_migration,
    plan_restore,
    restore_originals,
    run_migration,
)
from ._nodes import (
    PAGE_SIZE,
    AttrInfo,
    ChildPage,
    NodeInfo,
    NodeKind,
    SliceResult,
    Source,
    hdf5_open_for_writing,
    join_path,
    open_source,
    parent_path,
    register_opener,
    value_text,
)
from ._remote import (
    RemoteOptions,
    RemoteSource,
    is_remote_url,
    open_remote,
    parse_url,
    redact,
)
from ._remote import set_default_options as set_default_remote_options
from ._tree_diff import DiffCancelled, diff_files, diff_sources
from ._units import human_bytes


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("loupe-lab")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.1.0+source"


__version__ = _version()

__all__ = [
    "atomic_path",
    "DLFriendlyStorage",
    "TorchUnavailableWarning",
    "detect_format",
    "SEED_KEYS",
    "is_configuration",
    "is_result_name",
    "open_dialog_filters",
    "human_bytes",
    "MigrationOptions",
    "MigrationPlan",
    "MigrationReport",
    "PlanItem",
    "ProgressEvent",
    "ReportItem",
    "RestoreChange",
    "RestoreResult",
    "find_unfinished_journal",
    "list_reports",
    "plan_migration",
    "plan_restore",
    "restore_originals",
    "run_migration",
    "AttrInfo",
    "ChildPage",
    "NodeKind",
    "PAGE_SIZE",
    "join_path",
    "hdf5_open_for_writing",
    "parent_path",
    "value_text",
    "index_remote_lab",
    "experiment_sources",
    "source_title",
    "sources_looked_for",
    "forget_mlflow_uri",
    "recorded_mlflow_uris",
    "remember_mlflow_uri",
    "ForeignChroma",
    "CollectionInfo",
    "parse_url",
    "redact",
    "set_default_remote_options",
    "NodeInfo",
    "SliceResult",
    "Source",
    "open_source",
    "register_opener",
    "ReadBudgetExceededError",
    "RemoteError",
    "RemoteForbiddenError",
    "RemoteNotFoundError",
    "RemoteOptions",
    "RemoteSource",
    "RemoteTimeoutError",
    "RemoteUnreachableError",
    "is_remote_url",
    "open_remote",
    "CorruptFileError",
    "EncodeError",
    "IndexUnavailableError",
    "ChromaConfig",
    "NALChromaIntegration",
    "HybridExperimentStorage",
    "Experiment",
    "write_demo_lab",
    "Lab",
    "IndexSummary",
    "DemoSummary",
    "ExperimentIndex",
    "FieldInfo",
    "Hit",
    "WhereSyntaxError",
    "UnknownFieldError",
    "FilterSuggestion",
    "suggest_filters",
    "check_where",
    "embed_texts",
    "parse_where",
    "SeriesReader",
    "SeriesWriter",
    "TimeSeriesConfig",
    "TimeSeriesStorage",
    "load_metrics",
    "save_metrics",
    "MigrationError",
    "MissingDependencyError",
    "NodeReadError",
    "StorageError",
    "StorageFileNotFoundError",
    "StoragePermissionError",
    "StorageWriteError",
    "UnknownTypeMarkerError",
    "UnsupportedFormatError",
    "UntrustedPickleError",
    "Column",
    "CompareTable",
    "DiffCancelled",
    "Difference",
    "Importance",
    "RunDetails",
    "diff_files",
    "diff_sources",
    "diff_values",
    "diff_value_text",
    "parameter_importance",
    "run_details",
    "runs_from_metadata",
    "__version__",
]
