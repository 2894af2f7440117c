"""SWMR for real: a writer process appends epochs while this process reads the growing file."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

from conftest import REPO, subprocess_env

from storage import TimeSeriesConfig, TimeSeriesStorage

WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from storage import TimeSeriesConfig, TimeSeriesStorage
    folder, stop = Path(sys.argv[1]), Path(sys.argv[2])
    ts = TimeSeriesStorage(TimeSeriesConfig(folder, compression="zstd", chunk_size=64))
    with ts.open_writer("live_run", metrics=["loss", "accuracy"]) as w:
        epoch = 0
        deadline = time.monotonic() + 60  # never outlive a test that died
        while not stop.exists() and time.monotonic() < deadline:
            w.append({"loss": 1.0 / (epoch + 1), "accuracy": epoch / (epoch + 10)})
            w.flush()
            epoch += 1
            time.sleep(0.01)
    print(epoch)
""")


def _wait_for(condition, what: str, attempts: int = 600) -> None:
    for _ in range(attempts):
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_reader_sees_rows_grow_while_writer_runs(tmp_path: Path) -> None:
    folder, stop = tmp_path / "ts", tmp_path / "stop"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(folder), str(stop)], cwd=REPO,
                            env=subprocess_env(tmp_path), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        ts = TimeSeriesStorage(TimeSeriesConfig(folder))
        path = ts.path_for("live_run")
        _wait_for(path.exists, "the writer to create its file")
        reader = None

        def opened() -> bool:
            nonlocal reader
            try:
                reader = ts.open_reader("live_run")
                return reader.refresh().get("loss", 0) > 0
            except Exception:  # the file is being created: try again
                return False

        _wait_for(opened, "a first row")
        first = reader.refresh()["loss"]
        _wait_for(lambda: reader.refresh()["loss"] >= first + 5, "more rows")
        assert proc.poll() is None, "the writer stopped before the reader saw rows grow"
        grown = reader.refresh()
        assert grown["accuracy"] == grown["loss"] > first
        values = reader.read("loss")
        assert values[0] == 1.0 and len(values) >= grown["loss"]
        reader.close()
    finally:
        stop.touch()
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    total = int(out.strip())
    assert len(ts.read("live_run", "loss")) == total >= grown["loss"]
