"""Every Loupe reader of an HDF5 file opens it with the same flags, so one process can hold it in
the Files tab and load it with DLFriendlyStorage or load_metrics too (HDF5 refuses a second open
whose locking flags differ: "file locking flag values don't match")."""

from __future__ import annotations

import numpy as np

from storage import DLFriendlyStorage, load_metrics, open_source, save_metrics


def test_facade_loads_a_file_the_node_layer_holds(tmp_path) -> None:
    path = DLFriendlyStorage().save_to_file({"w": np.arange(6.0)}, tmp_path / "run.h5", "hdf5")
    source = open_source(path)
    try:
        source.list_children("/")
        loaded = DLFriendlyStorage().load_from_file(path)
    finally:
        source.close()
    np.testing.assert_array_equal(loaded["w"], np.arange(6.0))


def test_load_metrics_reads_a_file_the_node_layer_holds(tmp_path) -> None:
    path = tmp_path / "metrics.h5"
    save_metrics({"loss": np.array([0.5, 0.25]), "epochs": 2}, path)
    source = open_source(path)
    try:
        source.list_children("/")
        assert load_metrics(path)["epochs"] == 2
    finally:
        source.close()
