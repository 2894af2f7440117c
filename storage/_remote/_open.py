"""Open a URL as a browser source, and register the remote openers with the node layer."""

from __future__ import annotations

from .._errors import RemoteError
from .._nodes._open import register_opener
from .._nodes._source import Source
from ._fsspec import open_fsspec_binary, open_fsspec_h5, storage_options
from ._hsds import hsds_endpoint, open_hsds
from ._options import RemoteOptions, require
from ._source import RemoteSource
from ._translate import reraise
from ._url import SCHEMES, RemoteURL, parse_url

_DEFAULT_OPTIONS = [RemoteOptions()]


def set_default_options(options: RemoteOptions) -> None:
    """Options used when a URL is opened without any (the GUI sets them from its preferences)."""
    _DEFAULT_OPTIONS[0] = options


def default_options() -> RemoteOptions:
    return _DEFAULT_OPTIONS[0]


def open_remote(url: str | RemoteURL, options: RemoteOptions | None = None) -> Source:
    """Open an ``hsds://``, ``s3://``, ``https://``, ``gs://`` or ``az://`` URL read-only.

    HDF5 gives a :class:`RemoteSource`; a JSON result object (read whole: results are small)
    gives the same JSON tree as a local file.

    Raises a :class:`RemoteError` subclass (unreachable, forbidden, not found, timed out) or
    :class:`MissingDependencyError` naming what to install. Nothing is downloaded whole.
    """
    url = parse_url(url) if isinstance(url, str) else url
    options = options or default_options()
    if url.kind == "hsds":
        file = open_hsds(url, options)
        return RemoteSource(file, url, options, lambda: _ping_hsds(url, options))
    fileobj = open_fsspec_binary(url, options)
    document = _json_document(url, options, fileobj)  # closes fileobj when it is JSON
    if document is not None:
        from .._nodes._dljson_nodes import JsonSource

        return JsonSource(document[0], url.display, url.name)
    file = open_fsspec_h5(url, options, fileobj)
    return RemoteSource(file, url, options, lambda: _ping_fsspec(url, options))


def _json_document(url: RemoteURL, options: RemoteOptions, fh) -> tuple | None:
    """A JSON result object (small: read whole and decoded), or None for anything else."""
    from .._formats import FORMATS, HEAD_BYTES, TEXT_FORMATS, LoadOptions, sniff

    try:
        fmt = sniff(fh.read(HEAD_BYTES))
        fh.seek(0)
        if fmt not in TEXT_FORMATS:
            return None
        raw = fh.read()
    except Exception as exc:
        fh.close()
        reraise(exc, url.display, timeout=options.timeout)
    fh.close()
    return (FORMATS[fmt].load_bytes(raw, LoadOptions(), url.display),)


def _ping_hsds(url: RemoteURL, options: RemoteOptions) -> None:
    requests = require("requests", url.scheme)
    endpoint = hsds_endpoint(url)
    try:
        rsp = requests.get(f"{endpoint}/about", timeout=min(options.timeout, 5.0))
    except Exception as exc:
        reraise(exc, url.display, timeout=min(options.timeout, 5.0))
    if rsp.status_code >= 500:
        raise RemoteError(f"{url.display}: the server answers with {rsp.status_code} "
                          f"{rsp.reason}: try again later", url=url.display)


def _ping_fsspec(url: RemoteURL, options: RemoteOptions) -> None:
    fsspec = require("fsspec", url.scheme)
    try:
        fs, path = fsspec.core.url_to_fs(url.path, **storage_options(url, options))
        fs.invalidate_cache(path)
        fs.info(path)
    except Exception as exc:
        reraise(exc, url.display, timeout=options.timeout)


def register_remote_openers() -> None:
    """Make the node layer's ``open_source(url)`` open every remote scheme through us."""
    for scheme in SCHEMES:
        register_opener(scheme, open_remote)
