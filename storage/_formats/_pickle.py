"""The ``pickle`` format: written on request only, never loaded unless the caller trusts it.

Loading a pickle runs whatever code its author put in it; ``trusted=True`` is the caller's
statement that they wrote the file themselves or trust whoever did.
"""

from __future__ import annotations

import pickle
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
    if not options.trusted:
        raise UntrustedPickleError(
            f"{path} is a pickle: loading it runs any code its author put in it. Pass "
            "trusted=True only if you made it or trust its source; or convert it to DL-JSON")
    with open(path, "rb") as fh:
        try:
            return pickle.load(fh)  # noqa: S301 - the caller said trusted=True
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError) as exc:
            raise CorruptFileError(f"{path} is a damaged or incompatible pickle ({exc})",
                                   path=path) from None
