"""The Qt-free node layer on files made here with h5py (and a JSON file)."""

from __future__ import annotations

import json
import threading

import h5py
import hdf5plugin
import numpy as np
import pytest

from storage import CorruptFileError, StorageFileNotFoundError, open_source
from storage._nodes import (
    BROKEN,
    DATASET,
    DATATYPE,
    EXTERNAL_LINK,
    GROUP,
    SOFT_LINK,
    UNKNOWN,
    ReadCancelled,
    read_slice,
)
from storage._nodes._slicing import PIECE_BYTES


@pytest.fixture()
def h5file(tmp_path):
    path = tmp_path / "run.h5"
    with h5py.File(tmp_path / "other.h5", "w") as other:
        other["x"] = np.arange(3)
    with h5py.File(path, "w") as f:
        f.attrs["config"] = json.dumps({"lr": 0.001, "layers": [64, 64]})
        f.attrs["names"] = np.array([b"loss", b"acc"])
        f.attrs["note"] = "plain text"
        g = f.create_group("train")
        g["loss"] = np.linspace(1, 0, 100, dtype="float32")
        g.create_dataset("weights", data=np.ones((64, 32)), compression="gzip", shuffle=True)
        g.create_dataset("z", data=np.arange(1000.0), **hdf5plugin.Zstd())
        f["rec"] = np.zeros(5, dtype=[("epoch", "i4"), ("loss", "f8")])
        f.create_dataset("color", data=np.array([0, 1], "u1"),
                         dtype=h5py.enum_dtype({"RED": 0, "GREEN": 1}, basetype="u1"))
        f.create_dataset("ragged", (2,), dtype=h5py.vlen_dtype("f4"))
        f["ragged"][0] = [1.0, 2.0]
        f["scalar"] = 3.5
        f["empty"] = h5py.Empty("f4")
        f["types/t"] = np.dtype("f8")
        f["alias"] = h5py.SoftLink("/train/loss")
        f["dangling"] = h5py.SoftLink("/nope")
        f["ext"] = h5py.ExternalLink("other.h5", "/x")
        f["ext_missing"] = h5py.ExternalLink("missing.h5", "/x")
        f.attrs["ref"] = f["train"].ref
    return path


def by_name(nodes):
    return {n.name: n for n in nodes}


def test_listing_gives_names_and_link_kinds_without_details(h5file) -> None:
    with open_source(h5file) as src:
        kids = by_name(src.list_children("/"))
    assert kids["alias"].kind == SOFT_LINK and kids["ext"].kind == EXTERNAL_LINK
    assert kids["train"].kind == GROUP and kids["scalar"].kind == DATASET  # probed (small group)
    assert kids["types"].kind == GROUP and not kids["train"].detailed


def test_listing_without_probe_leaves_kinds_unknown(h5file) -> None:
    with open_source(h5file) as src:
        src.probe_limit = 0
        kids = by_name(src.list_children("/"))
    assert kids["train"].kind == UNKNOWN and kids["train"].maybe_has_children


def test_describe_fills_details_and_marks_broken_links(h5file) -> None:
    with open_source(h5file) as src:
        nodes = by_name(src.describe("/", [n.name for n in src.list_children("/")]))
        t = by_name(src.describe("/types", ["t"]))["t"]
        train = by_name(src.describe("/train", ["weights", "z"]))
    assert nodes["train"].n_children == 3
    assert nodes["alias"].target_kind == DATASET and nodes["alias"].shape == (100,)
    assert nodes["dangling"].kind == BROKEN and "/nope" in nodes["dangling"].error
    assert nodes["ext"].target_kind == DATASET
    assert nodes["ext_missing"].kind == BROKEN and "file not found" in nodes["ext_missing"].error
    assert nodes["rec"].dtype == "compound{epoch: int32, loss: float64}"
    assert nodes["color"].dtype.startswith("enum(uint8){RED=0")
    assert nodes["ragged"].dtype == "vlen float32"
    assert nodes["empty"].shape is None and nodes["empty"].shape_text == "empty"
    assert t.kind == DATATYPE
    assert train["weights"].compression == "shuffle + gzip 4"
    assert train["z"].compression == "zstd" and train["z"].filters_ok


def test_attributes_decode_json_arrays_and_references(h5file) -> None:
    with open_source(h5file) as src:
        attrs = by_name(src.attributes("/"))
    assert attrs["config"].text == json.dumps({"lr": 0.001, "layers": [64, 64]}, indent=2)
    assert attrs["names"].text == "[loss, acc]"
    assert attrs["note"].text == "plain text"
    assert attrs["ref"].text == "reference -> /train"


def test_properties_of_a_compressed_dataset(h5file) -> None:
    with open_source(h5file) as src:
        rows = dict(src.properties("/train/weights"))
    assert rows["Layout"] == "chunked" and rows["Shape"] == "64 \u00d7 32"
    assert "gzip" in rows["Filter 1"] and "available" in rows["Filter 1"]
    assert float(rows["Compression ratio"]) > 1


def test_read_window_and_strided_preview(h5file) -> None:
    with open_source(h5file) as src:
        window = src.read("/train/weights", (slice(2, 5), slice(0, 4)))
        preview = src.read("/train/weights", (), budget=64 * 32 * 8 // 4)
        scalar = src.read("/scalar")
        empty = src.read("/empty")
        z = src.read("/train/z")
    assert window.data.shape == (3, 4) and not window.strided
    assert preview.strided and preview.data.nbytes <= 64 * 32 * 8 // 4
    assert scalar.data == 3.5 and empty.empty
    np.testing.assert_array_equal(z.data, np.arange(1000.0))


def test_big_read_stops_when_cancelled() -> None:
    array = np.zeros((4 * PIECE_BYTES // 8,), dtype="f8")
    cancel = threading.Event()
    seen = []

    def progress(fraction: float) -> None:
        seen.append(fraction)
        cancel.set()

    with pytest.raises(ReadCancelled):
        read_slice(array, (), cancel=cancel, progress=progress)
    assert len(seen) == 1


def test_over_budget_without_stride_is_refused() -> None:
    with pytest.raises(MemoryError, match="budget"):
        read_slice(np.zeros(1000), (), budget=80, allow_stride=False)


def test_find_walks_the_whole_file_without_following_links(h5file) -> None:
    with open_source(h5file) as src:
        paths = [n.path for n in src.find("LOSS")]
    assert paths == ["/train/loss"]


def test_snippet_reads_the_object(h5file) -> None:
    with open_source(h5file) as src:
        code = src.snippet("/train/loss")
    scope: dict = {}
    exec(code, scope)  # the snippet is made by us, from a path we chose
    assert scope["obj"].shape == (100,)


def test_open_errors_are_typed(tmp_path) -> None:
    with pytest.raises(StorageFileNotFoundError):
        open_source(tmp_path / "nothing.h5")
    bad = tmp_path / "bad.h5"
    bad.write_bytes(b"not hdf5 at all")
    with pytest.raises(CorruptFileError, match="not an HDF5 file"):
        open_source(bad)


def test_open_file_being_written(tmp_path) -> None:
    path = tmp_path / "live.h5"
    with h5py.File(path, "w", libver="latest") as writer:
        writer.create_dataset("loss", (0,), maxshape=(None,), dtype="f4")
        writer.swmr_mode = True
        writer["loss"].resize((3,))
        writer["loss"][:] = [3, 2, 1]
        writer.flush()
        with open_source(path) as src:
            assert src.read("/loss").data.tolist() == [3, 2, 1]


def test_json_document_as_a_tree(tmp_path) -> None:
    path = tmp_path / "res.json"
    doc = {
        "history": {"loss": [1.0, 0.5, 0.25], "names": ["a", "b"]},
        "weights": {"__type__": "numpy_array", "dtype": "float32", "shape": [2, 2],
                    "data": [[1.0, 2.0], [3.0, 4.0]]},
        "when": {"__type__": "datetime", "iso": "2025-07-17T01:06:14.618679"},
        "runs": [{"seed": 1}, {"seed": 2}],
        "a/b": 3,
    }
    path.write_text(json.dumps(doc))
    with open_source(path) as src:
        root = by_name(src.list_children("/"))
        hist = by_name(src.list_children("/history"))
        weights = src.read("/weights").data
        attrs = by_name(src.attributes("/weights"))
        runs = src.list_children("/runs")
        found = [n.path for n in src.find("seed")]
    assert root["weights"].kind == DATASET and root["weights"].shape == (2, 2)
    assert root["weights"].dtype == "float32" and attrs["dtype"].text == "float32"
    assert root["when"].dtype == "datetime" and root["when"].shape == ()
    assert hist["loss"].shape == (3,) and hist["names"].dtype == "str"
    assert root["a\u2215b"].kind == DATASET
    assert weights.dtype == np.float32 and weights[1, 1] == 4.0
    assert [r.name for r in runs] == ["0", "1"] and found == ["/runs/0/seed", "/runs/1/seed"]


def test_broken_json_names_line_and_column(tmp_path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"a": 1,\n "b": }')
    with pytest.raises(CorruptFileError) as info:
        open_source(path)
    assert info.value.line == 2


@pytest.mark.parametrize("libver", ["earliest", "latest"])  # B-tree by name; dense (hash order)
def test_stream_members_sends_pages_in_name_order(tmp_path, libver) -> None:
    from storage._nodes._pages import stream_members

    path = tmp_path / "wide.h5"
    with h5py.File(path, "w", libver=libver) as f:
        g = f.create_group("g")
        for i in np.random.default_rng(0).permutation(2500):
            g[f"m{i:04d}"] = i
        g["zz_soft"] = h5py.SoftLink("/g/m0001")
        g["zz_ext"] = h5py.ExternalLink("other.h5", "/x")
    pages = []
    with h5py.File(path, "r") as f:
        assert stream_members(f["g"], pages.append, page_size=1000, probe_limit=0) == 2502
        expected = list(f["g"].keys())
    assert [p.start for p in pages] == [0, 1000, 2000] and {p.total for p in pages} == {2502}
    names = [n for p in pages for n in p.names]
    kinds = dict(zip(names, [k for p in pages for k in p.kinds], strict=True))
    assert names == expected == sorted(expected)
    assert kinds["zz_soft"] == SOFT_LINK and kinds["zz_ext"] == EXTERNAL_LINK
    assert kinds["m0007"] == UNKNOWN  # not probed: a wide group's kinds come with details


def test_stream_children_stops_when_cancelled(h5file, tmp_path) -> None:
    path = tmp_path / "wide.h5"
    with h5py.File(path, "w") as f:
        for i in range(3000):
            f[f"m{i:04d}"] = i
    cancel, pages = threading.Event(), []

    def on_page(page) -> None:
        pages.append(page)
        cancel.set()

    with open_source(path) as src:
        sent = src.stream_children("/", on_page, page_size=1000, cancel=cancel)
    small = []
    with open_source(h5file) as src:
        src.stream_children("/train", small.append)  # small groups: kinds probed
    assert sent == 1000 and len(pages) == 1 and pages[0].names[0] == "m0000"
    assert dict(zip(small[0].names, small[0].kinds, strict=True)) == {
        "loss": DATASET, "weights": DATASET, "z": DATASET}


def test_json_tensor_marker_keeps_its_type(tmp_path) -> None:
    path = tmp_path / "res.json"
    path.write_text(json.dumps({
        "w": {"__type__": "torch_tensor", "dtype": "torch.float32", "shape": [2],
              "data": [1.0, 2.0], "requires_grad": True},
        "b": {"__type__": "torch_tensor", "dtype": "torch.bfloat16", "shape": [2],
              "data": [1.0, 0.5]}}))
    with open_source(path) as src:
        nodes = by_name(src.list_children("/"))
        attrs = {a.name: a.text for a in src.attributes("/w")}
        w, b = src.read("/w").data, src.read("/b").data
    assert nodes["w"].kind == DATASET and nodes["w"].dtype == "torch.float32"
    assert nodes["w"].shape == (2,) and nodes["b"].dtype == "torch.bfloat16"
    assert attrs["__type__"] == "torch_tensor" and attrs["dtype"] == "torch.float32"
    assert attrs["requires_grad"] == "True"
    assert w.dtype == np.float32 and w.tolist() == [1.0, 2.0]
    assert b.dtype == np.float32 and b.tolist() == [1.0, 0.5]  # bfloat16 widened for views


def test_compressed_json_keeps_tensor_markers(tmp_path) -> None:
    torch = pytest.importorskip("torch")
    from storage import DLFriendlyStorage

    big = torch.arange(40_000, dtype=torch.float32)  # outside the compressed text (a payload)
    path = DLFriendlyStorage().save_to_file(
        {"big": big, "small": torch.ones(3, dtype=torch.int64), "arr": np.arange(3.0)},
        tmp_path / "res.json", format="compressed")
    with open_source(path) as src:
        nodes = by_name(src.list_children("/"))
        types = {n: {a.name: a.text for a in src.attributes(f"/{n}")}["__type__"]
                 for n in nodes}
        data = src.read("/big").data
    assert types == {"big": "torch_tensor", "small": "torch_tensor", "arr": "numpy_array"}
    assert nodes["small"].dtype == "torch.int64" and nodes["big"].shape == (40_000,)
    np.testing.assert_array_equal(data, big.numpy())


def test_values_read_at_their_own_precision() -> None:
    """A float32 123.45 reads 123.45 (not 123.44999694824219), a complex64 4.3 reads (4.3+0j)."""
    from storage import value_text

    assert value_text(np.float32(123.45)) == "123.45"
    assert value_text(np.complex64(4.3)) == "(4.3+0j)"
    assert value_text(np.float64(0.1)) == "0.1"
    assert value_text(np.int16(-3)) == "-3"
