"""Turn what h5pyd, requests, botocore, aiohttp and fsspec raise into Loupe's typed errors.

Each library says "cannot connect" differently: h5pyd raises ``IOError("Connection Error")`` or
``IOError(404, "Not Found")`` with the original exception in ``__context__``; s3fs raises
``FileNotFoundError``/``PermissionError`` or botocore's ``EndpointConnectionError``. We look at
the exception and its chain (by class name, so no optional package is imported here) and give
one message that says what to do.
"""

from __future__ import annotations

import errno as _errno

from .._errors import (
    CorruptFileError,
    RemoteError,
    RemoteForbiddenError,
    RemoteNotFoundError,
    RemoteTimeoutError,
    RemoteUnreachableError,
    StorageError,
)

_TIMEOUT_NAMES = {"Timeout", "ReadTimeout", "ConnectTimeout", "ReadTimeoutError",
                  "ConnectTimeoutError", "FSTimeoutError", "TimeoutError", "ServerTimeoutError",
                  "socket.timeout"}
_UNREACHABLE_NAMES = {"ConnectionError", "EndpointConnectionError", "ClientConnectorError",
                      "ConnectionRefusedError", "ConnectionResetError", "NewConnectionError",
                      "MaxRetryError", "ServerDisconnectedError", "ClientOSError",
                      "ConnectionClosedError", "RemoteDisconnected", "ProtocolError"}
_FORBIDDEN_CODES = {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "403", "401",
                    "AllAccessDisabled", "ExpiredToken", "InvalidToken"}
_NOT_FOUND_CODES = {"NoSuchBucket", "NoSuchKey", "404", "NotFound"}


def _chain(exc: BaseException):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def _status(exc: BaseException) -> int | None:
    """An HTTP status carried by the exception (h5pyd's ``IOError(404, ...)``, botocore codes)."""
    for attr in ("status", "status_code", "errno"):
        value = getattr(exc, attr, None)
        if isinstance(value, int) and 100 <= value < 600:
            return value
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = str(response.get("Error", {}).get("Code", ""))
        if code in _FORBIDDEN_CODES:
            return 403
        if code in _NOT_FOUND_CODES:
            return 404
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if isinstance(status, int):
            return status
    return None


def classify(exc: BaseException) -> str:
    """One of ``timeout``, ``unreachable``, ``forbidden``, ``not-found``, ``corrupt``, or ``""``.

    The whole chain is looked at and the most specific answer wins: h5pyd reports a read
    timeout as ``IOError("Connection Error")`` whose context says "Read timed out".
    """
    found = {_classify_one(link) for link in _chain(exc)}
    for kind in ("timeout", "forbidden", "not-found", "unreachable", "corrupt"):
        if kind in found:
            return kind
    return ""


def _classify_one(link: BaseException) -> str:
    name = type(link).__name__
    text = str(link)
    status = _status(link)
    if name in _TIMEOUT_NAMES or isinstance(link, TimeoutError) or "timed out" in text:
        return "timeout"
    if status in (401, 403) or isinstance(link, PermissionError) or "Unauthoriz" in text \
            or name in ("NoCredentialsError", "PartialCredentialsError"):
        return "forbidden"
    if status in (404, 410) or isinstance(link, FileNotFoundError) or \
            getattr(link, "errno", None) == _errno.ENOENT or text in ("Not found", "Not Found"):
        return "not-found"
    if name in _UNREACHABLE_NAMES or isinstance(link, ConnectionError) or \
            "Connection Error" in text or "Cannot connect" in text:
        return "unreachable"
    if "file signature not found" in text or "bad object header" in text:
        return "corrupt"
    return ""


def translate(exc: BaseException, display_url: str, *, timeout: float | None = None) -> Exception:
    """The typed :class:`StorageError` for ``exc`` raised while using ``display_url``.

    Errors that are already typed, and ones we cannot classify, are returned unchanged.
    """
    if isinstance(exc, StorageError):
        return exc
    kind = classify(exc)
    hsds = display_url.startswith(("hsds://", "hsdss://"))
    creds = ("HS_USERNAME/HS_PASSWORD or ~/.hscfg" if hsds else
             "the store's usual settings (for S3: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, "
             "AWS_PROFILE or ~/.aws/credentials)")
    if kind == "timeout":
        after = f" after {timeout:g} s" if timeout else ""
        return RemoteTimeoutError(
            f"{display_url}: the server did not answer{after}. It may be busy or the network "
            "slow: try again, or raise the timeout in Preferences > Remote.", url=display_url)
    if kind == "unreachable":
        where = ("check the host and port, and that HSDS is running (HS_ENDPOINT)" if hsds else
                 "check the address and your network; for an S3-compatible store set "
                 "AWS_ENDPOINT_URL (or the S3 endpoint in Open URL)")
        return RemoteUnreachableError(f"{display_url}: cannot reach the server: {where}.",
                                      url=display_url)
    if kind == "forbidden":
        return RemoteForbiddenError(
            f"{display_url}: access refused. Check your credentials in {creds}; Loupe never "
            "stores them.", url=display_url)
    if kind == "not-found":
        what = "domain" if hsds else "bucket or object"
        return RemoteNotFoundError(f"{display_url}: no such {what}. Check the URL (names are "
                                   "case-sensitive).", url=display_url)
    if kind == "corrupt":
        return CorruptFileError(f"{display_url} is not an HDF5 file ({exc}): open an .h5, .nc "
                                "or .nxs object", path=display_url)
    return exc


def reraise(exc: BaseException, display_url: str, *, timeout: float | None = None) -> None:
    """Raise the translated error, chained to the original (for the traceback)."""
    typed = translate(exc, display_url, timeout=timeout)
    if typed is exc:
        raise exc
    raise typed from exc


__all__ = ["RemoteError", "classify", "reraise", "translate"]
