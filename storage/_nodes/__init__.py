"""The browser's node layer: open a source, list and describe nodes, read attributes and slices.

Qt-free; the GUI's item models and the ``loupe inspect`` command sit on it, and remote sources
(HSDS, object stores) plug in through :func:`register_opener`.
"""

from .._formats._h5open import hdf5_open_for_writing
from ._attrs import read_attributes, value_text
from ._dtypes import dtype_text
from ._h5source import H5Source, open_h5_file
from ._node import (
    BROKEN,
    DATASET,
    DATATYPE,
    EXTERNAL_LINK,
    GROUP,
    KINDS,
    SOFT_LINK,
    UNKNOWN,
    UNREADABLE,
    AttrInfo,
    NodeInfo,
    NodeKind,
    join_path,
    parent_path,
)
from ._open import open_source, register_opener
from ._pages import PAGE_SIZE, ChildPage
from ._slicing import DEFAULT_BUDGET, ReadCancelled, SliceResult, read_slice
from ._source import Source

__all__ = [
    "BROKEN", "DATASET", "DATATYPE", "DEFAULT_BUDGET", "EXTERNAL_LINK", "GROUP", "KINDS",
    "PAGE_SIZE", "SOFT_LINK", "UNKNOWN", "UNREADABLE", "AttrInfo", "ChildPage", "H5Source",
    "NodeInfo", "NodeKind", "ReadCancelled", "SliceResult", "Source", "dtype_text",
    "hdf5_open_for_writing", "join_path",
    "open_h5_file", "open_source", "parent_path", "read_attributes", "read_slice",
    "register_opener", "value_text",
]
