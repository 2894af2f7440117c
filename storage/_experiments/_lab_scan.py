"""Where a lab folder keeps Loupe's own history files, and file versions for caches.

Which results, event files or other stores a folder holds is the business of :mod:`.sources`.
"""

from __future__ import annotations

from pathlib import Path

from ._series_json import SUFFIX as JSON_SUFFIX
from ._timeseries import H5_SUFFIX, safe_name


def file_stamp(path: Path) -> tuple[int, int, int] | None:
    """One version of a file (an atomic rewrite changes the inode), or None if it is missing."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


class LabFiles:
    """Paths inside one lab folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.results_dir = root / "results"
        self.timeseries_dir = root / "timeseries"
        self.legacy_dir = root / "legacy"

    def default_series(self, exp_id: str, suffix: str) -> Path:
        return self.timeseries_dir / f"{safe_name(exp_id)}{suffix}"

    def any_series(self, exp_id: str) -> Path | None:
        for suffix in (H5_SUFFIX, JSON_SUFFIX):
            path = self.default_series(exp_id, suffix)
            if path.exists():
                return path
        return None
