"""Objects in S3, GCS, Azure or on HTTP through fsspec: range reads behind a block cache.

h5py reads from a Python file object (``h5py.File(fileobj)``): HDF5 asks for small pieces of
metadata spread over the file, and the cache turns them into a few range requests of
``block_size`` bytes. Nothing is downloaded whole. Credentials come from each store's standard
environment and configuration files; for S3-compatible stores ``AWS_ENDPOINT_URL`` (honoured by
s3fs and boto3) or :attr:`RemoteOptions.endpoint_url` name the endpoint.
"""

from __future__ import annotations

import atexit
import weakref
from typing import IO

import h5py

from ._options import RemoteOptions, require
from ._translate import reraise
from ._url import FSSPEC_PACKAGES, RemoteURL, parse_url


def storage_options(url: RemoteURL, options: RemoteOptions) -> dict:
    """fsspec filesystem arguments for ``url`` (endpoint and timeouts; never credentials)."""
    if url.scheme in ("s3", "s3a"):
        # botocore's own retries with backoff would keep a dead endpoint "loading" for minutes
        out: dict = {"config_kwargs": {
            "connect_timeout": options.timeout, "read_timeout": options.timeout,
            "retries": {"max_attempts": max(1, options.retries), "mode": "standard"}}}
        endpoint = options.s3_endpoint()
        if endpoint:
            out["endpoint_url"] = endpoint
        return out
    return {}


def open_fsspec_binary(url: RemoteURL | str, options: RemoteOptions | None = None) -> IO[bytes]:
    """An open, seekable, read-only binary file object for an fsspec URL."""
    url = parse_url(url) if isinstance(url, str) else url
    options = options or RemoteOptions()
    require(FSSPEC_PACKAGES.get(url.scheme, "fsspec").replace("-", "_"), url.scheme,
            FSSPEC_PACKAGES.get(url.scheme))
    fsspec = require("fsspec", url.scheme)
    try:
        fs, path = fsspec.core.url_to_fs(url.path, **storage_options(url, options))
        return fs.open(path, "rb", block_size=options.block_size, cache_type=options.cache_type)
    except Exception as exc:
        reraise(exc, url.display, timeout=options.timeout)


def open_fsspec_h5(url: RemoteURL, options: RemoteOptions | None = None, fileobj=None):
    """h5py on the object at ``url`` (or on ``fileobj``, already open on it); closing the
    returned file closes the object too."""
    fileobj = fileobj if fileobj is not None else open_fsspec_binary(url, options)
    try:
        h5 = _OwningFile(fileobj, "r")
    except Exception as exc:
        fileobj.close()
        reraise(exc, url.display)
    h5._loupe_fileobj = fileobj
    _OPEN.add(h5)
    return h5


_OPEN: weakref.WeakSet = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    """Close remote files before the interpreter tears down fsspec's event loop: HDF5 closing
    a file at exit would call back into a half-finalized Python file object (a segfault)."""
    for h5 in list(_OPEN):
        try:
            h5.close()
        except Exception:  # the server may be gone; nothing to save at exit
            pass


class _OwningFile(h5py.File):
    """An ``h5py.File`` that also closes the file object it reads from."""

    def close(self) -> None:
        try:
            super().close()
        finally:
            fileobj = getattr(self, "_loupe_fileobj", None)
            if fileobj is not None:
                fileobj.close()
