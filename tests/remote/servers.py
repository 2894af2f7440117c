"""Real servers on 127.0.0.1 for the remote tests and the benchmark: HSDS and a moto S3.

Each server runs in its own process group, started here and stopped by its process-group id
(never by name). Uploads are kept small: HSDS writes one request per object.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import h5py
import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
# hsds and moto live in their own venv (.ci/bootstrap.sh makes it): they pin what .venv cannot.
SERVERS_VENV = Path(os.environ.get("LOUPE_SERVERS_VENV", REPO / ".venv-servers"))
HSDS_USER = "admin"
HSDS_PASSWORD = "admin"  # a throwaway test server on loopback
S3_KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_DEFAULT_REGION": "us-east-1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def servers_python() -> Path:
    return SERVERS_VENV / "bin" / "python"


def servers_available() -> str:
    """Empty when the test servers can start, else the reason (for a skip message)."""
    for name in ("python", "moto_server"):
        if not (SERVERS_VENV / "bin" / name).exists():
            return f"{SERVERS_VENV}/bin/{name} missing: run sh .ci/bootstrap.sh"
    return ""


class _Server:
    """A process group started by us; ``stop()`` ends it by its id."""

    proc: subprocess.Popen | None = None
    endpoint = ""

    def _spawn(self, argv: list[str], cwd: Path, env: dict | None = None) -> None:
        self.log = open(cwd / "server.log", "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(argv, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True,
                                     env={**os.environ, **(env or {})})

    def _wait_ready(self, url: str, ready_text: str = "", timeout: float = 90.0) -> None:
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited ({self.proc.returncode}): see {self.log.name}")
            with contextlib.suppress(Exception):
                rsp = requests.get(url, timeout=2)
                if rsp.status_code < 500 and ready_text in rsp.text:
                    return
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"server at {url} not ready after {timeout:.0f} s")

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        """End the server's process group (SIGTERM, then SIGKILL) and wait for it."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=15)
        # the nodes may outlive their parent for a moment: make sure the group is gone
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()
        self.proc = None


class HsdsServer(_Server):
    """HSDS with POSIX storage under ``root``, two data nodes, user admin/admin."""

    def __init__(self, root: Path, bucket: str = "loupetest") -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.bucket = bucket

    def start(self) -> HsdsServer:
        port, dn1, dn2 = free_port(), free_port(), free_port()
        self.endpoint = f"http://127.0.0.1:{port}"
        self._spawn([str(servers_python()), str(HERE / "hsds_launch.py"), str(self.root),
                     self.bucket, str(port), f"{dn1},{dn2}", HSDS_USER, HSDS_PASSWORD], self.root)
        self._wait_ready(f"{self.endpoint}/about", '"READY"')
        import h5pyd

        for folder in ("/home/", f"/home/{HSDS_USER}/"):
            with contextlib.suppress(OSError):  # 409: exists already
                h5pyd.Folder(folder, mode="w", **self.credentials())
        self._warm_up()
        return self

    def _warm_up(self, timeout: float = 60.0) -> None:
        """Write until a write works: /about says READY a moment before the data nodes do."""
        import h5pyd

        deadline = time.monotonic() + timeout
        while True:
            try:
                with h5pyd.File(f"/home/{HSDS_USER}/.warmup.h5", "w", **self.credentials()) as f:
                    f.create_group("g").create_dataset("d", data=np.arange(3))
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def credentials(self) -> dict:
        return {"endpoint": self.endpoint, "username": HSDS_USER, "password": HSDS_PASSWORD}

    def url(self, domain: str) -> str:
        return f"hsds://{self.endpoint.removeprefix('http://')}{domain}"

    def env(self) -> dict[str, str]:
        return {"HS_ENDPOINT": self.endpoint, "HS_USERNAME": HSDS_USER,
                "HS_PASSWORD": HSDS_PASSWORD}

    def upload(self, local: Path, domain: str) -> str:
        """Copy a local HDF5 file into a new domain (h5pyd's hsload); returns its URL."""
        import h5pyd
        from h5pyd._apps.utillib import load_file

        for attempt in range(3):  # a 500 from a busy data node: write the domain again
            try:
                # locking=False: the flags Loupe's readers use, which may hold the file already
                with h5py.File(local, "r", locking=False) as fin, \
                        h5pyd.File(domain, "w", **self.credentials()) as fout:
                    load_file(fin, fout, ignore_error=True)
                return self.url(domain)
            except OSError:
                if attempt == 2:
                    raise
                time.sleep(1.0)
        return self.url(domain)

    def upload_run(self, folder: Path) -> str:
        """The test run file (:func:`run_file_bytes`) written in ``folder`` and uploaded to
        ``/home/admin/run.h5``; returns its URL."""
        local = folder / "run.h5"
        local.write_bytes(run_file_bytes())
        return self.upload(local, "/home/admin/run.h5")


class S3Server(_Server):
    """moto's S3 endpoint; buckets are made in us-east-1 (moto refuses s3fs's mkdir there)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def start(self) -> S3Server:
        port = free_port()
        self.endpoint = f"http://127.0.0.1:{port}"
        moto = SERVERS_VENV / "bin" / "moto_server"
        self._spawn([str(moto), "-H", "127.0.0.1", "-p", str(port)], self.root)
        self._wait_ready(f"{self.endpoint}/")
        return self

    def env(self) -> dict[str, str]:
        return {"AWS_ENDPOINT_URL": self.endpoint, **S3_KEYS}

    def fs(self):
        """An s3fs filesystem on this endpoint (a fresh one: no cached listings)."""
        import s3fs

        return s3fs.S3FileSystem(endpoint_url=self.endpoint, key=S3_KEYS["AWS_ACCESS_KEY_ID"],
                                 secret=S3_KEYS["AWS_SECRET_ACCESS_KEY"],
                                 skip_instance_cache=True)

    def put(self, bucket: str, key: str, payload: bytes | Path) -> str:
        fs = self.fs()
        if not fs.exists(bucket):
            # no LocationConstraint: moto refuses one for us-east-1, which s3fs's mkdir sends
            fs.call_s3("create_bucket", Bucket=bucket)
        body = payload.read_bytes() if isinstance(payload, Path) else payload
        fs.pipe(f"{bucket}/{key}", body)
        return f"s3://{bucket}/{key}"


def run_file_bytes(n_wide: int = 20, n_rows: int = 1000) -> bytes:
    """A small training-run file: metrics, an image, a wide group, attributes."""
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        f.attrs["model"] = "resnet18"
        f.attrs["lr"] = 1e-3
        metrics = f.create_group("metrics")
        metrics.create_dataset("loss", data=np.linspace(2.0, 0.1, n_rows, dtype="f4"),
                               chunks=(256,), compression="gzip")
        metrics.create_dataset("accuracy", data=np.linspace(0.1, 0.95, n_rows))
        f.create_dataset("images/sample", data=np.arange(64 * 64, dtype="u2").reshape(64, 64))
        wide = f.create_group("layers")
        for i in range(n_wide):
            wide.create_dataset(f"w{i:04d}", data=np.full(4, i, dtype="f4"))
        f["latest"] = h5py.SoftLink("/metrics/loss")
    return buf.getvalue()
