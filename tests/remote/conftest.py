"""Fixtures of the remote tests: a real HSDS and a real S3 endpoint (moto) on 127.0.0.1.

Both start once per session on free ports and are stopped by their process-group id at the
end. Tests that stop a server start their own. Every test gets the servers' endpoint and test
credentials in its environment, the way a user would configure them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from remote.servers import HsdsServer, S3Server, run_file_bytes, servers_available

pytest.importorskip("h5pyd", reason="the remote extra is not installed")
pytest.importorskip("s3fs", reason="the remote extra is not installed")


def _need_servers() -> None:
    reason = servers_available()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"remote test servers unavailable in CI: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def hsds(tmp_path_factory: pytest.TempPathFactory):
    """A running HSDS with /home/admin/run.h5 and two corpus files uploaded."""
    _need_servers()
    server = HsdsServer(tmp_path_factory.mktemp("hsds")).start()
    try:
        server.urls = {"run": server.upload_run(tmp_path_factory.mktemp("upload"))}
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def hsds_corpus(hsds, corpus: Path) -> dict[str, str]:
    """Corpus files (NeXus, Keras weights) uploaded to HSDS once: name -> URL."""
    out = {}
    for name in ("writer_1_3.h5", "kt_weights_keras224tf.h5"):
        out[name] = hsds.upload(corpus / "hdf5" / name, f"/home/admin/{name}")
    return out


@pytest.fixture(scope="session")
def s3(tmp_path_factory: pytest.TempPathFactory, corpus: Path):
    """A running moto S3 with s3://runs/exp1/run.h5 and corpus files under s3://corpus/."""
    _need_servers()
    server = S3Server(tmp_path_factory.mktemp("s3")).start()
    try:
        server.urls = {"run": server.put("runs", "exp1/run.h5", run_file_bytes())}
        for name in ("writer_1_3.h5", "test_large_group_latest.hdf5", "notahdf5file.h5"):
            server.urls[name] = server.put("corpus", name, corpus / "hdf5" / name)
        yield server
    finally:
        server.stop()


@pytest.fixture
def remote_env(monkeypatch: pytest.MonkeyPatch, hsds, s3) -> None:
    """The environment a user sets: HS_* for HSDS, AWS_* (and the endpoint) for S3."""
    for key, value in {**hsds.env(), **s3.env()}.items():
        monkeypatch.setenv(key, value)
