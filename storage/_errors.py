"""Typed errors of the storage library.

Each error subclasses :class:`StorageError` and the builtin a caller would naturally catch, and its
message says what to do about it. The GUI turns them into titled messages at the action boundary.
"""

from __future__ import annotations


class StorageError(Exception):
    """Base class of every error raised by :mod:`storage`."""


class CorruptFileError(StorageError, ValueError):
    """The file exists but its content cannot be decoded (broken JSON, truncated HDF5...)."""

    def __init__(self, message: str, *, path: object = None, line: int | None = None,
                 column: int | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.column = column


class UnsupportedFormatError(StorageError, ValueError):
    """The format name is unknown or the file's content matches no known format."""


class UnknownTypeMarkerError(StorageError, ValueError):
    """A DL-JSON ``__type__`` marker is not in the registry; nothing named in a file is imported."""


class EncodeError(StorageError, TypeError):
    """A value has no DL-JSON marker. The message names its place in the data."""

    def __init__(self, message: str, *, location: str = "data") -> None:
        super().__init__(message)
        self.location = location


class UntrustedPickleError(StorageError, PermissionError):
    """A pickle file was about to be loaded without ``trusted=True``."""


class StorageFileNotFoundError(StorageError, FileNotFoundError):
    """The path does not exist."""


class StoragePermissionError(StorageError, PermissionError):
    """The file or its folder cannot be read or written."""


class StorageWriteError(StorageError, OSError):
    """The disk refused a write (full, quota, file too large, I/O error); the old file is kept."""


class MissingDependencyError(StorageError, ImportError):
    """An optional package is needed (torch, chromadb, h5pyd, s3fs...); the message names it."""


class IndexUnavailableError(StorageError, RuntimeError):
    """The experiment index is locked, broken or its server is down."""


class MigrationError(StorageError, RuntimeError):
    """A conversion run cannot start or continue (journal unreadable, folder missing...)."""


class RemoteError(StorageError, OSError):
    """A remote source (HSDS, S3, HTTP...) failed; subclasses say how. ``url`` has no secrets."""

    def __init__(self, message: str, *, url: str = "") -> None:
        super().__init__(message)
        self.url = url


class RemoteUnreachableError(RemoteError, ConnectionError):
    """The server did not answer (down, wrong address, no network)."""


class RemoteForbiddenError(RemoteError, PermissionError):
    """The server refused the credentials (HTTP 401/403)."""


class RemoteNotFoundError(RemoteError, FileNotFoundError):
    """The server answered, but the domain, bucket or object does not exist."""


class RemoteTimeoutError(RemoteError, TimeoutError):
    """The server took longer than the configured timeout."""


class ReadBudgetExceededError(StorageError, RuntimeError):
    """A remote read would move more bytes than the budget allows; ask, then raise the budget."""

    def __init__(self, message: str, *, nbytes: int = 0, budget: int = 0) -> None:
        super().__init__(message)
        self.nbytes = nbytes
        self.budget = budget


class NodeReadError(StorageError, OSError):
    """One object of a file cannot be read here, though the file is not damaged: a compression
    filter, an external file or a type conversion is missing. The message names the object."""

    def __init__(self, message: str, *, path: object = None) -> None:
        super().__init__(message)
        self.path = path
