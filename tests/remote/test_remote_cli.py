"""``loupe inspect URL`` and ``loupe index s3://...`` into a real Chroma server, as subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from remote.servers import REPO, free_port
from support import stop_process

from storage import ChromaConfig, ExperimentIndex, write_demo_lab
from storage._experiments._timeseries import read_history_file

pytestmark = [pytest.mark.server, pytest.mark.usefixtures("remote_env")]


def _loupe(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ)  # HS_* and AWS_* from the remote_env fixture
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    return subprocess.run([sys.executable, "-m", "gui", *args], cwd=REPO, env=env, text=True,
                          capture_output=True, timeout=300)


@pytest.mark.parametrize("server", ["hsds", "s3"])
def test_inspect_url_json(server: str, request, tmp_path: Path) -> None:
    url = request.getfixturevalue(server).urls["run"]
    out = _loupe("inspect", url, "--json", tmp_path=tmp_path)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    nodes = {n["path"]: n for n in doc["nodes"]}
    assert doc["file"] == url and nodes["/metrics/loss"]["shape"] == [1000]
    assert nodes["/latest"]["link_target"] == "/metrics/loss"
    assert nodes["/"]["attributes"]["model"]["value"] == "resnet18"


def test_inspect_unreachable_url(tmp_path: Path) -> None:
    out = _loupe("inspect", f"hsds://u:secret@127.0.0.1:{free_port()}/home/u/run.h5",
                 tmp_path=tmp_path)
    assert out.returncode == 2 and "cannot reach the server" in out.stderr
    assert "secret" not in out.stderr


@pytest.fixture()
def chroma_server(tmp_path: Path):
    """`chroma run` on a free port, stopped by its process id."""
    exe = Path(sys.executable).with_name("chroma")
    if not exe.exists():
        pytest.skip("the chroma command is not installed next to this Python")
    port = free_port()
    log = open(tmp_path / "chroma.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([str(exe), "run", "--path", str(tmp_path / "chroma-data"), "--host",
                             "127.0.0.1", "--port", str(port)], stdout=log,
                            stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat",
                                            timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("the Chroma server did not start")
                time.sleep(0.2)
        yield port
    finally:
        stop_process(proc)
        log.close()


def test_index_a_lab_in_s3_into_a_chroma_server(s3, chroma_server, tmp_path: Path) -> None:
    lab = tmp_path / "lab"
    write_demo_lab(lab, hypotheses=3)
    for path in sorted(lab.rglob("*")):
        if path.is_file() and path.parts[-2] in ("results", "timeseries"):
            s3.put("team", f"lab/{path.parent.name}/{path.name}", path)
    missing_host = _loupe("index", "s3://team/lab", tmp_path=tmp_path)
    assert missing_host.returncode == 1 and "--host" in missing_host.stderr
    out = _loupe("index", "s3://team/lab", "--host", "127.0.0.1", "--port", str(chroma_server),
                 "--quiet", tmp_path=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "from s3://team/lab" in out.stdout
    index = ExperimentIndex(ChromaConfig(None, host="127.0.0.1", port=chroma_server))
    hits = index.query(None, limit=100)
    local_runs = sum(len(json.loads(p.read_text())["runs"])
                     for p in (lab / "results").glob("*_results.json"))
    assert len(hits) == local_runs > 0
    assert all(h.metadata["result_path"].startswith("s3://team/lab/results/") for h in hits)
    with_series = [h for h in hits if h.metadata["timeseries_path"]]
    assert with_series, "the demo lab has HDF5 histories; their URLs are indexed"
    history = read_history_file(with_series[0].metadata["timeseries_path"])
    assert len(next(iter(history.values()))) > 0
