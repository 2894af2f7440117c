"""The exact package set in packaging/constraints.txt satisfies every bound in pyproject.toml, so
the bounds are ones the tests passed with (regenerate: packaging/freeze_constraints.py)."""

from __future__ import annotations

import re
import tomllib

from conftest import REPO
from packaging.requirements import Requirement  # PyPI's packaging (repo's packaging/ is no package)


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_constraints_satisfy_pyproject_bounds() -> None:
    pins = {}
    for line in (REPO / "packaging" / "constraints.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            pins[_norm(name)] = version.strip()
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    wanted = project["dependencies"] + [req for name in ("test", "model", "bundle", "remote",
                                                          "tensorboard", "mlflow")
                                        for req in extras[name]]
    problems = []
    for text in wanted:
        req = Requirement(text)
        version = pins.get(_norm(req.name))
        if version is None or not req.specifier.contains(version, prereleases=True):
            problems.append(f"{req} vs pinned {version}")
    assert not problems, "update packaging/constraints.txt or the bounds: " + "; ".join(problems)


def test_packaging_folder_is_not_a_python_package() -> None:
    # A package named `packaging` would hide the PyPI module that pip and setuptools import.
    assert not (REPO / "packaging" / "__init__.py").exists()
    import packaging

    assert hasattr(packaging, "__version__")
