"""Storage tests: make this folder's helper module (``dl_compare``) importable.

Appended, not prepended: ``tests/`` must stay first, or ``from conftest import ...`` in other
test folders would find this file instead of ``tests/conftest.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.append(_HERE)
