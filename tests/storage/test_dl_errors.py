"""Typed errors: broken JSON with line and column, missing files, pickles, odd encodings."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import pytest

from storage import (
    CorruptFileError,
    DLFriendlyStorage,
    StorageError,
    StorageFileNotFoundError,
    StoragePermissionError,
    UnsupportedFormatError,
    UntrustedPickleError,
    detect_format,
)


def load(path: Path, **kwargs: object) -> object:
    return DLFriendlyStorage().load_from_file(path, **kwargs)


def test_broken_json_reports_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "a": 1,\n  "b": [1, 2,,]\n}\n')
    with pytest.raises(CorruptFileError) as info:
        load(path)
    err = info.value
    assert (err.line, err.column) == (3, 14)  # the second comma
    assert "line 3 column 14" in str(err) and str(path) in str(err)
    assert isinstance(err, ValueError) and isinstance(err, StorageError)


def test_broken_json_with_large_payload_reports_true_position(tmp_path: Path) -> None:
    storage = DLFriendlyStorage()
    path = storage.save_to_file({"a": __import__("numpy").arange(10_000.0)}, tmp_path / "x.json",
                                format="json")
    text = path.read_bytes().rstrip()
    path.write_bytes(text[:-1] + b",\n}")  # a trailing comma after the big payload
    with pytest.raises(CorruptFileError) as info:
        load(path)
    assert info.value.line == 2 and info.value.column == 1


def test_truncated_payload_is_corrupt(tmp_path: Path) -> None:
    path = DLFriendlyStorage().save_to_file({"a": __import__("numpy").arange(10_000.0)},
                                            tmp_path / "x.json", format="json")
    raw = path.read_bytes()
    path.write_bytes(raw[:2000] + raw[2003:])  # 3 base64 characters gone: length is now wrong
    with pytest.raises(CorruptFileError):
        load(path)


@pytest.mark.parametrize("damage", ["bad_char", "cut_3", "truncated"])
def test_damaged_large_file_is_corrupt(tmp_path: Path, damage: str) -> None:
    # Over 1 MiB: read through an mmap, which must still close cleanly after the error.
    np = __import__("numpy")
    path = DLFriendlyStorage().save_to_file({"a": np.random.default_rng(0).random(200_000)},
                                            tmp_path / "big.json", format="json")
    raw = bytearray(path.read_bytes())
    if damage == "bad_char":
        raw[1_000_000] = ord("!")
    elif damage == "cut_3":
        del raw[1_000_000:1_000_003]
    else:
        del raw[1_500_000:]
    path.write_bytes(bytes(raw))
    with pytest.raises(CorruptFileError) as info:
        load(path)
    assert str(path) in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(StorageFileNotFoundError, match="does not exist"):
        load(tmp_path / "nope.json")
    with pytest.raises(FileNotFoundError):
        detect_format(tmp_path / "nope.json")
    with pytest.raises(StorageFileNotFoundError, match="folder"):
        DLFriendlyStorage().save_to_file({}, tmp_path / "no" / "x.json", format="json")


def test_folder_and_unknown_content(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFormatError, match="folder"):
        load(tmp_path)
    (tmp_path / "x.bin").write_bytes(b"\x00\x01garbage")
    assert detect_format(tmp_path / "x.bin") is None
    with pytest.raises(UnsupportedFormatError):
        load(tmp_path / "x.bin")
    (tmp_path / "empty.json").write_bytes(b"")
    with pytest.raises(UnsupportedFormatError):
        load(tmp_path / "empty.json")


def test_unknown_format_name(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFormatError, match="npz"):
        DLFriendlyStorage().save_to_file({}, tmp_path / "x", format="npz")
    with pytest.raises(UnsupportedFormatError):
        load(tmp_path / "x", format="yaml")


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_permission_denied(tmp_path: Path) -> None:
    path = tmp_path / "locked.json"
    path.write_text("{}")
    path.chmod(0)
    with pytest.raises(StoragePermissionError):
        load(path)


def test_pickle_needs_trust(tmp_path: Path) -> None:
    storage = DLFriendlyStorage()
    path = storage.save_to_file({"a": 1}, tmp_path / "x.pkl", format="pickle")
    assert detect_format(path) == "pickle"
    with pytest.raises(UntrustedPickleError, match="trusted=True"):
        storage.load_from_file(path)
    assert storage.load_from_file(path, trusted=True) == {"a": 1}


def test_pickle_never_runs_untrusted_code(tmp_path: Path) -> None:
    class Evil:
        def __reduce__(self):  # noqa: D105
            return (Path.touch, (tmp_path / "pwned",))

    path = tmp_path / "evil.pkl"
    path.write_bytes(pickle.dumps(Evil(), protocol=4))
    with pytest.raises(UntrustedPickleError):
        load(path)
    with pytest.raises(UntrustedPickleError):
        load(path, format="pickle")
    assert not (tmp_path / "pwned").exists()


def test_pickle_as_json_is_corrupt_not_executed(tmp_path: Path) -> None:
    path = tmp_path / "x.pkl"
    path.write_bytes(pickle.dumps({"a": 1}))
    with pytest.raises(CorruptFileError):
        load(path, format="json")


def test_deep_nesting_is_typed_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(CorruptFileError, match="nested too deeply"):
        load(path)
    path.write_text("[" * 500 + "]" * 500)
    value = load(path)
    for _ in range(499):
        value = value[0]
    assert value == []


def test_deep_data_cannot_be_saved_but_says_so(tmp_path: Path) -> None:
    from storage import EncodeError

    deep: list = []
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(EncodeError, match="nested too deeply"):
        DLFriendlyStorage().save_to_file(deep, tmp_path / "d.json", format="json")


def test_boms_duplicates_and_constants(tmp_path: Path) -> None:
    cases = {
        "bom8.json": (b"\xef\xbb\xbf" + b'{"a": [1]}', {"a": [1]}),
        "utf16le.json": ('{"a": "\u00e9"}'.encode("utf-16"), {"a": "\u00e9"}),
        "utf16be.json": (b"\xfe\xff" + '["x"]'.encode("utf-16-be"), ["x"]),
        "dup.json": (b'{"a": 1, "a": 2}', {"a": 2}),
    }
    for name, (raw, expected) in cases.items():
        (tmp_path / name).write_bytes(raw)
        assert detect_format(tmp_path / name) == "json", name
        assert load(tmp_path / name) == expected, name
    (tmp_path / "nan.json").write_bytes(b"[NaN, Infinity, -Infinity]")
    values = load(tmp_path / "nan.json")
    assert values[0] != values[0] and values[1:] == [float("inf"), float("-inf")]


def test_bom_only_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf")
    with pytest.raises(CorruptFileError) as info:
        load(path)
    assert (info.value.line, info.value.column) == (1, 1)


def test_invalid_utf8_reports_position(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{\n"a": "caf\xe9"}')
    with pytest.raises(CorruptFileError) as info:
        load(path)
    assert info.value.line == 2


def test_bad_markers_are_corrupt_not_crashes(tmp_path: Path) -> None:
    bad = [
        {"__type__": "numpy_array", "dtype": "float32", "shape": [3], "data": [1, 2]},
        {"__type__": "numpy_array", "dtype": "no_such_type", "data": [1]},
        {"__type__": "numpy_array", "dtype": "float32", "shape": [2], "encoding": "base64",
         "data": "!!!"},
        {"__type__": "numpy_array", "dtype": "float32", "shape": [-1], "data": []},
        {"__type__": "datetime", "iso": "yesterday"},
        {"__type__": "float", "value": "big"},
        {"__type__": "dict", "items": [[[1], 2]]},
        {"__type__": "bytes", "encoding": "base64", "codec": "lzma", "data": "AAAA"},
        {"__type__": "tuple"},
    ]
    for i, marker in enumerate(bad):
        path = tmp_path / f"bad{i}.json"
        path.write_text(json.dumps({"x": marker}))
        with pytest.raises(CorruptFileError):
            load(path)
