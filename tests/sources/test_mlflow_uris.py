"""MLflow stores outside the folder, recorded by ``loupe index DIR --mlflow URI``.

No tracking server test: ``mlflow server`` needs the full ``mlflow`` package (Flask), and only
``mlflow-skinny`` is installed; a server URI is covered by the unreachable case (closed port).
"""

from __future__ import annotations

import json
import socket

import pytest

from gui.cli import main
from storage import Lab, experiment_sources, recorded_mlflow_uris

from .writers import write_mlflow_store


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("store", ["sqlite", "file"])
def test_recorded_store_is_indexed_searched_and_plotted(tmp_path, capsys, store) -> None:
    outside = tmp_path / "tracking"
    outside.mkdir()
    uri = f"sqlite:///{outside / 'mlflow.db'}" if store == "sqlite" else \
        (outside / "mlruns").as_uri()
    ids = write_mlflow_store(uri)
    lab_dir = tmp_path / "lab"
    lab_dir.mkdir()
    assert main(["index", str(lab_dir), "--mlflow", uri, "--quiet"]) == 0
    assert recorded_mlflow_uris(lab_dir) == [uri]
    assert sorted(p.name for p in lab_dir.iterdir()) == [".loupe"]
    assert experiment_sources(lab_dir) == ["mlflow"]
    lab = Lab(lab_dir)  # a fresh Lab (as `loupe --lab DIR` opens it) includes the store
    assert lab.index_status() == "ok"
    run0 = f"mlflow:cifar10/run0-{ids[0][:8]}"
    assert [h.id for h in lab.search(where="lr > 5e-3")] == [run0]
    assert lab.history(run0, ["loss"])["loss"][0] == 1.0
    assert main(["index", str(lab_dir), "--mlflow", uri, "--quiet"]) == 0  # recorded once
    assert recorded_mlflow_uris(lab_dir) == [uri]
    assert Lab(lab_dir).reindex().unchanged == 2


def test_recorded_store_joins_the_folder_own_store(tmp_path) -> None:
    lab_dir = tmp_path / "lab"
    lab_dir.mkdir()
    write_mlflow_store((lab_dir / "mlruns").as_uri())
    write_mlflow_store(f"sqlite:///{tmp_path / 'other.db'}", runs=3)
    assert main(["index", str(lab_dir), "--mlflow", f"sqlite:///{tmp_path / 'other.db'}",
                 "--quiet"]) == 0
    lab = Lab(lab_dir)
    assert [s.kind for s in lab.sources()] == ["mlflow"]
    assert len(lab.experiment_ids()) == 5


def test_forget_removes_the_store_and_its_runs(tmp_path, capsys) -> None:
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    write_mlflow_store(uri)
    lab_dir = tmp_path / "lab"
    (lab_dir / "results").mkdir(parents=True)
    assert main(["index", str(lab_dir), "--mlflow", uri, "--quiet"]) == 0
    assert len(Lab(lab_dir).experiment_ids()) == 2
    assert main(["index", str(lab_dir), "--mlflow-forget", uri, "--quiet"]) == 0
    assert recorded_mlflow_uris(lab_dir) == []
    assert Lab(lab_dir).index.count() == 0 and Lab(lab_dir).experiment_ids() == []
    assert main(["index", str(lab_dir), "--mlflow-forget", uri]) == 1
    assert "is not recorded" in capsys.readouterr().err


def test_unreachable_stores_are_one_line_errors(tmp_path, capsys) -> None:
    lab_dir = tmp_path / "lab"
    lab_dir.mkdir()
    for uri in (f"sqlite:///{tmp_path / 'missing.db'}", (tmp_path / "nothing").as_uri(),
                f"http://127.0.0.1:{_closed_port()}"):
        assert main(["index", str(lab_dir), "--mlflow", uri, "--quiet"]) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "MLflow store" in err[0], err
    assert not (tmp_path / "missing.db").exists()  # never created by the check
    assert recorded_mlflow_uris(lab_dir) == []


def test_credentials_are_never_stored(tmp_path, capsys) -> None:
    lab_dir = tmp_path / "lab"
    lab_dir.mkdir()
    assert main(["index", str(lab_dir), "--mlflow", "https://me:secret@mlflow.example"]) == 1
    err = capsys.readouterr().err
    assert "MLFLOW_TRACKING_USERNAME" in err and "secret" not in err
    assert not (lab_dir / ".loupe" / "mlflow_uris.json").exists()


def test_missing_mlflow_is_a_clear_error(tmp_path, capsys, monkeypatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "mlflow.tracking", None)  # import fails as if absent
    uri = f"sqlite:///{tmp_path / 'x.db'}"
    (tmp_path / "x.db").write_bytes(b"")
    lab_dir = tmp_path / "lab"
    lab_dir.mkdir()
    assert main(["index", str(lab_dir), "--mlflow", uri]) == 1
    assert "loupe-lab[mlflow]" in capsys.readouterr().err


def test_bad_uris_file_is_ignored(tmp_path) -> None:
    (tmp_path / ".loupe").mkdir()
    (tmp_path / ".loupe" / "mlflow_uris.json").write_text(json.dumps({"mlflow_uris": 3}))
    assert recorded_mlflow_uris(tmp_path) == []
