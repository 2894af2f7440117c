"""Settings of remote reads, a read budget, and the check for optional packages."""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from types import ModuleType

from .._errors import MissingDependencyError, ReadBudgetExceededError
from .._units import human_bytes

INSTALL_HINT = "pip install 'loupe-lab[remote]'"
DEFAULT_BUDGET = 256 * 1024 * 1024


@dataclass(frozen=True)
class RemoteOptions:
    """How remote sources are opened. None of these is a secret, so all may be remembered.

    ``block_size`` and ``cache_type`` go to fsspec (HDF5 reads metadata in small pieces spread
    over the file; a block cache turns them into a few range requests; 4 MiB blocks keep the
    request count of a big slice low, and the cache holds at most 32 of them). ``endpoint_url`` is
    the S3-compatible endpoint when ``AWS_ENDPOINT_URL`` is not set. ``read_budget`` is the most
    bytes one read may move before the caller must ask (see :func:`check_read_budget`).
    """

    timeout: float = 20.0
    retries: int = 1
    block_size: int = 4 << 20
    cache_type: str = "blockcache"
    endpoint_url: str = ""
    read_budget: int = DEFAULT_BUDGET

    def s3_endpoint(self) -> str:
        """The endpoint for S3 URLs: the option, else ``AWS_ENDPOINT_URL``(_S3), else AWS."""
        return (self.endpoint_url or os.environ.get("AWS_ENDPOINT_URL_S3")
                or os.environ.get("AWS_ENDPOINT_URL") or "")


def require(module: str, scheme: str, package: str | None = None) -> ModuleType:
    """Import an optional package, or say exactly what to install."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        package = package or module
        raise MissingDependencyError(
            f"opening {scheme}:// URLs needs the package {package!r}, which is not installed: "
            f"{INSTALL_HINT} (or pip install {package})") from exc


def check_read_budget(nbytes: int, budget: int = DEFAULT_BUDGET, *, what: str = "this read"
                      ) -> None:
    """Raise :class:`ReadBudgetExceededError` when ``nbytes`` is over ``budget``.

    Callers check before a big remote read; after the user agrees they retry with a budget of
    at least ``nbytes``. ``budget <= 0`` means no limit.
    """
    if budget > 0 and nbytes > budget:
        raise ReadBudgetExceededError(
            f"{what} would move {human_bytes(nbytes)} over the network, more than the read "
            f"budget of {human_bytes(budget)}: read a smaller slice, or allow it once (or raise "
            "the budget in Preferences > Remote)", nbytes=nbytes, budget=budget)

