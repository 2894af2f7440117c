"""The open dialog's name patterns come from the format registry (one source of truth)."""

from __future__ import annotations

from storage import open_dialog_filters


def test_dialog_offers_every_format_the_files_tab_opens_but_pickles() -> None:
    filters = dict(open_dialog_filters())
    assert {"*.h5", "*.nxs", "*.nc"} <= set(filters["HDF5"])
    assert {"*.json", "*.json.zst", "*.dlz"} <= set(filters["JSON"])
    assert set(filters["Results"]) == set(filters["HDF5"]) | set(filters["JSON"])
    assert not any("pkl" in p or "pickle" in p for p in filters["Results"])
