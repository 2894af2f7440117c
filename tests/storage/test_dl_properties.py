"""Property tests: nested documents of every supported type round-trip exactly in every format."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path, PurePosixPath

import ml_dtypes
import numpy as np
from dl_compare import FORMATS, assert_same
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from storage import DLFriendlyStorage

DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float16", "float32", "float64", "complex64", "complex128"]


@st.composite
def arrays(draw: st.DrawFn) -> np.ndarray:
    dtype = np.dtype(draw(st.sampled_from(DTYPES)))
    if draw(st.booleans()) and dtype.itemsize > 1:
        dtype = dtype.newbyteorder(">")
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=6))
    arr = draw(hnp.arrays(dtype, shape))
    if arr.ndim > 1 and draw(st.booleans()):
        arr = np.asfortranarray(arr)
    return arr


@st.composite
def bfloat16_arrays(draw: st.DrawFn) -> np.ndarray:
    values = draw(st.lists(st.floats(width=32), max_size=300))
    return np.array(values, dtype=np.float32).astype(ml_dtypes.bfloat16)


numpy_scalars = st.one_of(
    hnp.from_dtype(np.dtype(d)).map(lambda x, d=d: np.dtype(d).type(x)) for d in DTYPES)
timezones = st.integers(-23 * 60, 23 * 60).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))
hashables = st.one_of(st.integers(-(2**70), 2**70), st.text(max_size=8), st.booleans())

leaves = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(),
    st.text(alphabet=st.characters(codec=None), max_size=20),
    st.binary(max_size=2000), st.complex_numbers(), numpy_scalars, arrays(), bfloat16_arrays(),
    st.datetimes(), st.datetimes(timezones=timezones), st.dates(), st.times(), st.timedeltas(),
    st.text(min_size=1, max_size=10).map(lambda s: Path(s)),
    st.text(min_size=1, max_size=10).map(lambda s: PurePosixPath(s)).map(Path),
    st.frozensets(hashables, max_size=4), st.sets(hashables, max_size=4),
)

documents = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.lists(children, max_size=3).map(tuple),
        st.dictionaries(st.text(max_size=6) | st.sampled_from(["__type__", "a/b", ".", ""]),
                        children, max_size=4),
        st.dictionaries(st.integers(-5, 5), children, max_size=3),
        st.lists(children, max_size=3).map(lambda xs: _object_array(xs)),
    ),
    max_leaves=12,
)


def _object_array(items: list) -> np.ndarray:
    out = np.empty(len(items), dtype=object)
    for i, x in enumerate(items):
        out[i] = x
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.data_too_large])
@given(doc=documents, inline=st.sampled_from([0, 4, 256]))
def test_round_trip_every_format(doc: object, inline: int) -> None:
    storage = DLFriendlyStorage(array_inline_max=inline, compression_level=1)
    with tempfile.TemporaryDirectory() as folder:
        for fmt in FORMATS:
            path = storage.save_to_file(doc, Path(folder) / fmt, format=fmt)
            assert_same(doc, storage.load_from_file(path, trusted=True), f"{fmt}:data")


@settings(max_examples=40, deadline=None)
@given(doc=documents)
def test_encode_decode_in_memory(doc: object) -> None:
    storage = DLFriendlyStorage(array_inline_max=8)
    assert_same(doc, storage.decode(storage.encode(doc)))
