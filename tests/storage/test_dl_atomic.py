"""Atomic writes: a failure while encoding or writing leaves the old file and no temporary file."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from storage import DLFriendlyStorage, EncodeError

REPO = Path(__file__).resolve().parents[2]


def _old_file(tmp_path: Path, fmt: str) -> tuple[Path, bytes]:
    path = DLFriendlyStorage().save_to_file({"old": np.arange(10)}, tmp_path / "f", format=fmt)
    return path, path.read_bytes()


@pytest.mark.parametrize("fmt", ["json", "compressed", "hdf5", "pickle"])
def test_failure_mid_encoding_keeps_old_file(tmp_path: Path, fmt: str) -> None:
    path, before = _old_file(tmp_path, fmt)
    # For HDF5 the first datasets are already in the temporary file when the lambda fails.
    doc = {"first": np.zeros(100_000), "second": {"deep": [1, 2, lambda: 0]}}
    with pytest.raises((EncodeError, AttributeError, TypeError)):
        DLFriendlyStorage().save_to_file(doc, path, format=fmt)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["f"]


def test_disk_full_keeps_old_file(tmp_path: Path) -> None:
    # RLIMIT_FSIZE makes the kernel refuse writes past 1 MiB, as a full disk would.
    path, before = _old_file(tmp_path, "json")
    code = textwrap.dedent(f"""
        import resource, signal, sys
        import numpy as np
        from storage import DLFriendlyStorage, StorageWriteError
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2**20, 2**20))
        for fmt in ("json", "hdf5"):
            try:
                DLFriendlyStorage().save_to_file(np.random.rand(1_000_000), {str(path)!r},
                                                 format=fmt)
            except StorageWriteError as exc:
                print(fmt, "refused:", exc)
            else:
                sys.exit(fmt + " write should have failed")
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert "json refused" in out.stdout and "hdf5 refused" in out.stdout
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["f"]


def test_overwrite_replaces_whole_file(tmp_path: Path) -> None:
    storage = DLFriendlyStorage()
    path = storage.save_to_file({"big": np.arange(100_000)}, tmp_path / "x.json", format="json")
    storage.save_to_file({"small": 1}, path, format="json")
    assert storage.load_from_file(path) == {"small": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]
