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


# -- contracts on the module graph (imports inside functions count too) --------------------------

# storage's layers, lowest first: a module imports only from its own part or from lower layers,
# and the parts of one layer never import each other. The facade package (`storage/__init__`)
# is on top: nothing inside storage imports it back.
STORAGE_LAYERS: tuple[tuple[str, ...], ...] = (
    ("_errors",),
    ("_atomic", "_units", "_diff"),
    ("_dljson",),
    ("_formats",),
    ("_nodes",),
    ("_remote", "_tree_diff"),
    ("_facade",),
    ("_experiments", "_migration"),
    ("__init__",),
)
# gui modules that must stay importable without Qt (computations the tests and the CLI use).
QT_FREE_GUI = ("gui/messages.py", "gui/plots/smoothing.py", "gui/plots/envelope.py",
               "gui/plots/plot_data.py", "gui/plots/series_data.py", "gui/browser/tree_items.py")
QT_ROOTS = ("PySide6", "pyqtgraph", "shiboken6")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    base = REPO / name.replace(".", "/")
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def _targets(path: Path) -> set[str]:
    """Every module ``path`` imports (absolute or relative, at any depth of the file): for
    ``from X import name`` the submodule ``X.name`` when it is one, else ``X`` itself."""
    mod = _module_name(path)
    package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if _is_module(sub) else base)
    return found


def import_graph(package: str) -> dict[str, set[str]]:
    """Module -> the other modules of ``package`` it imports (a package's ``__init__`` importing
    its own submodules included: that is an edge of a cycle too)."""
    files = {_module_name(p): p for p in (REPO / package).rglob("*.py")}
    return {m: {t for t in _targets(p) if t in files and t != m} for m, p in files.items()}


def _layer(module: str) -> tuple[int, str]:
    part = module.split(".")[1] if "." in module else "__init__"
    for index, parts in enumerate(STORAGE_LAYERS):
        if part in parts:
            return index, part
    raise AssertionError(f"{module} is in no layer of STORAGE_LAYERS: add its part there")


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    bad = []
    for module, targets in graph.items():
        here, part = _layer(module)
        for target in targets:
            there, other = _layer(target)
            if there > here or (there == here and other != part):
                bad.append(f"{module} -> {target}")
    return sorted(bad)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        while work:
            node, edges = work[-1]
            nxt = next((t for t in edges if t not in index or t in stack), None)
            if nxt is not None and nxt not in index:
                index[nxt] = low[nxt] = len(index)
                stack.append(nxt)
                work.append((nxt, iter(sorted(graph[nxt]))))
                continue
            if nxt is not None:
                low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_storage_layers_only_point_down() -> None:
    assert layer_violations(import_graph("storage")) == []


def test_no_import_cycles_among_storage_modules() -> None:
    assert cycles(import_graph("storage")) == []


def test_qt_free_gui_modules_import_no_qt() -> None:
    graph = import_graph("gui")
    files = {_module_name(p): p for p in (REPO / "gui").rglob("*.py")}
    offenders = {}
    for start in QT_FREE_GUI:
        seen, todo = set(), [_module_name(REPO / start)]
        while todo:  # the module, the gui modules it imports, and their packages
            module = todo.pop()
            if module in seen:
                continue
            seen.add(module)
            parts = module.split(".")
            todo += [".".join(parts[:i]) for i in range(1, len(parts))] + sorted(graph[module])
        qt = {m for m in seen if {t.split(".")[0] for t in _targets(files[m])} & set(QT_ROOTS)}
        if qt:
            offenders[start] = sorted(qt)
    assert offenders == {}
