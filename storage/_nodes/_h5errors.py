"""HDF5 errors as storage's typed errors, naming the file, the object and what to do.

h5py raises RuntimeError, OSError, KeyError or ValueError for a damaged file, with HDF5's last
message ("Link iteration failed (bad heap free list)"). The node layer turns them into
:class:`CorruptFileError` (the file's bytes are damaged at that object) or :class:`NodeReadError`
(the object is fine but cannot be read here: a filter, an external file or a type conversion is
missing), so a caller catches :class:`StorageError` and a damaged object becomes a marked row.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

from .._errors import CorruptFileError, NodeReadError, StorageError

HDF5_ERRORS = (RuntimeError, OSError, KeyError, ValueError)
# Reasons that are not damage: the same object reads where the filter or file is present.
NOT_DAMAGE = ("filter", "plugin", "external raw data", "conversion path", "cannot convert",
              "can't open directory", "unable to open file", "external link",
              "no appropriate function")
MISSING = ("doesn't exist", "does not exist", "not found", "no such")
DAMAGE_ADVICE = ("the file is damaged at this object, other objects may still read: copy it "
                 "again from its source, or run h5check on it")

F = TypeVar("F", bound=Callable)


def reason(exc: BaseException) -> str:
    """HDF5's message without h5py's quoting (a KeyError's text is its repr)."""
    text = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
    return str(text).strip()


def is_damage(exc: BaseException) -> bool:
    text = reason(exc).lower()
    return not any(word in text for word in NOT_DAMAGE + MISSING)


def row_error(what: str, exc: BaseException) -> str:
    """The error text of a marked row: what failed, HDF5's reason, and what to do."""
    text = f"{what}: {reason(exc)}"
    return f"{text}; {DAMAGE_ADVICE}" if is_damage(exc) else text


def typed_error(exc: BaseException, file_name: str, path: str, action: str) -> Exception:
    """``exc`` (from h5py) as the error a caller of the node layer gets."""
    text = reason(exc)
    where = f"{file_name}: {path or '/'}"
    if isinstance(exc, KeyError) and any(word in text.lower() for word in MISSING):
        return KeyError(f"{where}: no such object ({text})")
    if is_damage(exc):
        return CorruptFileError(f"{where}: cannot {action}: {text}; {DAMAGE_ADVICE}",
                                path=file_name)
    return NodeReadError(f"{where}: cannot {action}: {text}", path=path)


def translated(action: str) -> Callable[[F], F]:
    """Decorate a ``Source`` method whose first argument is a node path: HDF5 errors leave it
    typed (see :func:`typed_error`); storage's own errors and cancellations pass as they are."""

    def wrap(method: F) -> F:
        @functools.wraps(method)
        def inner(self, path: str = "/", *args, **kwargs):
            try:
                return method(self, path, *args, **kwargs)
            except StorageError:
                raise
            except HDF5_ERRORS as exc:
                raise typed_error(exc, self.name, path, action) from exc

        return inner  # type: ignore[return-value]

    return wrap
