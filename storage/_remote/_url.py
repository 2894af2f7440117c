"""Remote locations: which URLs Loupe opens, and how to show them without secrets.

Forms understood:

- ``hsds://HOST:PORT/home/user/run.h5``: an HSDS domain served over http at ``HOST:PORT``
  (``hsdss://`` for https). ``hsds:///home/user/run.h5`` (no host) takes the endpoint from
  h5pyd's configuration (``HS_ENDPOINT`` or ``~/.hscfg``).
- ``s3://bucket/key.h5``, ``gs://bucket/key.h5``, ``az://container/blob.h5``, ``http(s)://...``:
  an object read through fsspec with range requests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from .._errors import UnsupportedFormatError

HSDS_SCHEMES = ("hsds", "hsdss")
FSSPEC_SCHEMES = ("s3", "s3a", "gs", "gcs", "az", "abfs", "abfss", "http", "https")
SCHEMES = HSDS_SCHEMES + FSSPEC_SCHEMES

# The package each fsspec scheme needs (what ``pip install`` should name).
FSSPEC_PACKAGES = {"s3": "s3fs", "s3a": "s3fs", "gs": "gcsfs", "gcs": "gcsfs", "az": "adlfs",
                   "abfs": "adlfs", "abfss": "adlfs", "http": "aiohttp", "https": "aiohttp"}

_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


@dataclass(frozen=True)
class RemoteURL:
    """A parsed remote location.

    ``kind`` is ``"hsds"`` or ``"fsspec"``. For HSDS, ``endpoint`` is the http(s) address (empty
    when h5pyd's configuration decides) and ``path`` the domain (``/home/user/run.h5``). For
    fsspec URLs, ``path`` is the URL itself. ``text`` may hold secrets (a signed query, a
    password): it lives in memory only; anything shown or remembered uses :attr:`display`.
    """

    text: str
    scheme: str
    kind: str
    endpoint: str
    path: str
    username: str = ""  # from ``hsds://user@host`` (a password in a URL is dropped, never kept)

    @property
    def display(self) -> str:
        """The URL without user or password: safe for titles, logs and the recent list."""
        return redact(self.text)

    @property
    def name(self) -> str:
        """The last path component (``run.h5``), for tab titles."""
        path = urlsplit(self.display).path if self.kind == "fsspec" else self.path
        return path.rstrip("/").rpartition("/")[2] or self.display


def url_scheme(text: str) -> str:
    """The lower-case scheme of ``text`` (``"s3"``), or ``""`` for a plain path."""
    match = _SCHEME_RE.match(str(text))
    return match.group(1).lower() if match else ""


def is_remote_url(text: str) -> bool:
    """True for a URL Loupe opens through a remote opener (not ``file://`` or a path)."""
    return url_scheme(text) in SCHEMES


def parse_url(text: str) -> RemoteURL:
    """Parse an HSDS or fsspec URL; raise :class:`UnsupportedFormatError` for anything else."""
    text = str(text).strip()
    scheme = url_scheme(text)
    if scheme not in SCHEMES:
        raise UnsupportedFormatError(
            f"{redact(text)!r} is not a URL Loupe can open: use hsds://HOST:PORT/home/user/run.h5, "
            "s3://bucket/key.h5, https://..., gs:// or az://")
    parts = urlsplit(text)
    if scheme in HSDS_SCHEMES:
        return _parse_hsds(text, scheme, parts)
    if not (parts.netloc or parts.path.strip("/")):
        raise UnsupportedFormatError(f"{redact(text)!r} names no bucket or object: "
                                     f"use {scheme}://bucket/key.h5")
    return RemoteURL(text, scheme, "fsspec", "", text)


def _parse_hsds(text: str, scheme: str, parts) -> RemoteURL:
    domain = parts.path or "/"
    if not domain.startswith("/") or domain == "/":
        raise UnsupportedFormatError(
            f"{redact(text)!r} names no HSDS domain: use {scheme}://HOST:PORT/home/user/run.h5")
    host = parts.hostname or ""
    endpoint = ""
    if host:
        http = "https" if scheme == "hsdss" else "http"
        port = f":{parts.port}" if parts.port else ""
        endpoint = f"{http}://{_bracket(host)}{port}"
    return RemoteURL(text, scheme, "hsds", endpoint, domain, parts.username or "")


def _bracket(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def redact(text: str) -> str:
    """Drop ``user:password@`` (and query strings, which may hold signed tokens) from a URL."""
    if not url_scheme(text):
        return text
    parts = urlsplit(text)
    netloc = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, netloc, parts.path, "", parts.fragment))
