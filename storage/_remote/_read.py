"""Whole-object reads from URLs, for training scripts: ``load_from_file("s3://...")`` and the
time-series readers.

Loading a result reads all of it anyway, so JSON objects are fetched as bytes; HDF5 objects are
read through h5py on the fsspec file (range requests), and HSDS domains through h5pyd. Nothing
is written to local disk.
"""

from __future__ import annotations

from typing import Any

from ._fsspec import open_fsspec_binary, open_fsspec_h5
from ._hsds import open_hsds
from ._open import default_options
from ._translate import reraise
from ._url import RemoteURL, parse_url


def open_h5_url(url: str | RemoteURL):
    """An h5py-like read-only ``File`` for an HSDS or fsspec URL (close it when done)."""
    url = parse_url(url) if isinstance(url, str) else url
    if url.kind == "hsds":
        return open_hsds(url, default_options())
    return open_fsspec_h5(url, default_options())


def read_url_bytes(url: str | RemoteURL) -> bytes:
    """All bytes of the object at an fsspec URL."""
    url = parse_url(url) if isinstance(url, str) else url
    with open_fsspec_binary(url, default_options()) as fh:
        try:
            return fh.read()
        except Exception as exc:
            reraise(exc, url.display)
    return b""


def load_url(url: str, fmt: str, options) -> Any:
    """What ``DLFriendlyStorage.load_from_file`` returns, for a URL (``fmt`` may be "auto")."""
    from .._formats import FORMATS, HEAD_BYTES, _hdf5, sniff, unknown_content

    parsed = parse_url(url)
    if parsed.kind == "hsds":
        fmt = "hdf5" if fmt == "auto" else fmt
    elif fmt == "auto":
        with open_fsspec_binary(parsed, default_options()) as fh:
            fmt = sniff(fh.read(HEAD_BYTES))
    if fmt is None:
        raise unknown_content(parsed.display)
    if fmt == "hdf5":
        with open_h5_url(parsed) as f:
            return _hdf5.load_open(f, options, parsed.display)
    return FORMATS[fmt].load_bytes(read_url_bytes(parsed), options, parsed.display)
