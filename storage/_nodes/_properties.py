"""Properties of one object as (name, value) text rows: shape, type, chunks, filters, sizes."""

from __future__ import annotations

import math

import h5py
import numpy as np

from .._units import human_bytes
from ._attrs import value_text
from ._dtypes import dtype_text, filter_pipeline
from ._listing import _LAYOUTS

Rows = list[tuple[str, str]]


def object_properties(obj, path: str) -> Rows:
    """Rows for a group, dataset or named datatype opened through h5py (or h5pyd)."""
    rows: Rows = [("Path", path)]
    if isinstance(obj, h5py.Dataset):
        rows += dataset_properties(obj)
    elif isinstance(obj, h5py.Group):
        rows += [("Kind", "group"), ("Members", str(len(obj)))]
    else:
        rows += [("Kind", "named datatype"), ("Type", dtype_text(obj.dtype))]
    rows.append(("Attributes", str(len(obj.attrs))))
    return rows


def dataset_properties(dset) -> Rows:
    dtype = dset.dtype
    rows: Rows = [("Kind", "dataset"), ("Shape", _shape(dset.shape)),
                  ("Max shape", _shape(dset.maxshape) if dset.shape else "-"),
                  ("Type", dtype_text(dtype)), ("Item size", f"{dtype.itemsize} bytes")]
    rows += type_details(dtype)
    dsid = getattr(dset, "id", None)
    if dsid is None or not hasattr(dsid, "get_create_plist"):
        return rows
    dcpl = dsid.get_create_plist()
    rows.append(("Layout", _LAYOUTS.get(dcpl.get_layout(), "other")))
    rows.append(("Chunks", _shape(dset.chunks) if dset.chunks else "-"))
    for code, name, values, ok in filter_pipeline(dcpl):
        state = "available" if ok else "NOT AVAILABLE (install hdf5plugin or the filter)"
        rows.append((f"Filter {code}", f"{name} {list(values)} - {state}"))
    rows.append(("Fill value", _fill_value(dset)))
    rows += _storage_rows(dset, dsid)
    rows += _external_rows(dcpl)
    return rows


def type_details(dtype: np.dtype) -> Rows:
    """Compound members, enum values and vlen base of a type."""
    rows: Rows = []
    if dtype.names:
        for name in dtype.names:
            sub, offset = dtype.fields[name][:2]
            rows.append((f"Member {name}", f"{dtype_text(sub)} at offset {offset}"))
    enum = h5py.check_enum_dtype(dtype)
    if enum is not None:
        rows += [(f"Enum {k}", str(v)) for k, v in enum.items()]
    vlen = h5py.check_vlen_dtype(dtype)
    if vlen is not None and h5py.check_string_dtype(dtype) is None:
        rows.append(("Variable length of", dtype_text(np.dtype(vlen))))
    return rows


def _shape(shape) -> str:
    if shape is None:
        return "null dataspace (empty)"
    if shape == ():
        return "scalar"
    return " \u00d7 ".join("unlimited" if n is None else str(n) for n in shape)


def _fill_value(dset) -> str:
    try:
        return value_text(dset.fillvalue, dset, dset.dtype)
    except Exception as exc:
        return f"(unreadable: {exc})"


def _storage_rows(dset, dsid) -> Rows:
    stored = dsid.get_storage_size()
    logical = math.prod(dset.shape or ()) * dset.dtype.itemsize if dset.shape is not None else 0
    rows = [("Storage size", human_bytes(stored)), ("Logical size", human_bytes(logical))]
    if stored and logical and h5py.check_vlen_dtype(dset.dtype) is None:
        rows.append(("Compression ratio", f"{logical / stored:.2f}"))
    return rows


def _external_rows(dcpl) -> Rows:
    rows = [(f"External file {i}", dcpl.get_external(i)[0].decode(errors="replace"))
            for i in range(dcpl.get_external_count())]
    if dcpl.get_layout() == getattr(h5py.h5d, "VIRTUAL", -1):
        rows += [(f"Virtual source {i}",
                  f"{dcpl.get_virtual_filename(i)}:{dcpl.get_virtual_dsetname(i)}")
                 for i in range(dcpl.get_virtual_count())]
    return rows

