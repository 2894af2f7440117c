"""The ``hdf5`` format (filled in below)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ._options import LoadOptions, SaveOptions

NAME = "hdf5"
SUFFIXES = (".h5", ".hdf5", ".hdf", ".he5")
SIGNATURE = b"\x89HDF\r\n\x1a\n"


def sniff(head: bytes) -> bool:
    # The superblock sits at 0 or after a userblock of 512, 1024, 2048... bytes.
    offset = 0
    while offset + len(SIGNATURE) <= len(head):
        if head[offset:offset + len(SIGNATURE)] == SIGNATURE:
            return True
        offset = 512 if offset == 0 else offset * 2
    return False


def save(data: Any, path: Path, options: SaveOptions) -> None:
    raise NotImplementedError


def load(path: Path, options: LoadOptions) -> Any:
    raise NotImplementedError
