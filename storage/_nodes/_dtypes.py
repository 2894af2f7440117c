"""Readable text for HDF5 types and filter pipelines (compound, enum, vlen, references)."""

from __future__ import annotations

import h5py
import numpy as np

# Filter ids that h5py or hdf5plugin know by name (h5py reports unknown ones by number).
FILTER_NAMES = {
    1: "gzip", 2: "shuffle", 3: "fletcher32", 4: "szip", 5: "nbit", 6: "scaleoffset",
    307: "bzip2", 32000: "lzf", 32001: "blosc", 32004: "lz4", 32008: "bitshuffle",
    32013: "zfp", 32015: "zstd", 32017: "sz", 32024: "sz3", 32026: "blosc2",
}
# Filters that only check or rearrange bytes: they do not count as compression in the summary.
_NOT_COMPRESSION = {"shuffle", "fletcher32"}


def dtype_text(dt: np.dtype) -> str:
    """``float32``, ``vlen str (utf-8)``, ``enum(uint8){A=0, B=1}``, ``compound{x: float64}``..."""
    string = h5py.check_string_dtype(dt)
    if string is not None:
        width = "vlen" if string.length is None else f"fixed[{string.length}]"
        return f"{width} str ({string.encoding})"
    ref = h5py.check_ref_dtype(dt)
    if ref is not None:
        return "region reference" if ref is h5py.RegionReference else "object reference"
    enum = h5py.check_enum_dtype(dt)
    if enum is not None:
        members = ", ".join(f"{k}={v}" for k, v in sorted(enum.items(), key=_by_value)[:8])
        more = ", ..." if len(enum) > 8 else ""
        return f"enum({dt.base.name if dt.base is not dt else dt.name}){{{members}{more}}}"
    vlen = h5py.check_vlen_dtype(dt)
    if vlen is not None:
        return f"vlen {dtype_text(np.dtype(vlen))}"
    if dt.names:
        fields = ", ".join(f"{n}: {dtype_text(dt.fields[n][0])}" for n in dt.names[:8])
        more = ", ..." if len(dt.names) > 8 else ""
        return f"compound{{{fields}{more}}}"
    if dt.subdtype is not None:
        base, shape = dt.subdtype
        return f"{dtype_text(base)}[{','.join(map(str, shape))}]"
    if dt.kind == "V":
        return f"opaque ({dt.itemsize} bytes)"
    text = dt.name if dt.isnative or dt.byteorder == "|" else dt.str
    return {"bool": "bool"}.get(text, text)


def filter_pipeline(dcpl) -> list[tuple[int, str, tuple, bool]]:
    """(id, name, client values, available here) for each filter of a dataset creation plist."""
    out = []
    for i in range(dcpl.get_nfilters()):
        code, _flags, values, raw_name = dcpl.get_filter(i)
        name = FILTER_NAMES.get(code) or (raw_name.decode(errors="replace") or f"filter {code}")
        out.append((code, name, tuple(values), bool(h5py.h5z.filter_avail(code))))
    return out


def compression_text(filters: list[tuple[int, str, tuple, bool]]) -> str:
    """``gzip 4 + shuffle``; an unavailable filter is marked with ``(missing)``."""
    parts = []
    for code, name, values, available in filters:
        label = f"{name} {values[0]}" if code == 1 and values else name
        parts.append(label if available else f"{label} (missing)")
    return " + ".join(parts)


def is_compressed(filters: list[tuple[int, str, tuple, bool]]) -> bool:
    return any(name not in _NOT_COMPRESSION for _c, name, _v, _a in filters)


def _by_value(item: tuple[str, int]) -> int:
    return item[1]
