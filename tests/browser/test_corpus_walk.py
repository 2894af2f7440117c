"""Every file of the shared corpus: open, expand every group, select every node, every view.

Also ``loupe --screenshot`` of all of them (a subprocess).
"""

from __future__ import annotations

import subprocess

import pytest
from browser.gui_helpers import expand_all, select, show_in_every_view, wait_idle
from conftest import corpus_dir, loupe_command, subprocess_env
from support import show_widget

from gui.browser.panel import BrowserPanel


def _corpus_files() -> list:
    """The corpus's HDF5 file names, or one skipped case that says why and how to fix it
    (an empty list would only say "got empty parameter set")."""
    folder = corpus_dir() / "hdf5"
    if folder.is_dir():
        return sorted(p.name for p in folder.glob("*"))
    reason = (f"the shared test corpus is not at {folder.parent}: set LOUPE_CORPUS to a corpus "
              "folder (one with hdf5/ inside) to walk its files")
    return [pytest.param("no-corpus", marks=pytest.mark.skip(reason=reason))]


HDF5_FILES = _corpus_files()
# What must show as marked rows (path -> words of the reason), per file.
EXPECTED_MARKS = {
    "test_file.hdf5": {"/links_group/broken_soft_link": "does not exist",
                       "/links_group/external_link_to_missing_file": "file not found"},
    "Therm_6_2.nxs": {"/entry/data/data_000001": "file not found"},
    "h5ex_d_extern.h5": {"/DS1": "external raw data file missing"},
    "notahdf5file.h5": {"/": "not an HDF5 file"},
    "test_byteshuffle_compressed_datasets_latest.hdf5": {"/": "did not close it cleanly"},
}


@pytest.mark.slow
@pytest.mark.parametrize("name", HDF5_FILES)
def test_walk_corpus_file(qtbot, corpus, name) -> None:
    panel = show_widget(qtbot, BrowserPanel())
    panel.open_paths([str(corpus / "hdf5" / name)])
    wait_idle(qtbot, panel)
    top = panel.model.index(0, 0)
    indexes = expand_all(qtbot, panel, top)
    errors = {}
    for index in indexes:
        select(qtbot, panel, index)
        show_in_every_view(qtbot, panel)
        node = panel.model.node(index)
        if node.error:
            errors[node.path] = node.error
    for path, words in EXPECTED_MARKS.get(name, {}).items():
        assert words in errors.get(path, ""), (path, errors)
    panel.close_current()
    wait_idle(qtbot, panel)


@pytest.mark.slow
def test_screenshot_of_every_corpus_file(tmp_path, corpus) -> None:
    """``loupe --screenshot`` with every corpus file at once: one start-up (2-5 s each) instead
    of one per file; every node of every file is already shown in-process above."""
    shot = tmp_path / "shot.png"
    files = sorted(str(p) for p in (corpus / "hdf5").glob("*"))
    out = subprocess.run([*loupe_command(), "--screenshot", str(shot), *files],
                         capture_output=True, text=True, env=subprocess_env(tmp_path), timeout=240)
    assert out.returncode == 0, out.stderr
    assert "still loading" not in out.stderr, out.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
