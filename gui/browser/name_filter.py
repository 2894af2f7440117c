"""Ctrl+F: filter the tree by name in the whole file, and give the tree back as it was.

The walk runs in a worker (``Source.find``); the tree then shows only the matches and their
ancestors (``TreeModel.show_matches``). Matches are cut at ``MATCH_LIMIT`` per file, and the note
under the box says so: a filter of ``a`` on a 100,000-member file would otherwise lay out every
member. Clearing the filter (Esc, or an empty box) restores the expanded rows, pages included,
and selects in the full tree the match that was selected, so the viewer never shows a node of a
tree that is gone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, QTimer
from PySide6.QtWidgets import QLabel, QLineEdit

from gui.browser.failed_source import FailedSource
from gui.workers import LatestOnly
from storage import NodeInfo, Source

if TYPE_CHECKING:
    from gui.browser.panel import BrowserPanel

MATCH_LIMIT = 5000  # matches shown per file
DESCRIBE_LIMIT = 500  # up to this many matches are described (kind, shape) before showing
TYPING_MS = 250


def find_matches(sources: list[Source], text: str, limit: int, cancel=None
                 ) -> tuple[dict[Source, list[NodeInfo]], bool, list[str]]:
    """Worker: the matches of ``text`` per source, whether any list was cut at ``limit``, and
    one line per file that could not be searched (a damaged file must not hide the matches
    of the others).

    Few matches are described too, so they show their kind and the expanded match tree never
    takes a dataset for a group.
    """
    matches, cut, failed = {}, False, []
    for source in sources:
        try:
            found = source.find(text, cancel=cancel, limit=limit + 1)
        except Exception as exc:  # noqa: BLE001 - that file's error is said, the rest shown
            failed.append(f"{source.name}: {exc}")
            found = []
        cut |= len(found) > limit
        matches[source] = found[:limit]
    if sum(len(v) for v in matches.values()) <= DESCRIBE_LIMIT:
        for source, found in matches.items():
            matches[source] = _described(source, found, cancel)
    return matches, cut, failed


def _described(source: Source, nodes: list[NodeInfo], cancel) -> list[NodeInfo]:
    by_parent: dict[str, list[str]] = {}
    for node in nodes:
        by_parent.setdefault(node.path.rpartition("/")[0] or "/", []).append(node.name)
    described = {}
    for parent, names in by_parent.items():
        if cancel is not None and cancel.is_set():
            break
        try:
            described.update((n.path, n) for n in source.describe(parent, names))
        except Exception:  # noqa: BLE001 - the rows describe themselves later, with the error
            continue
    return [described.get(n.path, n) for n in nodes]


def match_note(count: int, cut: bool, text: str) -> str:
    if cut:
        return (f"Showing the first {count:,} matches for '{text}' (the search stops at "
                f"{MATCH_LIMIT:,} per file): refine the filter to see the others.")
    return f"{count:,} match{'es' if count != 1 else ''} for '{text}'"


class NameFilter(QObject):
    """The filter box, its note, and the tree state to give back when it is cleared."""

    def __init__(self, panel: BrowserPanel) -> None:
        super().__init__(panel)
        self.panel = panel
        self.edit = QLineEdit(panel)
        self.edit.setPlaceholderText("Filter by name in the whole file (Ctrl+F)")
        self.edit.setClearButtonEnabled(True)
        self.note = QLabel(panel)
        self.note.setObjectName("filterNote")
        self.note.setWordWrap(True)
        self.note.hide()
        self._timer = QTimer(self, singleShot=True, interval=TYPING_MS)
        self._timer.timeout.connect(self.run)
        self.edit.textChanged.connect(lambda _t: self._timer.start())
        self._finder = LatestOnly()
        # Before the first match tree: expanded rows per source, and the selection.
        self._saved: tuple[dict[Source, list], tuple[Source, str] | None] | None = None

    @property
    def busy(self) -> bool:
        return self._finder.busy or self._timer.isActive()

    @property
    def active(self) -> bool:
        return bool(self.edit.text()) or self.panel.model.filtered

    def clear(self) -> None:
        """Esc: empty the box and give the full tree back now (no typing delay)."""
        self._timer.stop()
        self.edit.blockSignals(True)
        self.edit.clear()
        self.edit.blockSignals(False)
        self.run()

    def forget(self) -> None:
        """A file closed while filtered: the saved tree state points at rows that are gone."""
        self._saved = None

    def run(self) -> None:
        text = self.edit.text().strip()
        if not text:
            self._finder.submit(lambda: None)  # drop a search in progress
            if self.note.isVisibleTo(self.panel):
                self.panel.status("")  # "11 matches for ..." no longer says what is shown
            self.note.hide()
            self._restore()
            return
        sources = [s for s in self.panel.model.sources() if not isinstance(s, FailedSource)]
        self.note.setText(f"Searching for '{text}'\u2026")
        self.note.show()
        self._finder.submit(find_matches, sources, text, MATCH_LIMIT, on_done=self._show,
                            on_error=lambda e: self._say(f"Filter failed: {e}"),
                            wants_cancel=True)

    def _say(self, text: str) -> None:
        self.note.setText(text)
        self.note.show()
        self.panel.status(text)

    def _show(self, answer) -> None:
        matches, cut, failed = answer
        model = self.panel.model
        if not model.filtered:
            self._saved = self._tree_state()
        model.show_matches(matches)
        count = sum(len(v) for v in matches.values())
        if count <= DESCRIBE_LIMIT:
            self._expand_ancestors(QModelIndex())
        note = match_note(count, cut, self.edit.text().strip())
        if failed:
            note += "; not searched: " + "; ".join(failed)
        self._say(note)

    def _expand_ancestors(self, parent: QModelIndex) -> None:
        """Open the rows on the way to each match (not the matches: a matched group lists all
        its members only when asked)."""
        model = self.panel.model
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            if model.rowCount(index):
                self.panel.tree.expand(index)
                self._expand_ancestors(index)

    def _tree_state(self):
        model, panel = self.panel.model, self.panel
        expanded = {s: panel.expanded_paths(model.source_index(s)) for s in model.sources()}
        item = model.item(panel.tree.currentIndex())
        return expanded, ((item.source, item.node.path) if item is not None else None)

    def _restore(self) -> None:
        model, panel = self.panel.model, self.panel
        if not model.filtered:
            return
        picked = model.item(panel.tree.currentIndex())
        expanded, selected = self._saved or ({}, None)
        self._saved = None
        model.clear_matches()
        if picked is not None:  # the match the user chose while filtering
            selected = (picked.source, picked.node.path)
        for source, paths in expanded.items():
            top = model.source_index(source)
            if top.isValid():
                panel.restore_tree(top, paths, None)
        if selected is not None and model.source_index(selected[0]).isValid():
            panel.restore_tree(model.source_index(selected[0]), [], selected[1])
        else:
            panel.viewer.clear()
