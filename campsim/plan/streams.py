"""Named random streams: replication i's stream NAME is SeedSequence(seed, spawn_key=(i, crc32(NAME)))."""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, replication: int, name: str) -> np.random.Generator:
    """The named random stream of one replication."""
    seq = np.random.SeedSequence(seed, spawn_key=(replication, zlib.crc32(name.encode())))
    return np.random.Generator(np.random.PCG64(seq))
