"""Loupe's desktop application (PySide6 + pyqtgraph) on top of :mod:`storage`.

Importing this package does not import Qt: the headless subcommands of ``loupe`` live here too.
"""

from storage import __version__

__all__ = ["__version__"]
