"""Read a window of an N-D dataset: by axes and indices, within a memory budget.

Works on anything with ``shape``, ``dtype`` and numpy-style ``__getitem__`` (an h5py or h5pyd
dataset, a numpy array from a DL-JSON file). A selection larger than the budget is read with a
stride (a preview); a big read goes in pieces along its first axis so it reports progress and
stops when cancelled.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

DEFAULT_BUDGET = 256 * 1024 * 1024  # bytes of one read
VARIABLE_ITEM_BYTES = 64  # guess for vlen strings and objects
PIECE_BYTES = 16 * 1024 * 1024  # one piece of a big read (progress and cancel between pieces)

Selection = Sequence["int | slice"]


class ReadCancelled(Exception):
    """The caller set the cancel event while a read was in progress."""


@dataclass
class SliceResult:
    """What was read: the data, the selection actually used and its stride (1 = full read)."""

    data: np.ndarray
    selection: tuple
    stride: int = 1
    empty: bool = False  # a null dataspace (HDF5 H5S_NULL)

    @property
    def strided(self) -> bool:
        return self.stride > 1


def item_bytes(dtype: np.dtype) -> int:
    return VARIABLE_ITEM_BYTES if dtype.kind == "O" else max(dtype.itemsize, 1)


def normalize(selection: Selection, shape: tuple[int, ...]) -> tuple:
    """Ints stay ints (clamped into range); slices get explicit, clamped start/stop/step."""
    out = []
    for sel, n in zip(selection, shape, strict=True):
        if isinstance(sel, slice):
            start, stop, step = sel.indices(n)
            out.append(slice(start, max(start, stop), max(step, 1)))
        else:
            out.append(min(max(int(sel), 0), max(n - 1, 0)))
    return tuple(out)


def result_shape(selection: tuple) -> tuple[int, ...]:
    return tuple(len(range(s.start, s.stop, s.step)) for s in selection if isinstance(s, slice))


def selection_bytes(selection: tuple, dtype: np.dtype) -> int:
    return math.prod(result_shape(selection)) * item_bytes(dtype)


def strided(selection: tuple, dtype: np.dtype, budget: int) -> tuple[tuple, int]:
    """The selection with every slice's step multiplied so the read fits the budget."""
    nbytes = selection_bytes(selection, dtype)
    n_sliced = sum(isinstance(s, slice) and s.stop - s.start > 1 for s in selection)
    if nbytes <= budget or n_sliced == 0:
        return selection, 1
    factor = math.ceil((nbytes / budget) ** (1.0 / n_sliced))
    while True:
        out = tuple(slice(s.start, s.stop, s.step * factor) if isinstance(s, slice) else s
                    for s in selection)
        if selection_bytes(out, dtype) <= budget:
            return out, factor
        factor += 1


def read_slice(array, selection: Selection, *, budget: int = DEFAULT_BUDGET,
               allow_stride: bool = True, cancel: threading.Event | None = None,
               progress: Callable[[float], None] | None = None) -> SliceResult:
    """Read ``array[selection]``; over ``budget`` bytes, a strided preview (or an error)."""
    if array.shape is None:  # null dataspace: nothing to read
        return SliceResult(np.empty(0, dtype=array.dtype), (), empty=True)
    shape = tuple(array.shape)
    if not shape:
        return SliceResult(np.asarray(array[()]), ())
    sel = normalize(tuple(selection) + (slice(None),) * (len(shape) - len(selection)), shape)
    stride = 1
    if selection_bytes(sel, array.dtype) > budget:
        if not allow_stride:
            raise MemoryError(
                f"this selection needs {selection_bytes(sel, array.dtype) / 2**20:.0f} MiB, over "
                f"the budget of {budget / 2**20:.0f} MiB: select a smaller window")
        sel, stride = strided(sel, array.dtype, budget)
    return SliceResult(_read_in_pieces(array, sel, cancel, progress), sel, stride)


def _read_in_pieces(array, sel: tuple, cancel, progress) -> np.ndarray:
    """Read along the first sliced axis, in pieces of about PIECE_BYTES."""
    axis = next((i for i, s in enumerate(sel) if isinstance(s, slice)), None)
    total = selection_bytes(sel, array.dtype)
    if axis is None or total <= PIECE_BYTES:
        return np.asarray(array[sel])
    outer = sel[axis]
    n_outer = len(range(outer.start, outer.stop, outer.step))
    per_piece = max(1, int(n_outer * PIECE_BYTES / max(total, 1)))
    pieces = []
    for first in range(0, n_outer, per_piece):
        if cancel is not None and cancel.is_set():
            raise ReadCancelled("read cancelled")
        start = outer.start + first * outer.step
        stop = min(outer.stop, start + per_piece * outer.step)
        piece_sel = sel[:axis] + (slice(start, stop, outer.step),) + sel[axis + 1:]
        pieces.append(np.asarray(array[piece_sel]))
        if progress is not None:
            progress(min(1.0, (first + per_piece) / n_outer))
    out_axis = sum(isinstance(s, slice) for s in sel[:axis])
    return np.concatenate(pieces, axis=out_axis)
