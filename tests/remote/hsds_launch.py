"""Run a local HSDS (service node + data nodes) on the given ports; stop with SIGTERM.

``hsds`` (1.0.2) itself puts its data nodes on the fixed ports 6101, 6102...; this launcher
uses the same HsdsApp class with free ports, so tests and benchmarks never collide.
Usage: python hsds_launch.py ROOT_DIR BUCKET SN_PORT DN_PORT[,DN_PORT...] USER PASSWORD
"""

from __future__ import annotations

import os
import signal
import sys
import time


def main(argv: list[str]) -> int:
    root, bucket, sn_port, dn_ports, user, password = argv
    os.makedirs(os.path.join(root, bucket), exist_ok=True)
    # The nodes read their bucket and storage folder from the environment (the --bucket_name
    # option of the hsds command only creates the folder).
    os.environ["BUCKET_NAME"] = bucket
    os.environ["ROOT_DIR"] = root
    from hsds.hsds_app import HsdsApp

    ports = [int(p) for p in dn_ports.split(",")]
    app = HsdsApp(username=user, password=password, host="127.0.0.1", sn_port=int(sn_port),
                  dn_count=len(ports), root_dir=root, log_level="WARNING",
                  logfile=os.path.join(root, "hsds.log"))
    app._dn_urls = sorted(f"http://127.0.0.1:{p}" for p in ports)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    app.run()
    print("READY", flush=True)
    try:
        while True:
            time.sleep(0.5)
            app.check_processes()
    finally:
        app.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
