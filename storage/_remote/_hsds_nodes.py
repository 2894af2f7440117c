"""Node details for h5pyd objects, which look like h5py's but are not its classes.

The local node layer asks ``isinstance(obj, h5py.Group)`` and reads attributes through h5py's
low-level ids; h5pyd has neither, so HSDS sources describe objects here, with the same records
(:class:`NodeInfo`, :class:`AttrInfo`) and the same text helpers.
"""

from __future__ import annotations

from .._nodes._attrs import value_text
from .._nodes._dtypes import dtype_text
from .._nodes._listing import describe_member, fill_common
from .._nodes._node import (
    BROKEN,
    DATASET,
    DATATYPE,
    EXTERNAL_LINK,
    GROUP,
    SOFT_LINK,
    UNREADABLE,
    AttrInfo,
    NodeInfo,
    join_path,
)
from .._nodes._properties import dataset_properties


def kind_of(obj) -> str:
    """``group``, ``dataset`` or ``datatype`` for an h5pyd (or h5py) object, by its API."""
    import h5py

    name = type(obj).__name__
    if isinstance(obj, h5py.Group) or name in ("Group", "File"):
        return GROUP
    if isinstance(obj, h5py.Dataset) or name in ("Dataset", "Table"):
        return DATASET
    return DATATYPE


def describe_one(group, parent: str, name: str) -> NodeInfo:
    """Full details of one member of an h5pyd group (two or three requests)."""
    return describe_member(group, parent, name, _unresolved, fill_object)


def _unresolved(node: NodeInfo, exc: Exception) -> NodeInfo:
    if node.kind in (SOFT_LINK, EXTERNAL_LINK):
        node.kind, node.error = BROKEN, f"link target {node.link_target} cannot be opened"
    else:
        node.kind, node.error = UNREADABLE, f"cannot open: {exc}"
    return node


_FILTER_NAMES = {"H5Z_FILTER_DEFLATE": "gzip", "H5Z_FILTER_SHUFFLE": "shuffle",
                 "H5Z_FILTER_FLETCHER32": "fletcher32", "H5Z_FILTER_SZIP": "szip",
                 "H5Z_FILTER_NBIT": "nbit", "H5Z_FILTER_SCALEOFFSET": "scaleoffset",
                 "H5Z_FILTER_LZF": "lzf"}


def describe_by_id(group, parent: str, name: str, link: dict | None) -> NodeInfo | None:
    """Details of a hard-linked member from one request for its object, by the id the link
    list gave; None when that is not possible (soft or external link, unknown answer)."""
    if not link or link.get("class") != "H5L_TYPE_HARD" or not link.get("id"):
        return None
    collection = link.get("collection")
    if collection not in ("groups", "datasets"):
        return None
    try:
        from h5pyd._hl.h5type import createDataType

        rsp = group.id.http_conn.GET(f"/{collection}/{link['id']}")
        if rsp.status_code != 200:
            return None  # the h5pyd way then says what is wrong
        doc = rsp.json()
        node = NodeInfo(join_path(parent, name), name, detailed=True,
                        n_attrs=doc.get("attributeCount"))
        if collection == "groups":
            node.kind, node.n_children = GROUP, doc.get("linkCount")
            return node
        node.kind = DATASET
        shape = doc.get("shape", {})
        node.shape = None if shape.get("class") == "H5S_NULL" else \
            () if shape.get("class") == "H5S_SCALAR" else tuple(shape.get("dims", ()))
        dtype = createDataType(doc["type"])
    except Exception:  # anything unexpected: describe it the slow, thorough way
        return None
    node.dtype = dtype_text(dtype)
    node.extra["dtype_kind"] = dtype.kind
    node.extra["fields"] = tuple(dtype.names or ())
    props = doc.get("creationProperties", {})
    node.extra["layout"] = "chunked" if "CHUNK" in str(props.get("layout", {}).get("class")) \
        else "contiguous"
    filters = [_FILTER_NAMES.get(f.get("class"), str(f.get("name", f.get("class", "?"))))
               for f in props.get("filters", [])]
    node.compression = ", ".join(filters)
    return node


def fill_object(node: NodeInfo, obj) -> None:
    """Kind, shape, type, chunks and compression of an open h5pyd object."""
    fill_common(node, obj, kind_of(obj), _fill_dataset)


def _fill_dataset(node: NodeInfo, obj) -> None:
    node.shape = obj.shape
    node.dtype = dtype_text(obj.dtype)
    # the same hints the local layer gives, so viewers pick their view without a read
    node.extra["dtype_kind"] = obj.dtype.kind
    node.extra["fields"] = tuple(obj.dtype.names or ())
    node.compression = str(obj.compression or "")
    node.extra["layout"] = "chunked" if obj.chunks else "contiguous"


def attributes(obj) -> list[AttrInfo]:
    """Every attribute of an h5pyd object; a broken one becomes a row with ``error``."""
    try:
        names = list(obj.attrs.keys())
    except Exception as exc:
        return [AttrInfo("(attributes)", "", None, "", error=f"cannot list attributes: {exc}")]
    out = []
    for name in names:
        try:
            value = obj.attrs[name]
        except Exception as exc:
            out.append(AttrInfo(name, "", None, "", error=f"unreadable: {exc}"))
            continue
        dtype = getattr(value, "dtype", None)
        shape = getattr(value, "shape", None)
        text = value_text(value, None, dtype)
        out.append(AttrInfo(name, dtype_text(dtype) if dtype is not None else
                            type(value).__name__, shape, text, value=value))
    return out


def properties(obj, path: str) -> list[tuple[str, str]]:
    """Rows for the properties panel (what HSDS tells without reading data)."""
    rows = [("Path", path)]
    kind = kind_of(obj)
    if kind == DATASET:
        rows += dataset_properties(obj)  # stops before h5py-only layout details
        rows.append(("Chunks", " \u00d7 ".join(map(str, obj.chunks)) if obj.chunks else "-"))
        rows.append(("Compression", str(obj.compression or "none")))
        rows.append(("Object id", str(getattr(obj.id, "uuid", ""))))
    elif kind == GROUP:
        rows += [("Kind", "group"), ("Members", str(len(obj)))]
    else:
        rows += [("Kind", "named datatype"), ("Type", dtype_text(obj.dtype))]
    rows.append(("Attributes", str(len(obj.attrs))))
    return rows


__all__ = ["DATASET", "GROUP", "attributes", "describe_by_id", "describe_one", "fill_object",
           "kind_of", "properties"]
