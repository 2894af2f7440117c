"""The dependency arrow points one way (gui -> storage) and `import storage` stays light."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FORBIDDEN_IN_STORAGE = ("gui", "PySide6", "pyqtgraph", "shiboken6")


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_storage_never_imports_qt_or_gui() -> None:
    offenders = {
        str(p.relative_to(REPO)): sorted(_imported_roots(p) & set(FORBIDDEN_IN_STORAGE))
        for p in (REPO / "storage").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_import_storage_is_light() -> None:
    code = (
        "import sys, storage\n"
        "heavy = [m for m in ('torch', 'chromadb', 'PySide6', 'pyqtgraph', 'onnxruntime') "
        "if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                         check=True)
    assert out.stdout.strip() == ""


def test_packaging_folder_is_not_a_python_package() -> None:
    # pip and setuptools import the PyPI module `packaging`; ours must never shadow it.
    assert not (REPO / "packaging" / "__init__.py").exists()


def test_cli_headless_commands_do_not_import_qt() -> None:
    code = "import sys, gui.cli\nprint('PySide6' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                         check=True)
    assert out.stdout.strip() == "False"


def _imported_modules(path: Path) -> set[str]:
    """Every absolute module a file imports, at the top or inside a function."""
    mods = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            mods.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            mods.add(node.module)
    return mods


def test_gui_uses_only_the_public_storage_api() -> None:
    offenders = {
        str(p.relative_to(REPO)): sorted(m for m in _imported_modules(p)
                                         if m.startswith("storage._"))
        for p in (REPO / "gui").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}
