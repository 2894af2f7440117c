"""Make resources/screenshots/remote.png: a run file on a local HSDS, shown by `loupe --screenshot`.

Usage: .venv/bin/python tests/remote/screenshot_remote.py [OUT.png]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[2]), str(Path(__file__).resolve().parents[1])]

from remote.servers import REPO, HsdsServer, run_file_bytes  # noqa: E402


def main(out: str) -> int:
    tmp = Path(tempfile.mkdtemp(prefix="loupe-shot-"))
    server = HsdsServer(tmp / "hsds").start()
    try:
        local = tmp / "resnet18-run.h5"
        local.write_bytes(run_file_bytes(n_wide=40))
        url = server.upload(local, "/home/admin/resnet18-run.h5")
        env = {**os.environ, **server.env(), "QT_QPA_PLATFORM": "offscreen",
               "XDG_CONFIG_HOME": str(tmp / "config")}
        return subprocess.run([sys.executable, "-m", "gui", "--screenshot", out, "--show",
                               "/metrics/loss", url], cwd=REPO, env=env, timeout=300).returncode
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else
                  str(REPO / "resources" / "screenshots" / "remote.png")))
