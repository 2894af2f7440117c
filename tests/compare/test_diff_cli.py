"""``loupe diff``: runs of a lab and files or groups; exit 0 equal, 1 differ, 2 error."""

from __future__ import annotations

import json

from compare.compare_helpers import write_pair

from gui.cli import main
from storage import Lab


def test_files_differ_equal_and_error(tmp_path, capsys) -> None:
    a, b = write_pair(tmp_path)
    assert main(["diff", str(a), str(b)]) == 1
    out = capsys.readouterr().out
    assert "~ /@lr: 0.001 -> 0.003  (attribute)" in out and "+ /only_in_b" in out
    assert main(["diff", str(a), str(a)]) == 0
    assert capsys.readouterr().out == ""
    assert main(["diff", str(a), str(tmp_path / "nope.h5")]) == 2
    assert "nope.h5" in capsys.readouterr().err


def test_groups_and_json(tmp_path, capsys) -> None:
    a, b = write_pair(tmp_path)
    assert main(["diff", f"{a}:/same", f"{b}:/same", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"equal": True, "differences": []}
    assert main(["diff", f"{a}:/train", f"{b}:/train", "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert {d["note"] for d in doc["differences"]} == {"shape", "dtype", "attribute"}
    assert main(["diff", f"{a}:/nope", str(b)]) == 2


def test_two_runs_of_a_lab(compare_lab, capsys) -> None:
    ids = Lab(compare_lab).experiment_ids()
    assert main(["diff", ids[0], ids[1], "--lab", str(compare_lab)]) == 1
    out = capsys.readouterr().out
    assert "config." in out and "metrics.accuracy" in out
    assert main(["diff", ids[0], ids[0], "--lab", str(compare_lab), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["equal"] is True
    assert main(["diff", ids[0], "no-such-run", "--lab", str(compare_lab)]) == 2
    assert "no-such-run" in capsys.readouterr().err
    assert main(["diff", ids[0], ids[1], "--lab", str(compare_lab / "missing")]) == 2
