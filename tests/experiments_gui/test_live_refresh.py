"""Live refresh against a real writer process appending with storage's SWMR writer."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest
from experiments_gui.expgui_helpers import wait_drawn, writer_env

from gui.plots.plot_panel import PlotPanel
from gui.plots.series_data import FileSource, RunRef

WRITER = textwrap.dedent("""
    import sys, time, pathlib
    from storage import TimeSeriesConfig, TimeSeriesStorage

    folder = pathlib.Path(sys.argv[1])
    ts = TimeSeriesStorage(TimeSeriesConfig(folder))

    def wait_for(name):
        deadline = time.monotonic() + 60  # never outlive a failed test by long
        while not (folder / name).exists():
            if time.monotonic() > deadline:
                sys.exit(3)
            time.sleep(0.02)

    with ts.open_writer("live_run", ["loss"]) as w:
        for start, stop, gate in ((0, 10, None), (10, 30, "go1"), (30, 50, "go2")):
            if gate:
                wait_for(gate)
            for i in range(start, stop):
                w.append({"loss": 1.0 / (i + 1)}, step=i * 10)
            w.flush()
            (folder / f"wrote{stop}").touch()
        wait_for("stop")
""")


@pytest.fixture
def writer(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)],
                            env=writer_env())
    yield proc
    (tmp_path / "stop").touch()
    for gate in ("go1", "go2"):
        (tmp_path / gate).touch()
    proc.wait(timeout=30)


def _wait_file(qtbot, path) -> None:
    qtbot.waitUntil(path.exists, timeout=30000)


def _length(panel) -> int:
    curve = panel.curves[0] if panel.curves else None
    return 0 if curve is None or curve.error else curve.raw.size


def test_live_refresh_keeps_zoom_then_follows(qtbot, tmp_path, writer) -> None:
    from storage import TimeSeriesConfig, TimeSeriesStorage

    _wait_file(qtbot, tmp_path / "wrote10")
    path = TimeSeriesStorage(TimeSeriesConfig(tmp_path)).path_for("live_run")
    panel = PlotPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 500)
    panel.show()
    panel.controls.follow.setChecked(False)
    wait_drawn(qtbot, panel, lambda: panel.set_runs([RunRef("live_run", FileSource(path))]))
    assert _length(panel) == 10

    vb = panel.plot.getViewBox()
    vb.setRange(xRange=(2, 5), yRange=(0.1, 0.4), padding=0)
    panel.controls.interval.setValue(0.2)
    panel.controls.live.setChecked(True)
    assert panel.live.active
    (tmp_path / "go1").touch()
    qtbot.waitUntil(lambda: _length(panel) == 30, timeout=30000)
    qtbot.waitUntil(lambda: not panel.is_busy(), timeout=10000)
    (x0, x1), (y0, y1) = vb.viewRange()
    assert (x0, x1) == pytest.approx((2, 5)) and (y0, y1) == pytest.approx((0.1, 0.4))
    x, y = panel.drawer.item("live_run", "main").getOriginalDataset()
    assert y[29] == pytest.approx(1 / 30) and x[29] == 29

    panel.controls.follow.setChecked(True)
    (tmp_path / "go2").touch()
    qtbot.waitUntil(lambda: _length(panel) == 50, timeout=30000)
    qtbot.waitUntil(lambda: abs(vb.viewRange()[0][1] - 49) < 1e-6, timeout=10000)
    x0, x1 = vb.viewRange()[0]
    assert x1 - x0 == pytest.approx(3)  # slid to the latest epoch, same width

    panel.controls.live.setChecked(False)
    assert not panel.live.active
    polls = panel.live.polls
    time.sleep(0.5)
    qtbot.wait(200)
    assert panel.live.polls == polls
    readers = [r for r in panel.live._readers.values() if r is not None]
    assert readers and all(r._file for r in readers)  # h5py files are truthy while open
    panel.shutdown()
    qtbot.waitUntil(lambda: not any(r._file for r in readers), timeout=10000)  # closed, in a worker


def test_live_is_on_by_default_for_a_file_being_written(qtbot, tmp_path, writer) -> None:
    from storage import TimeSeriesConfig, TimeSeriesStorage

    _wait_file(qtbot, tmp_path / "wrote10")
    path = TimeSeriesStorage(TimeSeriesConfig(tmp_path)).path_for("live_run")
    panel = PlotPanel()
    qtbot.addWidget(panel)
    panel.controls.interval.setValue(0.2)
    assert not panel.controls.live.isChecked()
    wait_drawn(qtbot, panel, lambda: panel.set_runs([RunRef("live_run", FileSource(path))]))
    assert panel.controls.live.isChecked() and panel.live.active  # nobody ticked it
    (tmp_path / "go1").touch()
    qtbot.waitUntil(lambda: _length(panel) == 30, timeout=30000)
    panel.shutdown()


def test_live_follows_the_running_status_and_turns_off_again(qtbot, tmp_path) -> None:
    from experiments_gui.expgui_helpers import write_series

    done = write_series(tmp_path / "done.h5", [1.0, 0.5, 0.25])
    assert not FileSource(done).being_written()  # closed cleanly: flags cleared
    panel = PlotPanel()
    qtbot.addWidget(panel)
    running = RunRef("r", FileSource(done), metadata={"status": "running"})
    wait_drawn(qtbot, panel, lambda: panel.set_runs([running]))
    assert panel.controls.live.isChecked() and panel.live.active
    wait_drawn(qtbot, panel, lambda: panel.set_runs([RunRef("d", FileSource(done))]))
    assert not panel.controls.live.isChecked() and not panel.live.active
    panel.controls.live.setChecked(True)  # the user's choice stays
    wait_drawn(qtbot, panel, lambda: panel.set_runs([RunRef("d2", FileSource(done))]))
    assert panel.controls.live.isChecked()
    panel.shutdown()
