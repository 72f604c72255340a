"""Named random streams: one independent generator per source of randomness.

A stream is identified by (seed, replication, name). Its draws do not depend on what
other streams exist or how often they are used, so adding a call type leaves the
draws of the others unchanged, and two scenarios compared with the same seed share
their callers (common random numbers).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator

import numpy as np
from numpy.typing import NDArray

Sampler = Callable[[np.random.Generator, int], NDArray[np.float64]]
#: draws of one stream handed out one by one: ``x()`` is the next draw
Buffered = Callable[[], float]

_BLOCK = 1024


def _name_key(name: str) -> tuple[int, ...]:
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))


def generator(seed: int, replication: int, name: str) -> np.random.Generator:
    """The generator of stream ``name`` in replication ``replication`` of ``seed``."""
    ss = np.random.SeedSequence(entropy=seed, spawn_key=(replication, *_name_key(name)))
    return np.random.Generator(np.random.PCG64(ss))


class Streams:
    """The streams of one replication, created on first use."""

    def __init__(self, seed: int, replication: int) -> None:
        self.seed = seed
        self.replication = replication
        self._gens: dict[str, np.random.Generator] = {}

    def rng(self, name: str) -> np.random.Generator:
        """The generator named ``name``."""
        g = self._gens.get(name)
        if g is None:
            g = self._gens[name] = generator(self.seed, self.replication, name)
        return g

    def buffered(self, name: str, sampler: Sampler, block: int = _BLOCK) -> Buffered:
        """Draws of ``sampler`` from stream ``name``, one at a time, drawn in blocks."""
        return buffered(self.rng(name), sampler, block)


def buffered(rng: np.random.Generator, sampler: Sampler, block: int = _BLOCK) -> Buffered:
    """Draws of ``sampler`` from ``rng``, one per call, drawn vectorized ``block`` at a time.

    A block is drawn when the draw that needs it is asked for (as a draw at a time
    would be). The callable is a generator's ``__next__``: the cheapest call Python
    has for the event loop's one draw at a time.
    """
    return _blocks(rng, sampler, block).__next__


def _blocks(rng: np.random.Generator, sampler: Sampler, block: int) -> Iterator[float]:
    while True:
        yield from sampler(rng, block).tolist()


def uniform(rng: np.random.Generator, n: int) -> NDArray[np.float64]:
    """Sampler of uniform draws on [0, 1), for ``Streams.buffered``."""
    return rng.random(n)
