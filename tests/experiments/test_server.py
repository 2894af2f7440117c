"""Server mode for real: `chroma run` on 127.0.0.1, indexed and queried through ChromaConfig."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
from conftest import REPO, subprocess_env

from storage import ChromaConfig, ExperimentIndex, IndexUnavailableError, Lab

pytestmark = pytest.mark.server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_index_and_query_through_a_server(chroma_server) -> None:
    host, port, _ = chroma_server
    ix = ExperimentIndex(ChromaConfig(None, host=host, port=port, collection_name="team"))
    ix.upsert(["r1", "r2"], ["a resnet that reached 95% accuracy", "an MLP that diverged"],
              [{"accuracy": 0.95, "status": "done"}, {"status": "diverged"}])
    assert ix.count() == 2
    assert ix.query("MLP diverged", limit=1)[0].id == "r2"
    assert [h.id for h in ix.query(where="accuracy > 0.9")] == ["r1"]
    ix.upsert(["r1"], ["updated"], [{"accuracy": 0.96}])
    again = ExperimentIndex(ChromaConfig(None, host=host, port=port, collection_name="team"))
    assert again.count() == 2 and again.get("r1").document == "updated"


def test_lab_with_a_server(chroma_server, demo_lab) -> None:
    host, port, _ = chroma_server
    lab = Lab(demo_lab, ChromaConfig(None, host=host, port=port))
    assert lab.index_status() == "missing"
    summary = lab.reindex()
    assert summary.indexed > 10 and not summary.failed and lab.index_status() == "ok"
    assert lab.manifest_path.name.startswith("manifest-127.0.0.1")
    hits = lab.search("still training", where='status == "running"', limit=5)
    assert hits and hits[0].metadata["status"] == "running"
    assert Lab(demo_lab).index_status() != "ok"  # the local index is another index


def test_cli_search_against_the_server(chroma_server, demo_lab, tmp_path) -> None:
    host, port, _ = chroma_server
    base = [sys.executable, "-m", "gui"]
    env = subprocess_env(tmp_path)
    subprocess.run([*base, "index", str(demo_lab), "--host", host, "--port", str(port),
                    "--quiet"], cwd=REPO, env=env, check=True, capture_output=True, timeout=300)
    out = subprocess.run([*base, "search", "diverged", "--lab", str(demo_lab), "--host", host,
                          "--port", str(port), "--json", "--limit", "3"], cwd=REPO, env=env,
                         check=True, capture_output=True, text=True, timeout=300)
    assert '"distance"' in out.stdout


def test_server_that_stops_gives_a_clear_error(chroma_server) -> None:
    host, port, proc = chroma_server
    ix = ExperimentIndex(ChromaConfig(None, host=host, port=port, timeout_s=2))
    ix.upsert(["a"], ["x"], [{"a": 1}])
    proc.terminate()
    proc.wait(timeout=15)
    with pytest.raises(IndexUnavailableError, match=f"{host}:{port}"):
        ix.query("x")
    with pytest.raises(IndexUnavailableError, match="cannot reach"):
        ExperimentIndex(ChromaConfig(None, host=host, port=port, timeout_s=2))


def test_no_server_at_all() -> None:
    port = free_port()  # nothing listens there
    with pytest.raises(IndexUnavailableError, match="chroma run --path"):
        ExperimentIndex(ChromaConfig(None, host="127.0.0.1", port=port, timeout_s=1))


def test_server_that_never_answers_times_out() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts connections, never answers
    port = listener.getsockname()[1]
    try:
        with pytest.raises(IndexUnavailableError, match="cannot reach"):
            ExperimentIndex(ChromaConfig(None, host="127.0.0.1", port=port, timeout_s=0.5))
    finally:
        listener.close()
