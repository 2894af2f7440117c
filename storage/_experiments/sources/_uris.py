"""MLflow tracking URIs recorded for a folder (``loupe index DIR --mlflow URI``).

The URIs live in ``DIR/.loupe/mlflow_uris.json`` (Loupe's own folder; the data is never
touched), written atomically. Every look at the folder's sources adds those stores to the one
:class:`~._mlflow.MlflowSource`, so reindex, search and plots include them. Credentials are
never stored: a URI with a user or password is refused (MLflow reads
``MLFLOW_TRACKING_USERNAME`` / ``_PASSWORD`` / ``_TOKEN`` from the environment).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..._atomic import atomic_write_bytes
from ..._errors import MissingDependencyError, RemoteUnreachableError
from ._base import Unit
from ._mlflow import MlflowSource, client

URIS_FILE = Path(".loupe") / "mlflow_uris.json"
_SCHEMES = {"http", "https", "sqlite", "file", "databricks", "postgresql", "mysql", "mssql"}


def uris_path(root: Path) -> Path:
    return Path(root) / URIS_FILE


def recorded_mlflow_uris(root: Path) -> list[str]:
    """The URIs recorded for ``root`` ([] when none, or the file is unreadable)."""
    try:
        doc = json.loads(uris_path(root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    uris = doc.get("mlflow_uris") if isinstance(doc, dict) else None
    return [u for u in uris if isinstance(u, str)] if isinstance(uris, list) else []


def _save(root: Path, uris: list[str]) -> None:
    path = uris_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, json.dumps({"mlflow_uris": uris}, indent=1).encode("utf-8"))


def normalize_uri(uri: str) -> str:
    """A URI as it is recorded: a plain path becomes ``file://``; credentials are refused."""
    text = uri.strip()
    parts = urlsplit(text)
    if not parts.scheme or len(parts.scheme) == 1:  # a path (or a Windows drive letter)
        return Path(text).expanduser().resolve().as_uri()
    scheme = parts.scheme.split("+")[0].lower()
    if scheme not in _SCHEMES:
        raise ValueError(f"--mlflow {uri!r}: not an MLflow tracking URI (http://, https://, "
                         "sqlite:///, file://, a folder, or a database URI)")
    if parts.username or parts.password:
        raise ValueError("--mlflow: a URI with a user name or password is not stored; give "
                         "the URI without them and set MLFLOW_TRACKING_USERNAME / "
                         "MLFLOW_TRACKING_PASSWORD (or MLFLOW_TRACKING_TOKEN) instead")
    return text.rstrip("/") if scheme in {"http", "https"} else text


def check_uri(uri: str) -> None:
    """Raise MissingDependencyError or RemoteUnreachableError unless the store answers.

    A SQLite database or a file store that does not exist is unreachable (MLflow's client
    would create an empty one: Loupe only reads). A server gets no retries here.
    """
    parts = urlsplit(uri)
    if parts.scheme.startswith("sqlite"):
        db = Path(uri.partition(":///")[2] or parts.path)
        if not db.is_file():
            raise RemoteUnreachableError(f"MLflow store {uri}: no such database file",
                                         url=uri)
    elif parts.scheme == "file" and not Path(parts.path).is_dir():
        raise RemoteUnreachableError(f"MLflow store {uri}: no such folder", url=uri)
    saved = {k: os.environ.get(k) for k in ("MLFLOW_HTTP_REQUEST_MAX_RETRIES",
                                             "MLFLOW_HTTP_REQUEST_TIMEOUT")}
    os.environ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "0"
    os.environ["MLFLOW_HTTP_REQUEST_TIMEOUT"] = "10"
    try:
        client(uri).search_experiments(max_results=1)
    except MissingDependencyError:
        raise
    except Exception as exc:  # MLflow raises its own exceptions and requests' ones
        raise RemoteUnreachableError(f"MLflow store {uri} cannot be read: "
                                     f"{_first_line(exc)}", url=uri) from exc
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def remember_mlflow_uri(root: Path, uri: str, check: bool = True) -> str:
    """Record ``uri`` for ``root`` (after checking the store answers); the URI as recorded."""
    norm = normalize_uri(uri)
    if check:
        check_uri(norm)
    uris = recorded_mlflow_uris(root)
    if norm not in uris:
        _save(root, [*uris, norm])
    return norm


def forget_mlflow_uri(root: Path, uri: str) -> bool:
    """Remove ``uri`` from ``root``'s recorded URIs; False when it was not recorded."""
    uris = recorded_mlflow_uris(root)
    keep = [u for u in uris if u not in {uri.strip(), _normalize_quietly(uri)}]
    if keep == uris:
        return False
    _save(root, keep)
    return True


class RecordedMlflowSource(MlflowSource):
    """The folder's MLflow stores plus the recorded ones; a store that fails is a typed error
    (the indexer stops rather than dropping that store's runs from the index)."""

    def units(self) -> list[Unit]:
        try:
            return super().units()
        except MissingDependencyError:
            raise
        except Exception as exc:
            raise RemoteUnreachableError(f"an MLflow store of this folder cannot be read: "
                                         f"{_first_line(exc)}") from exc


def with_recorded(root: Path, found: list[Any]) -> list[Any]:
    """``found`` (the folder's detected sources) with the recorded MLflow URIs added."""
    extra = recorded_mlflow_uris(root)
    if not extra:
        return found
    local = next((s for s in found if getattr(s, "kind", "") == MlflowSource.kind), None)
    uris = list(local.uris) if local is not None else []
    merged = RecordedMlflowSource(uris + [u for u in extra if u not in uris])
    if local is None:
        return [*found, merged]
    return [merged if s is local else s for s in found]


def _normalize_quietly(uri: str) -> str:
    try:
        return normalize_uri(uri)
    except ValueError:
        return uri


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__
