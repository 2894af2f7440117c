"""Fixtures of the experiment tests: a small demo lab (indexed once) and a real Chroma server."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from support import indexed_demo_lab, stop_process


@pytest.fixture(scope="session")
def demo_lab_template(tmp_path_factory) -> Path:
    """A 6-hypothesis demo lab, indexed; copy it before changing it."""
    return indexed_demo_lab(tmp_path_factory.mktemp("demo") / "lab")


@pytest.fixture()
def demo_lab(demo_lab_template, tmp_path) -> Path:
    """A private copy of the indexed demo lab (the manifest's root differs: it is stale)."""
    target = tmp_path / "lab"
    shutil.copytree(demo_lab_template, target)
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _chroma_cli() -> Path:
    exe = Path(sys.executable).with_name("chroma")
    if not exe.exists():
        pytest.skip("the chroma command is not installed next to this Python")
    return exe


@pytest.fixture()
def chroma_server(tmp_path):
    """Start `chroma run` on a free port; yield (host, port, process); stop it by its pid."""
    port = free_port()
    log = open(tmp_path / "chroma.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([str(_chroma_cli()), "run", "--path", str(tmp_path / "server-data"),
                             "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/api/v2/heartbeat"
        for _ in range(300):  # up to ~30 s on a busy machine
            if proc.poll() is not None:
                pytest.fail(f"chroma run exited: {(tmp_path / 'chroma.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(url, timeout=1) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the Chroma server did not answer its heartbeat")
        yield "127.0.0.1", port, proc
    finally:
        stop_process(proc)
        log.close()
