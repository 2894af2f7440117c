"""Damaged and live HDF5 files, one defect each (issue 13): bounded time, typed errors, and one
process reading a run both in the Files tab and in the plots while a writer appends."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import h5py
import numpy as np
import pytest
from conftest import REPO, loupe_command, subprocess_env

from storage import SeriesReader, open_source
from storage._formats._h5open import writer_may_be_active
from storage._nodes._h5heap import looping_heaps

ANSWER_SECONDS = 60  # generous: each of these answers in milliseconds once fixed


def _run(code: str, tmp_path: Path, *args: str) -> dict:
    """Run ``code`` in a subprocess (a hang or crash must not take pytest with it); its last
    stdout line is JSON."""
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], cwd=REPO,
                         capture_output=True, text=True, env=subprocess_env(tmp_path),
                         timeout=ANSWER_SECONDS)
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def _object_address(path: Path, name: str) -> int:
    with h5py.File(path, "r") as f:
        return h5py.h5o.get_info(f[name].id).addr


def _damage(path: Path, at: int, n: int = 4) -> None:
    data = bytearray(path.read_bytes())
    for i in range(at, at + n):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))


def _two_groups(path: Path, *, swmr_copy: Path | None = None) -> None:
    with h5py.File(path, "w", libver="latest") as f:
        f.create_dataset("good/x", data=np.arange(5))
        f.create_group("bad").create_dataset("y", data=np.ones(3))
        if swmr_copy is not None:  # a copy taken while a SWMR writer has the file open
            f.swmr_mode = True
            f.flush()
            swmr_copy.write_bytes(path.read_bytes())


LIST = """
    import json, sys
    from storage import StorageError, open_source
    src = open_source(sys.argv[1])
    good = [n.name for n in src.list_children("/good")]
    try:
        src.list_children("/bad")
        error = ""
    except StorageError as exc:
        error = f"{type(exc).__name__}: {exc}"
    print(json.dumps({"good": good, "error": error, "swmr": src.file.swmr_mode}))
"""


def test_damaged_group_gives_a_typed_error_fast(tmp_path) -> None:
    path = tmp_path / "damaged.h5"
    _two_groups(path)
    _damage(path, _object_address(path, "bad") + 8)  # object header checksum fails
    started = time.monotonic()
    got = _run(LIST, tmp_path, str(path))
    print(f"answered in {time.monotonic() - started:.2f} s")
    assert got["good"] == ["x"] and not got["swmr"]  # no writer: not opened in SWMR mode
    assert got["error"].startswith("CorruptFileError: damaged.h5: /bad: cannot list")
    assert "copy it again" in got["error"]


def test_damaged_file_of_a_swmr_writer_answers_in_bounded_time(tmp_path) -> None:
    path, copy = tmp_path / "live.h5", tmp_path / "copy.h5"
    _two_groups(path, swmr_copy=copy)
    assert writer_may_be_active(copy) and not writer_may_be_active(path)
    _damage(copy, _object_address(path, "bad") + 8)
    got = _run(LIST, tmp_path, str(copy))
    assert got["swmr"] and got["good"] == ["x"]  # SWMR where a writer may be active...
    assert "CorruptFileError" in got["error"]  # ...with HDF5's read retries bounded


def _zero_first_heap_object(path: Path) -> None:
    data = bytearray(path.read_bytes())
    at = data.index(b"GCOL") + 16  # header: signature, version, reserved, collection size
    data[at:at + 16] = bytes(16)  # object 0 of size 0: HDF5 2.0's decoder never advances
    path.write_bytes(bytes(data))


def test_looping_global_heap_is_refused_not_spun_on(tmp_path) -> None:
    path = tmp_path / "vlen.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("names", data=np.array(["alpha", "beta"], dtype=h5py.string_dtype()))
        f.create_dataset("numbers", data=np.arange(4))
        f.attrs["note"] = "a variable-length string"
    _zero_first_heap_object(path)
    assert looping_heaps(path)
    got = _run("""
        import json, sys
        from storage import StorageError, open_source
        src = open_source(sys.argv[1])
        try:
            src.read("/names")
            error = ""
        except StorageError as exc:
            error = str(exc)
        note = [a for a in src.attributes("/") if a.name == "note"][0]
        print(json.dumps({"error": error, "attr": note.error,
                          "numbers": src.read("/numbers").data.tolist()}))
    """, tmp_path, str(path))
    assert "global heap" in got["error"] and "global heap" in got["attr"]
    assert got["numbers"] == [0, 1, 2, 3]


def test_inspect_lists_what_it_can_of_a_damaged_file(tmp_path) -> None:
    path = tmp_path / "damaged.h5"
    _two_groups(path)
    _damage(path, _object_address(path, "bad") + 8)
    out = subprocess.run([*loupe_command(), "inspect", "--json", str(path)], capture_output=True,
                         text=True, env=subprocess_env(tmp_path), timeout=ANSWER_SECONDS)
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    nodes = {n["path"]: n for n in json.loads(out.stdout)["nodes"]}
    assert nodes["/good/x"]["shape"] == [5] and "error" not in nodes["/good/x"]
    assert "damaged" in nodes["/bad"]["error"]


WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from storage import TimeSeriesConfig, TimeSeriesStorage
    folder, stop = Path(sys.argv[1]), Path(sys.argv[2])
    ts = TimeSeriesStorage(TimeSeriesConfig(folder, chunk_size=8))
    with ts.open_writer("run", metrics=["loss"]) as w:
        epoch, deadline = 0, time.monotonic() + 60  # never outlive a test that died
        while not stop.exists() and time.monotonic() < deadline:
            w.append({"loss": 1.0 / (epoch + 1)})
            w.flush()
            epoch += 1
            time.sleep(0.01)
""")


@pytest.mark.parametrize("files_tab_first", [True, False])
def test_files_tab_and_plots_read_one_run_while_it_is_written(tmp_path, files_tab_first) -> None:
    from storage import TimeSeriesConfig, TimeSeriesStorage

    folder, stop = tmp_path / "ts", tmp_path / "stop"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(folder), str(stop)], cwd=REPO,
                            env=subprocess_env(tmp_path))
    path = TimeSeriesStorage(TimeSeriesConfig(folder)).path_for("run")
    try:
        deadline = time.monotonic() + 30
        while not (path.exists() and writer_may_be_active(path)):
            assert time.monotonic() < deadline, "the writer did not start"
            time.sleep(0.05)
        if files_tab_first:
            source = open_source(path)
            reader = SeriesReader(path)
        else:
            reader = SeriesReader(path)
            source = open_source(path)
        with source, reader:
            first = reader.refresh()["loss"]
            while reader.refresh()["loss"] < first + 5:
                assert time.monotonic() < deadline + 30, "the plots never saw new rows"
                time.sleep(0.05)
            assert reader.read("loss")[0] == 1.0
            assert source.read("/loss").data[0] == 1.0
            assert {n.name for n in source.list_children("/")} >= {"loss", "step"}
    finally:
        stop.touch()
        proc.wait(timeout=60)
    assert proc.returncode == 0


READ_ALL = """
    import json, sys
    from storage import StorageError, open_source
    src = open_source(sys.argv[1])
    errors = {}
    for node in src.list_children("/"):
        try:
            src.read(node.path)
        except StorageError as exc:
            errors[node.path] = str(exc)
    for path in ["/", *(node.path for node in src.list_children("/"))]:
        for attr in src.attributes(path):
            if attr.error:
                errors[f"{path}@{attr.name}"] = attr.error
    print(json.dumps(errors))
"""


def test_damaged_bitshuffle_chunk_is_an_error_not_a_crash(tmp_path) -> None:
    import hdf5plugin

    path = tmp_path / "bs.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("bad", data=np.arange(64, dtype="i2"), chunks=(64,),
                         **hdf5plugin.Bitshuffle(cname="lz4"))
        f.create_dataset("good", data=np.arange(64, dtype="i2"), chunks=(64,),
                         **hdf5plugin.Bitshuffle(cname="lz4"))
        at = f["bad"].id.get_chunk_info(0).byte_offset
    data = bytearray(path.read_bytes())
    data[at + 3] ^= 0x04  # the chunk's uncompressed size: the filter read past its buffer
    path.write_bytes(bytes(data))
    errors = _run(READ_ALL, tmp_path, str(path))  # before: SIGSEGV in bshuf_read_uint32_BE
    assert list(errors) == ["/bad"] and "bitshuffle chunk at (0,) is damaged" in errors["/bad"]


def test_truncated_file_of_a_swmr_writer_does_not_spin(tmp_path) -> None:
    path, copy = tmp_path / "live.h5", tmp_path / "copy.h5"
    with h5py.File(path, "w", libver="latest") as f:
        f.attrs["experiment_id"] = "run-1"  # a variable-length string: in the global heap
        f.create_dataset("loss", data=np.ones(50), maxshape=(None,), chunks=(16,))
        f.swmr_mode = True
        f.flush()
        data = path.read_bytes()
    heap = data.index(b"GCOL")
    copy.write_bytes(data[:heap + 40])  # the heap's objects are past the end: HDF5 reads zeros
    assert writer_may_be_active(copy) and looping_heaps(copy)
    errors = _run(READ_ALL, tmp_path, str(copy))  # before: spun forever reading the attribute
    assert "global heap" in errors["/@experiment_id"]


def test_series_reader_refuses_the_attributes_of_a_looping_heap(tmp_path) -> None:
    from storage import TimeSeriesConfig, TimeSeriesStorage

    ts = TimeSeriesStorage(TimeSeriesConfig(tmp_path))
    with ts.open_writer("run", metrics=["loss"]) as writer:
        writer.append({"loss": 1.0})
    path = ts.path_for("run")
    _zero_first_heap_object(path)
    got = _run("""
        import json, sys
        from storage import CorruptFileError, SeriesReader
        with SeriesReader(sys.argv[1]) as reader:
            try:
                reader.attrs()
                error = ""
            except CorruptFileError as exc:
                error = str(exc)
            print(json.dumps({"loss": reader.read("loss").tolist(), "error": error}))
    """, tmp_path, str(path))  # a subprocess: before the fix this spun forever
    assert got["loss"] == [1.0] and "global heap" in got["error"]


def test_find_survives_a_name_that_is_not_utf8(tmp_path) -> None:
    path = tmp_path / "names.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("latin", data=[1])
        f.create_dataset(b"caf\xe9_a", data=[2])  # Latin-1 bytes: h5py's visit hands over bytes
    with open_source(path) as src:
        found = sorted(n.name for n in src.find("a"))
        listed = sorted(n.name for n in src.list_children("/"))
    assert found == listed == ["caf\udce9_a", "latin"]
