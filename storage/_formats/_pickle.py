"""The ``pickle`` format: written on request only, never loaded unless the caller trusts it.

Loading a pickle runs whatever code its author put in it; ``trusted=True`` is the caller's
statement that they wrote the file themselves or trust whoever did.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .._atomic import atomic_write
from .._errors import CorruptFileError, UntrustedPickleError
from ._options import LoadOptions, SaveOptions

NAME = "pickle"
SUFFIXES = (".pkl", ".pickle")
TEXT = False
DESCRIPTION = "a Python pickle (never loaded; it can run code)"


def sniff(head: bytes) -> bool:
    # Protocols 2..5 start with PROTO; older text protocols are not recognised (nor written).
    return len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5


def save(data: Any, path: Path, options: SaveOptions) -> None:
    payload = pickle.dumps(data, protocol=5)
    with atomic_write(path) as fh:
        fh.write(payload)


def load(path: Path, options: LoadOptions) -> Any:
    _check_trusted(path, options)
    with open(path, "rb") as fh:
        return _unpickle(lambda: pickle.load(fh), path)  # noqa: S301 - trusted checked


def load_bytes(raw: bytes, options: LoadOptions, where: object) -> Any:
    """The object in ``raw`` (a whole file read elsewhere, e.g. from a URL)."""
    _check_trusted(where, options)
    return _unpickle(lambda: pickle.loads(raw), where)  # noqa: S301 - trusted checked


def _check_trusted(where: object, options: LoadOptions) -> None:
    if not options.trusted:
        raise UntrustedPickleError(
            f"{where} is a pickle: loading it runs any code its author put in it. Pass "
            "trusted=True only if you made it or trust its source; or convert it to DL-JSON")


def _unpickle(read: Callable[[], Any], where: object) -> Any:
    try:
        return read()  # the caller said trusted=True
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError) as exc:
        raise CorruptFileError(f"{where} is a damaged or incompatible pickle ({exc})",
                               path=where) from None
