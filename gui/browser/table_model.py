"""A table over any dataset that reads only the blocks on screen.

Blocks of ``BLOCK_ROWS x BLOCK_COLS`` cells are read in workers and kept in a small LRU cache, so
memory stays flat while a billion-row dataset scrolls. Compound datasets show one column per field.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from gui.browser.values import cell_text
from gui.workers import submit
from storage import Source

BLOCK_ROWS, BLOCK_COLS = 256, 64
CACHE_BLOCKS = 48  # about 48 x 256 x 64 x 8 bytes = 6 MiB of float64 at most
MAX_IN_FLIGHT = 3
MAX_QUEUED = 12
MAX_ROWS = 2**31 - 1  # Qt counts rows in a C int


class WindowTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.source: Source | None = None
        self.path = ""
        self.shape: tuple[int, ...] = ()
        self.fields: tuple[str, ...] = ()
        self.row_axis, self.col_axis = 0, None
        self.fixed: list[int] = []
        self._cache: OrderedDict[tuple, np.ndarray | str] = OrderedDict()
        self._queue: list[tuple] = []
        self._in_flight: set[tuple] = set()
        self._generation = 0
        self.reads = 0  # blocks read (tests and the benchmark look at it)

    # ---- configuration ------------------------------------------------------------------
    def configure(self, source: Source | None, path: str, shape: tuple[int, ...],
                  fields: tuple[str, ...] = (), row_axis: int = 0, col_axis: int | None = None,
                  fixed: list[int] | None = None) -> None:
        self.beginResetModel()
        self._generation += 1
        self._cache.clear()
        self._queue.clear()
        self.source, self.path, self.shape, self.fields = source, path, tuple(shape), fields
        self.row_axis, self.col_axis = row_axis, col_axis
        self.fixed = list(fixed) if fixed is not None else [0] * len(shape)
        self.endResetModel()

    def selection(self, rows: slice, cols: slice | None) -> tuple:
        sel: list[int | slice] = list(self.fixed)
        sel[self.row_axis] = rows
        if self.col_axis is not None and cols is not None:
            sel[self.col_axis] = cols
        return tuple(sel)

    # ---- Qt API -----------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        if parent.isValid() or not self.shape:
            return 0
        return min(self.shape[self.row_axis], MAX_ROWS)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        if parent.isValid() or not self.shape:
            return 0
        if self.fields:
            return len(self.fields)
        return 1 if self.col_axis is None else self.shape[self.col_axis]

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and self.fields:
            return self.fields[section]
        return str(section)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row, col = index.row(), index.column()
        key = (row // BLOCK_ROWS, 0 if self.fields else col // BLOCK_COLS)
        block = self._cache.get(key)
        if block is None:
            self._request(key)
            return "\u2026"
        self._cache.move_to_end(key)
        if isinstance(block, str):  # the block could not be read
            return block if role == Qt.ItemDataRole.ToolTipRole else "(error)"
        r = row - key[0] * BLOCK_ROWS
        if self.fields:
            field = self.fields[col]
            return cell_text(block[r][field], block.dtype[field])
        value = block[r] if self.col_axis is None else block[r, col - key[1] * BLOCK_COLS]
        return cell_text(value, block.dtype)

    # ---- block reads ------------------------------------------------------------------------
    def _request(self, key: tuple) -> None:
        if key in self._in_flight or key in self._queue:
            return
        self._queue.append(key)
        del self._queue[:-MAX_QUEUED]  # rows scrolled past are not worth reading any more
        self._pump()

    def _pump(self) -> None:
        while self._queue and len(self._in_flight) < MAX_IN_FLIGHT and self.source is not None:
            key = self._queue.pop()  # newest first: what is on screen now
            self._in_flight.add(key)
            rows = slice(key[0] * BLOCK_ROWS, (key[0] + 1) * BLOCK_ROWS)
            cols = slice(key[1] * BLOCK_COLS, (key[1] + 1) * BLOCK_COLS)
            generation = self._generation
            submit(self.source.read, self.path, self.selection(rows, cols),
                   allow_stride=False,
                   on_done=lambda res, k=key, g=generation: self._arrived(k, g, res.data),
                   on_error=lambda exc, k=key, g=generation: self._arrived(k, g, f"{exc}"))

    def _arrived(self, key: tuple, generation: int, block) -> None:
        self._in_flight.discard(key)
        if generation == self._generation:
            self.reads += 1
            if isinstance(block, np.ndarray) and self.col_axis is not None and \
                    self.row_axis > self.col_axis:
                block = block.T
            self._cache[key] = block
            while len(self._cache) > CACHE_BLOCKS:
                self._cache.popitem(last=False)
            self._emit_block(key)
        self._pump()

    def _emit_block(self, key: tuple) -> None:
        rows, cols = self.rowCount(), self.columnCount()
        if not rows or not cols:
            return
        top = min(key[0] * BLOCK_ROWS, rows - 1)
        bottom = min(top + BLOCK_ROWS - 1, rows - 1)
        left = 0 if self.fields else min(key[1] * BLOCK_COLS, cols - 1)
        right = cols - 1 if self.fields else min(left + BLOCK_COLS - 1, cols - 1)
        self.dataChanged.emit(self.index(top, left), self.index(bottom, right))

    @property
    def busy(self) -> bool:
        return bool(self._in_flight or self._queue)

    def cached_bytes(self) -> int:
        return sum(b.nbytes for b in self._cache.values() if isinstance(b, np.ndarray))
