"""Migration of plain JSON results to DL-friendly files: plan, run, report, restore.

The engine behind ``loupe convert`` / ``loupe restore`` and the GUI's conversion wizard. See
:func:`plan_migration`, :func:`run_migration`, :func:`plan_restore` and
:func:`restore_originals`; progress callbacks always run on the calling thread.
"""

from ._journal import find_unfinished_journal
from ._model import (
    MigrationOptions,
    MigrationPlan,
    PlanItem,
    ProgressEvent,
    RestoreChange,
    RestoreResult,
)
from ._report import MigrationReport, ReportItem, list_reports
from ._restore import plan_restore, restore_originals
from ._runner import plan_migration, run_migration

__all__ = [
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
]
