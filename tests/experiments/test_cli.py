"""`loupe demo`, `loupe index`, `loupe search` as a user runs them (subprocesses)."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import REPO, subprocess_env


def _loupe(tmp_path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gui", *map(str, args)], cwd=REPO,
                          env=subprocess_env(tmp_path), capture_output=True, text=True,
                          timeout=600, check=check)


def test_demo_index_search(tmp_path) -> None:
    lab = tmp_path / "lab"
    out = _loupe(tmp_path, "demo", lab, "--hypotheses", "4", "--no-index")
    assert "wrote 4 hypotheses" in out.stderr and not (lab / ".loupe").exists()
    again = _loupe(tmp_path, "demo", lab, "--if-missing", "--no-index")
    assert "already" in again.stderr

    indexed = _loupe(tmp_path, "index", lab)
    assert "indexing [" in indexed.stderr and "0 failed" in indexed.stderr
    assert "4 files unchanged" in _loupe(tmp_path, "index", lab, "--quiet").stderr

    table = _loupe(tmp_path, "search", "vision transformer", "--lab", lab, "--limit", "3")
    lines = table.stdout.splitlines()
    assert lines[0].split()[:3] == ["id", "distance", "status"] and len(lines) == 5

    hits = json.loads(_loupe(tmp_path, "search", "--lab", lab, "--where", "epochs >= 20",
                             "--sort-by", "epochs", "--ascending", "--json").stdout)
    assert hits and set(hits[0]) == {"id", "distance", "document", "metadata", "why"}
    epochs = [h["metadata"]["epochs"] for h in hits]
    assert epochs == sorted(epochs) and min(epochs) >= 20 and hits[0]["distance"] is None


def test_clear_errors(tmp_path) -> None:
    bad = _loupe(tmp_path, "search", "x", "--lab", tmp_path, "--where", "accuracy >",
                 check=False)
    assert bad.returncode == 2 and "loupe search: --where: expected a value" in bad.stderr
    assert "Traceback" not in bad.stderr
    down = _loupe(tmp_path, "search", "x", "--lab", tmp_path, "--host", "127.0.0.1", "--port",
                  "9", check=False)
    assert down.returncode == 1 and "cannot reach the Chroma server" in down.stderr
    nolab = _loupe(tmp_path, "index", tmp_path / "nothing", check=False)
    assert nolab.returncode == 1 and "is not a folder" in nolab.stderr


def test_search_explains_checks_fields_and_suggests_filters(tmp_path, demo_lab) -> None:
    _loupe(tmp_path, "index", demo_lab, "--quiet")
    typo = _loupe(tmp_path, "search", "x", "--lab", demo_lab, "--where", "acuracy > 0.9",
                  check=False)
    assert typo.returncode == 2 and typo.stdout == ""
    assert "unknown field 'acuracy'" in typo.stderr and "did you mean accuracy" in typo.stderr

    table = _loupe(tmp_path, "search", "diverged runs with sgd", "--lab", demo_lab)
    assert "suggested filter: --where 'status == \"diverged\"'" in table.stdout
    assert "suggested filter: --where 'optimizer == \"sgd\"'" in table.stdout
    assert "status: diverged" in table.stdout.splitlines()[2]  # the "matched" column

    out = _loupe(tmp_path, "search", "a diverged run", "--lab", demo_lab, "--json",
                 "--where", 'status == "diverged"')
    hits = json.loads(out.stdout)
    assert hits and all(h["metadata"]["status"] == "diverged" for h in hits)
    why = hits[0]["why"]
    assert why["dense_rank"] == 1 and why["lexical_rank"] == 1 and why["fused_score"] > 0
    assert "status: diverged" in why["matched"]
    assert "suggested filter" not in out.stderr  # already applied


def test_cli_does_not_import_qt_or_torch(tmp_path) -> None:
    code = ("import sys, gui.cli.experiments_cmd\n"
            "print([m for m in ('PySide6', 'torch') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
