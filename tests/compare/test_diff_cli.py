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


def test_runs_with_nested_configs_arrays_and_type_changes(tmp_path, capsys) -> None:
    """An unindexed lab (found by scanning), DL-JSON arrays in a config, a list and a type
    change: the run diff sees the nested values, not only the index's flat scalars."""
    array = {"__type__": "numpy_array", "dtype": "float32", "shape": [3], "data": [1, 2, 3]}
    runs = [
        {"run_id": "r1", "config": {"lr": 1, "optim": {"betas": [0.9, 0.999]}, "mask": array},
         "metrics": {"accuracy": 0.9}},
        {"run_id": "r2", "config": {"lr": 1.0, "optim": {"betas": [0.9, 0.98]},
                                    "mask": {**array, "data": [1, 2, 4]}},
         "metrics": {"accuracy": 0.8}},
    ]
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "h1_results.json").write_text(json.dumps({"runs": runs}))
    assert main(["diff", "r1", "r2", "--lab", str(tmp_path), "--json"]) == 1
    found = {d["path"]: d for d in json.loads(capsys.readouterr().out)["differences"]}
    assert found["config.lr"]["note"] == "type int -> float"
    assert found["config.optim.betas[1]"]["b"] == 0.98
    assert found["config.mask"]["note"] == "1 of 3 values differ"
    assert found["metrics.accuracy"]["a"] == 0.9
