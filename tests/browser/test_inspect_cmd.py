"""``loupe inspect``: text and JSON trees, and a clear failure for a broken file."""

from __future__ import annotations

import json
import subprocess

import h5py
import numpy as np
from conftest import loupe_command, subprocess_env

from gui.cli import main


def make_file(path) -> None:
    with h5py.File(path, "w") as f:
        f.attrs["note"] = "hello"
        f.create_dataset("train/loss", data=np.ones(10), compression="gzip")
        f["gone"] = h5py.SoftLink("/nowhere")


def test_inspect_text(tmp_path, capsys) -> None:
    make_file(tmp_path / "a.h5")
    assert main(["inspect", str(tmp_path / "a.h5")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "/  group" and out[1] == "    @note (vlen str (utf-8)) = hello"
    assert "/train/loss  dataset  10  float64  gzip 4" in out
    assert any(line.startswith("    !! soft link target /nowhere") for line in out)


def test_inspect_json(tmp_path, capsys) -> None:
    make_file(tmp_path / "a.h5")
    assert main(["inspect", "--json", str(tmp_path / "a.h5")]) == 0
    doc = json.loads(capsys.readouterr().out)
    nodes = {n["path"]: n for n in doc["nodes"]}
    assert nodes["/train/loss"]["shape"] == [10] and nodes["/train/loss"]["compression"]
    assert nodes["/"]["attributes"]["note"]["value"] == "hello"
    assert nodes["/gone"]["kind"] == "broken"


def test_inspect_broken_file_fails_clearly(tmp_path) -> None:
    bad = tmp_path / "bad.h5"
    bad.write_bytes(b"not hdf5")
    out = subprocess.run([*loupe_command(), "inspect", str(bad)], capture_output=True,
                         text=True, env=subprocess_env(tmp_path), timeout=60)
    assert out.returncode == 2
    assert "not an HDF5 file" in out.stderr and "Traceback" not in out.stderr


def test_inspect_corpus_json(corpus, capsys) -> None:
    assert main(["inspect", "--json", str(corpus / "json" / "keras_history_multioutput.json")]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["format"] == "json" and len(doc["nodes"]) == 14


def test_inspect_shows_a_tensor_marker_as_a_tensor(tmp_path, capsys) -> None:
    path = tmp_path / "res.json"
    path.write_text(json.dumps({"w": {"__type__": "torch_tensor", "dtype": "torch.float32",
                                      "shape": [2], "data": [1.0, 2.0]}}))
    assert main(["inspect", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "/w  dataset  2  torch.float32" in out
    assert "    @__type__ (str) = torch_tensor" in out and "numpy_array" not in "\n".join(out)


def test_inspect_says_what_it_leaves_out(tmp_path, capsys) -> None:
    """--limit, --max-depth and a null dataspace: nothing cut or blank without saying so."""
    path = tmp_path / "b.h5"
    with h5py.File(path, "w") as f:
        for i in range(5):
            f[f"d{i}"] = np.arange(3)
        f.create_dataset("nothing", data=h5py.Empty("f4"))
        f["a/b/c/d"] = 1
    assert main(["inspect", "--limit", "3", str(path)]) == 0
    out = capsys.readouterr()
    assert len(out.out.splitlines()) == 3 and "stopped after 3 nodes (--limit)" in out.err
    assert main(["inspect", "--json", "--limit", "3", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["truncated"] is True
    assert main(["inspect", "--json", str(path)]) == 0
    doc = json.loads(capsys.readouterr().out)
    nodes = {n["path"]: n for n in doc["nodes"]}
    assert doc["truncated"] is False and nodes["/nothing"]["empty"] is True
    assert "empty" not in nodes["/a"]
    assert main(["inspect", "--no-attrs", "--max-depth", "2", str(path)]) == 0
    out = capsys.readouterr().out
    assert "/nothing  dataset  empty  float32" in out
    assert "note: members not listed: deeper than 2 levels (--max-depth)" in out
    assert "/a/b/c" not in out
