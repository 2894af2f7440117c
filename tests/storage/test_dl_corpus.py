"""Files written by other tools (../shared/corpus): every JSON loads, every odd JSON either loads
or raises a typed error; never a crash or a hang."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storage import DLFriendlyStorage, StorageError, detect_format


def _files(corpus: Path, folder: str) -> list[Path]:
    files = sorted((corpus / folder).glob("*.json"))
    assert files, f"no files in {corpus / folder}"
    return files


def test_every_corpus_json_loads(corpus: Path) -> None:
    storage = DLFriendlyStorage()
    for path in _files(corpus, "json"):
        assert detect_format(path) == "json", path.name
        loaded = storage.load_from_file(path)
        # Plain JSON without markers loads as exactly what the json module reads.
        assert loaded == json.loads(path.read_bytes()), path.name


def test_json_bad_loads_or_raises_typed(corpus: Path) -> None:
    storage = DLFriendlyStorage()
    outcomes = {}
    for path in _files(corpus, "json_bad"):
        try:
            storage.load_from_file(path)
            outcomes[path.name] = "loaded"
        except StorageError as exc:
            outcomes[path.name] = type(exc).__name__
    for name, outcome in outcomes.items():
        if name.startswith("y_"):
            assert outcome == "loaded", name
        if name.startswith("i_") and "BOM" not in name and "500" not in name:
            assert outcome == "loaded", name  # numbers, surrogates, UTF-16: json reads them
    assert outcomes["i_structure_500_nested_arrays.json"] == "loaded"
    assert outcomes["i_structure_UTF-8_BOM_empty_object.json"] == "loaded"
    assert outcomes["n_object_trailing_comma.json"] == "CorruptFileError"
    assert outcomes["n_structure_UTF8_BOM_no_data.json"] == "CorruptFileError"


def test_corpus_round_trips_through_every_format(corpus: Path, tmp_path: Path) -> None:
    storage = DLFriendlyStorage()
    for path in _files(corpus, "json"):
        data = storage.load_from_file(path)
        for fmt in ("json", "compressed", "hdf5"):
            out = storage.save_to_file(data, tmp_path / f"{path.stem}.{fmt}", format=fmt)
            assert storage.load_from_file(out) == data, (path.name, fmt)


@pytest.mark.parametrize("name", ["hdf5/writer_1_3.h5", "hdf5/dset_gzip.h5"])
def test_foreign_hdf5_loads_generically(corpus: Path, name: str) -> None:
    path = corpus / name
    assert detect_format(path) == "hdf5"
    data = DLFriendlyStorage().load_from_file(path)
    assert isinstance(data, dict) and data


def test_broken_hdf5_is_corrupt(corpus: Path) -> None:
    from storage import CorruptFileError

    path = corpus / "hdf5/test_byteshuffle_compressed_datasets_latest.hdf5"
    with pytest.raises(CorruptFileError, match="h5clear"):
        DLFriendlyStorage().load_from_file(path)
    assert detect_format(corpus / "hdf5/notahdf5file.h5") is None
