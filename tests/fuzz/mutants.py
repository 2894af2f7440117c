"""Deterministic mutants of a file: byte flips, truncations and zeroed blocks, from a fixed seed.

A mutant is named by its source file, its number and what was done where, so a failure names
the exact bytes to reproduce it with (:func:`make_mutant` rebuilds it from the name's parts).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

SEED = 13  # changing it changes every mutant: keep it, so a reported failure can be rebuilt
HEAD = 4096  # most HDF5 metadata of a small file (superblock, root group, heaps) is here
KINDS = ("flip", "flip-head", "truncate", "zero")


@dataclass(frozen=True)
class Mutant:
    source: str  # file name of the original
    number: int
    kind: str
    offset: int
    length: int  # bytes flipped, kept (truncate) or zeroed
    path: Path

    @property
    def label(self) -> str:
        return (f"{self.source} #{self.number} {self.kind} at {self.offset} "
                f"(length {self.length}, seed {SEED})")


def mutate(data: bytes, kind: str, rng: random.Random) -> tuple[bytes, int, int]:
    """``data`` changed one way; returns the new bytes, the offset and the length touched."""
    out = bytearray(data)
    size = len(out)
    if kind in ("flip", "flip-head"):
        span = min(size, HEAD) if kind == "flip-head" else size
        offset = rng.randrange(span)
        count = rng.randint(1, 4)
        for i in range(count):  # a few neighbouring bytes, each with one bit flipped
            at = min(size - 1, offset + rng.randrange(16) * (i > 0))
            out[at] ^= 1 << rng.randrange(8)
        return bytes(out), offset, count
    if kind == "truncate":
        keep = rng.randrange(size)
        return bytes(out[:keep]), keep, keep
    offset = rng.randrange(min(size, HEAD) if rng.random() < 0.7 else size)
    length = min(size - offset, rng.choice((8, 64, 512)))
    out[offset:offset + length] = bytes(length)
    return bytes(out), offset, length


def make_mutants(original: Path, count: int, folder: Path) -> list[Mutant]:
    """``count`` mutants of ``original`` written into ``folder``, the same ones every run."""
    data = original.read_bytes()
    if not data:
        return []
    out = []
    for number in range(count):
        rng = random.Random(f"{SEED}:{original.name}:{number}")
        kind = KINDS[number % len(KINDS)]
        mutated, offset, length = mutate(data, kind, rng)
        # the original's name stays in the mutant's name: external links and suffixes still work
        path = folder / f"m{number:04d}_{kind}_{original.name}"
        path.write_bytes(mutated)
        out.append(Mutant(original.name, number, kind, offset, length, path))
    return out
