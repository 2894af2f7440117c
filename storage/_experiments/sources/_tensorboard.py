"""TensorBoard log directories: one run per folder holding ``events.out.tfevents.*`` files.

Scalars (``simple_value`` and the scalars plugin's tensors) become the run's series; the HParams
plugin's session start info becomes its config; the last value of each tag is metadata. Events
are decoded with TensorBoard's own protos (the ``tensorboard`` package, extra
``loupe-lab[tensorboard]``); records are framed and checked here so that image, histogram and
audio summaries are skipped after a look at their plugin name, never decoded into arrays (what
TensorBoard's EventAccumulator does, its issue #6076). CRCs use ``google_crc32c`` when present.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import struct
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..._atomic import atomic_write_bytes
from ..._errors import CorruptFileError, MissingDependencyError
from .._nal import RunRecord, run_document
from ._base import FolderSource, ParsedCache, Unit, files_signature, relative_key, walk

EVENTS_GLOB = "events.out.tfevents.*"
X_KEYS = ("step", "wall_time")


def _protos() -> tuple[Any, Any]:
    try:
        from tensorboard.compat.proto import event_pb2
        from tensorboard.plugins.hparams import plugin_data_pb2
    except ImportError as exc:
        raise MissingDependencyError(
            "reading TensorBoard logs needs the tensorboard package: "
            "pip install 'loupe-lab[tensorboard]'") from exc
    return event_pb2, plugin_data_pb2


def _crc() -> Any:
    try:
        import google_crc32c

        return google_crc32c.value
    except ImportError:  # TensorBoard's pure-Python CRC: correct, slower
        from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import crc32c

        return crc32c


# torch's SummaryWriter.add_hparams() writes into a subfolder named str(time.time()): its event
# files belong to the run of the folder above.
_HPARAMS_DIR = re.compile(r"^\d{9,}\.\d+$")


def event_files(folder: Path) -> list[Path]:
    """The run's event files: its own and those of add_hparams() subfolders."""
    own = sorted(p for p in folder.glob(EVENTS_GLOB) if p.is_file())
    try:
        subs = sorted(p for p in folder.iterdir() if _HPARAMS_DIR.match(p.name) and p.is_dir())
    except OSError:
        subs = []
    return own + [p for sub in subs for p in sorted(sub.glob(EVENTS_GLOB)) if p.is_file()]


_HEADER = struct.Struct("<QI")
_U32 = struct.Struct("<I")


def records(path: Path) -> Iterator[bytes]:
    """The serialized events of one file; a record cut short (still being written) ends it."""
    crc = _crc()
    with open(path, "rb") as f:
        data = f.read()
    pos, end = 0, len(data)
    while pos + 12 <= end:
        length, head_crc = _HEADER.unpack_from(data, pos)
        c = crc(data[pos:pos + 8])
        if ((((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF) != head_crc:
            raise CorruptFileError(f"{path.name}: damaged event record at byte {pos}", path=path)
        start, stop = pos + 12, pos + 12 + length
        if stop + 4 > end:
            return  # a writer is appending: the rest comes with the next refresh
        payload = data[start:stop]
        c = crc(payload)
        if ((((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF) != _U32.unpack_from(data,
                                                                                     stop)[0]:
            raise CorruptFileError(f"{path.name}: damaged event record at byte {pos}", path=path)
        yield payload
        pos = stop + 4


class RunScalars:
    """Everything Loupe keeps of one run folder: scalars per tag, and hyperparameters."""

    def __init__(self) -> None:
        self.steps: dict[str, list[int]] = {}
        self.times: dict[str, list[float]] = {}
        self.values: dict[str, list[float]] = {}
        self.hparams: dict[str, Any] = {}

    def lists(self, tag: str) -> tuple[list, list, list]:
        """The step, wall time and value lists of a tag (appended to directly when reading)."""
        return (self.steps.setdefault(tag, []), self.times.setdefault(tag, []),
                self.values.setdefault(tag, []))

    def add(self, tag: str, step: int, wall_time: float, value: float) -> None:
        self.steps.setdefault(tag, []).append(step)
        self.times.setdefault(tag, []).append(wall_time)
        self.values.setdefault(tag, []).append(value)


def read_folder(folder: Path) -> RunScalars:
    """Scalars and hparams of the run in ``folder`` (see :func:`event_files`)."""
    event_pb2, plugin_data_pb2 = _protos()
    out = RunScalars()
    event = event_pb2.Event()
    tags: dict[bytes, tuple[list, list, list]] = {}
    for path in event_files(folder):
        for raw in records(path):
            fast = _fast_scalar(raw)
            if fast is not None:  # the common case: one simple_value, decoded from the bytes
                lists = tags.get(fast[0])
                if lists is None:
                    lists = tags[fast[0]] = out.lists(fast[0].decode("utf-8", "replace"))
                lists[0].append(fast[1])
                lists[1].append(fast[2])
                lists[2].append(fast[3])
                continue
            event.ParseFromString(raw)
            if not event.HasField("summary"):
                continue
            for value in event.summary.value:
                kind = value.WhichOneof("value")
                if kind == "simple_value":
                    out.add(value.tag, event.step, event.wall_time, value.simple_value)
                    continue
                plugin = value.metadata.plugin_data.plugin_name
                if plugin == "scalars" and kind == "tensor":
                    out.add(value.tag, event.step, event.wall_time, _tensor_scalar(value.tensor))
                elif plugin == "hparams":
                    out.hparams.update(_hparams(plugin_data_pb2,
                                                value.metadata.plugin_data.content))
                # images, histograms, audio, text: skipped without decoding their payload
    return out


_F64 = struct.Struct("<d")
_F32 = struct.Struct("<f")


def _fast_scalar(p: bytes) -> tuple[bytes, int, float, float] | None:
    """``(tag, step, wall_time, value)`` of an Event holding exactly one ``simple_value``
    (what ``SummaryWriter.add_scalar`` writes), read straight from its protobuf bytes; None for
    anything else (decoded by the protos instead). Fields left at their default (step 0,
    value 0.0) are absent from the bytes, as protobuf does."""
    end = len(p)
    if end < 12 or p[0] != 0x09:
        return None
    wall = _F64.unpack_from(p, 1)[0]
    i, step = 9, 0
    if p[i] == 0x10:
        i, shift = 10, 0
        while True:
            b = p[i]
            i += 1
            step |= (b & 0x7F) << shift
            if b < 0x80:
                break
            shift += 7
            if shift > 56 or i >= end:
                return None
    if i + 4 > end or p[i] != 0x2A or p[i + 1] >= 0x80 or i + 2 + p[i + 1] != end:
        return None
    i += 2
    if p[i] != 0x0A or p[i + 1] >= 0x80 or i + 2 + p[i + 1] != end:
        return None
    i += 2
    if p[i] != 0x0A or p[i + 1] >= 0x80:
        return None
    j = i + 2 + p[i + 1]
    tag = p[i + 2:j]
    if j == end:
        return tag, step, wall, 0.0
    if j + 5 != end or p[j] != 0x15:
        return None
    return tag, step, wall, _F32.unpack_from(p, j + 1)[0]


_CACHE = ParsedCache()


def cache_dir() -> Path:
    """Where scalars read once are kept for the plots (never beside the logs):
    ``$LOUPE_CACHE_DIR/tensorboard`` or the user's cache folder."""
    env = os.environ.get("LOUPE_CACHE_DIR")
    if env:
        return Path(env) / "tensorboard"
    import platformdirs

    return Path(platformdirs.user_cache_dir("loupe")) / "tensorboard"


def _cached(folder: Path) -> RunScalars:
    """A run folder read once per version of its event files: from memory, else from the
    cache file written when it was indexed, else from the event files (then cached)."""
    sig = files_signature(event_files(folder))
    return _CACHE.get(str(folder), sig, lambda: _load_or_read(folder, sig))


def _cache_file(folder: Path) -> Path:
    return cache_dir() / f"{hashlib.sha1(str(folder.resolve()).encode()).hexdigest()}.npz"


def _load_or_read(folder: Path, sig: str) -> RunScalars:
    path = _cache_file(folder)
    try:
        with np.load(path, allow_pickle=False) as npz:
            if str(npz["sig"]) == sig:
                run = RunScalars()
                run.hparams = json.loads(str(npz["hparams"]))
                for i, tag in enumerate(json.loads(str(npz["tags"]))):
                    run.steps[tag] = npz[f"step{i}"]
                    run.times[tag] = npz[f"time{i}"]
                    run.values[tag] = npz[f"value{i}"]
                return run
    except (OSError, KeyError, ValueError):
        pass  # no cache yet, or an old one
    run = read_folder(folder)
    arrays = {"sig": np.array(sig), "hparams": np.array(json.dumps(run.hparams, default=str)),
              "tags": np.array(json.dumps(list(run.values)))}
    for i, tag in enumerate(run.values):  # arrays, not lists, stay in the memory cache
        run.steps[tag] = arrays[f"step{i}"] = np.asarray(run.steps[tag], "i8")
        run.times[tag] = arrays[f"time{i}"] = np.asarray(run.times[tag], "f8")
        run.values[tag] = arrays[f"value{i}"] = np.asarray(run.values[tag], "f8")
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, buffer.getvalue())
    except OSError:
        pass  # a read-only cache folder costs speed only
    return run


def _tensor_scalar(tensor: Any) -> float:
    for field in ("float_val", "double_val", "int_val", "int64_val"):
        values = getattr(tensor, field)
        if len(values):
            return float(values[0])
    if tensor.tensor_content:
        dtype = {1: "<f4", 2: "<f8", 3: "<i4", 9: "<i8"}.get(tensor.dtype, "<f4")
        return float(np.frombuffer(tensor.tensor_content, dtype=dtype)[0])
    return float("nan")


def _hparams(plugin_data_pb2: Any, content: bytes) -> dict[str, Any]:
    data = plugin_data_pb2.HParamsPluginData()
    data.ParseFromString(content)
    if not data.HasField("session_start_info"):
        return {}
    out: dict[str, Any] = {}
    for name, value in data.session_start_info.hparams.items():
        kind = value.WhichOneof("kind")
        out[name] = getattr(value, kind) if kind in ("number_value", "string_value",
                                                      "bool_value") else None
    return {k: v for k, v in out.items() if v is not None}


class TensorBoardSource(FolderSource):
    """Every folder below ``root`` that holds event files is one run."""

    kind = "tensorboard"
    title = "TensorBoard logs"  # for messages
    looks_for = "events.out.tfevents.* files"

    @classmethod
    def run_folders(cls, root: Path, first_only: bool = False,
                    max_depth: int = 64) -> list[Path]:
        """Folders below ``root`` holding event files."""
        files = walk(root, lambda name: name.startswith("events.out.tfevents."), first_only,
                     max_depth)
        folders = {f.parent for f in files}
        return sorted(f for f in folders if not (_HPARAMS_DIR.match(f.name)
                                                 and f.parent in folders))

    @classmethod
    def detect(cls, root: Path) -> TensorBoardSource | None:
        """Cheap: stops at the first event file, at most 6 folders deep."""
        return cls(root) if cls.run_folders(root, first_only=True, max_depth=6) else None

    def units(self) -> list[Unit]:
        return [Unit(relative_key(self.root, f), f, files_signature(event_files(f)))
                for f in self.run_folders(self.root)]

    def records(self, unit: Unit) -> list[RunRecord]:
        run = _cached(unit.path)
        if not run.values and not run.hparams:
            return []
        run_id = f"tb:{unit.key}"
        meta: dict[str, Any] = {"experiment_id": run_id, "kind": "run", "source": self.kind,
                                "run_name": unit.key, "logdir": str(self.root),
                                "series": f"{self.kind}:{unit.path}", "timeseries_path": "",
                                "result_path": ""}
        meta.update({k: v for k, v in run.hparams.items() if isinstance(v, str | int | float)})
        for tag, values in run.values.items():
            meta[tag] = float(values[-1])
        steps = [int(s[-1]) for s in run.steps.values() if len(s)]
        meta["steps"] = max(steps) if steps else 0
        meta["status"] = "done"
        meta.setdefault("architecture", str(run.hparams.get("model", "unknown")))
        hyp = {"hypothesis": None}
        doc = run_document(meta, hyp, f"TensorBoard run {unit.key}; scalars: "
                           + ", ".join(sorted(run.values)[:20]), {})
        return [RunRecord(run_id, "", meta, doc)]

    # -- series, by locator --------------------------------------------------------------------
    @staticmethod
    def series_metrics(target: str) -> list[str]:
        return sorted(_cached(Path(target)).values)

    @staticmethod
    def read_series(target: str, metrics: Sequence[str] | None) -> dict[str, np.ndarray]:
        """``metric`` arrays and, from the first one asked for, its ``step`` and ``wall_time``."""
        run = _cached(Path(target))
        names = [m for m in (metrics if metrics is not None else sorted(run.values))
                 if m in run.values]
        out: dict[str, np.ndarray] = {m: np.asarray(run.values[m], dtype="f8") for m in names}
        if names:
            out["step"] = np.asarray(run.steps[names[0]], dtype="i8")
            out["wall_time"] = np.asarray(run.times[names[0]], dtype="f8")
        return out
