"""Browse HSDS domains and S3 objects through the node layer, against real servers."""

from __future__ import annotations

import socket
from pathlib import Path

import h5py
import numpy as np
import pytest
from remote.servers import HsdsServer, S3Server, free_port

from storage import (
    CorruptFileError,
    ReadBudgetExceededError,
    RemoteForbiddenError,
    RemoteNotFoundError,
    RemoteSource,
    RemoteTimeoutError,
    RemoteUnreachableError,
    open_source,
)
from storage._nodes import DATASET, GROUP, SOFT_LINK
from storage._remote import RemoteOptions, open_remote

pytestmark = [pytest.mark.server, pytest.mark.usefixtures("remote_env")]


def _walk(source, path: str = "/") -> dict[str, str]:
    """Every path under ``path`` -> its kind, listing then describing like the browser does."""
    out = {}
    children = source.list_children(path)
    for node in source.describe(path, [c.name for c in children]):
        out[node.path] = node.object_kind
        if node.kind == GROUP:
            out.update(_walk(source, node.path))
    return out


def _local_walk(path: Path) -> dict[str, str]:
    out = {}
    with h5py.File(path, "r", locking=False) as f:
        def visit(name, obj):
            out["/" + name] = GROUP if isinstance(obj, h5py.Group) else DATASET
        f.visititems(visit)
    return out


@pytest.mark.parametrize("server", ["hsds", "s3"])
def test_run_file_through_open_source(server: str, request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue(server).urls["run"]
    with open_source(url) as source:
        assert isinstance(source, RemoteSource) and source.name == "run.h5"
        listed = {n.name: n for n in source.list_children("/")}
        assert sorted(listed) == ["images", "latest", "layers", "metrics"]
        assert listed["latest"].kind == SOFT_LINK
        if server == "hsds":  # the link list tells kinds without opening members
            assert listed["layers"].kind == GROUP
        nodes = {n.name: n for n in source.describe("/", list(listed))}
        assert nodes["layers"].n_children == 20 and nodes["latest"].target_kind == DATASET
        assert nodes["latest"].link_target == "/metrics/loss"
        loss = source.info("/metrics/loss")
        assert loss.shape == (1000,) and loss.dtype == "float32" and "gzip" in loss.compression
        assert loss.extra["dtype_kind"] == "f"  # viewers choose curve/image from it
        attrs = {a.name: a.text for a in source.attributes("/")}
        assert attrs == {"lr": "0.001", "model": "resnet18"}
        got = source.read("/metrics/loss", (slice(10, 20),)).data
        np.testing.assert_allclose(got, np.linspace(2.0, 0.1, 1000, dtype="f4")[10:20])
        image = source.read("/images/sample", (slice(0, 2), slice(0, 3))).data
        assert image.tolist() == [[0, 1, 2], [64, 65, 66]]
        props = dict(source.properties("/metrics/loss"))
        assert props["Source"] == url and props["Shape"] == "1000"
        assert ("h5pyd" if server == "hsds" else "fsspec") in source.snippet("/metrics/loss")
        assert "/metrics/loss" in {n.path for n in source.find("LOSS")}  # the filter box


def test_hsds_corpus_files_match_local(hsds_corpus: dict[str, str], corpus: Path) -> None:
    for name, url in hsds_corpus.items():
        with open_source(url) as source:
            assert _walk(source) == _local_walk(corpus / "hdf5" / name), name


def test_s3_corpus_files_match_local(s3, corpus: Path) -> None:
    for name in ("writer_1_3.h5", "test_large_group_latest.hdf5"):
        with open_source(s3.urls[name]) as source:
            assert _walk(source) == _local_walk(corpus / "hdf5" / name), name


def test_s3_object_that_is_not_hdf5(s3) -> None:
    with pytest.raises(CorruptFileError, match="not an HDF5 file"):
        open_source(s3.urls["notahdf5file.h5"])


def test_not_found(hsds, s3) -> None:
    for url in (hsds.url("/home/admin/missing.h5"), "s3://runs/exp1/missing.h5",
                "s3://no-such-bucket/run.h5"):
        with pytest.raises(RemoteNotFoundError, match="no such") as info:
            open_source(url)
        assert isinstance(info.value, FileNotFoundError)


def test_wrong_password_is_forbidden(hsds, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HS_PASSWORD", "wrong")
    with pytest.raises(RemoteForbiddenError, match="HS_USERNAME/HS_PASSWORD") as info:
        open_source(hsds.urls["run"])
    assert "wrong" not in str(info.value)  # a secret never appears in a message


def test_unreachable(monkeypatch: pytest.MonkeyPatch) -> None:
    port = free_port()  # nothing listens there
    with pytest.raises(RemoteUnreachableError, match="HSDS is running"):
        open_source(f"hsds://127.0.0.1:{port}/home/admin/run.h5")
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    with pytest.raises(RemoteUnreachableError, match="AWS_ENDPOINT_URL"):
        open_source("s3://runs/exp1/run.h5")


def test_silent_server_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        options = RemoteOptions(timeout=1.0, retries=0)
        with pytest.raises(RemoteTimeoutError, match="did not answer after 1 s"):
            open_remote(f"hsds://127.0.0.1:{port}/home/admin/run.h5", options)
        monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
        with pytest.raises(RemoteTimeoutError):
            open_remote("s3://runs/exp1/run.h5", options)


def test_read_budget_is_checked_before_reading(hsds, s3) -> None:
    for url in (hsds.urls["run"], s3.urls["run"]):
        with open_remote(url, RemoteOptions(read_budget=1000)) as source:
            assert source.read_cost("/images/sample") == 64 * 64 * 2
            assert source.read("/images/sample", (0,)).data.shape == (64,)  # 128 bytes: fine
            with pytest.raises(ReadBudgetExceededError) as info:
                source.read("/images/sample")
            assert info.value.nbytes == 8192 and info.value.source is source
            source.read_budget = info.value.nbytes  # what the GUI does after the user agrees
            assert source.read("/images/sample").data.shape == (64, 64)


def test_hsds_stopped_while_browsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server = HsdsServer(tmp_path / "hsds").start()
    try:
        url = server.upload_run(tmp_path)
        for key, value in server.env().items():
            monkeypatch.setenv(key, value)
        source = open_source(url)
        assert len(source.list_children("/")) == 4
        server.stop()
        with pytest.raises(RemoteUnreachableError, match="cannot reach the server"):
            source.list_children("/layers")
        with pytest.raises(RemoteUnreachableError):
            source.describe("/metrics", ["loss", "accuracy"])
        with pytest.raises(RemoteUnreachableError):
            open_source(url)
        source.close()  # closing a source whose server is gone is quiet
    finally:
        server.stop()


def test_s3_stopped_while_browsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server = S3Server(tmp_path / "s3").start()
    try:
        big = tmp_path / "big.h5"
        with h5py.File(big, "w") as f:
            f["data"] = np.arange(200_000, dtype="f8")  # 1.6 MB, most of it never cached
        url = server.put("runs", "big.h5", big)
        for key, value in server.env().items():
            monkeypatch.setenv(key, value)
        source = open_remote(url, RemoteOptions(block_size=64 * 1024, retries=0, timeout=5))
        assert source.read("/data", (slice(0, 5),)).data.tolist() == [0, 1, 2, 3, 4]
        server.stop()
        with pytest.raises(RemoteUnreachableError):
            source.read("/data", (slice(150_000, 150_010),))
        source.close()
    finally:
        server.stop()


def test_json_result_object_opens_as_a_json_tree(s3, tmp_path: Path) -> None:
    from storage import DLFriendlyStorage

    local = DLFriendlyStorage().save_to_file(
        {"hypothesis": "h1", "runs": [{"lr": 0.1, "loss": np.arange(3.0)}]},
        tmp_path / "h1_results.json", format="json")
    url = s3.put("results", "lab/results/h1_results.json", local)
    with open_source(url) as source:
        assert source.format == "json" and source.location == url
        assert sorted(n.name for n in source.list_children("/")) == ["hypothesis", "runs"]
