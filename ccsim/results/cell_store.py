"""Counts per cell gathered chunk by chunk: merged as they come, kept in compact types.

A run whose rows are folded as it goes (``ccsim.results.fold``) produces the counts of
each chunk of rows with ``cell_counts``; counts are additive, so the run's counts are
the sums per cell over chunks. A long run's cells are what it reports, so they are kept
small: the keys as small integers, every whole-number counter as int32, seconds (the
counters named ``*_s``) and anything fractional as float64.
"""

from __future__ import annotations

import mmap
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ccsim.engine.compile import Compiled

KEY_TYPES = {
    "interval": np.int32,
    "call_type": np.int16,
    "tier": np.int16,
    "network": np.int16,
    "group": np.int16,
}

BLOCK_CELLS = 65_536  # cells per stored block: a merge touches only the recent blocks

Cells = dict[str, NDArray[Any]]


def compact(cells: Cells) -> Cells:
    """The same cells in compact types (values unchanged)."""
    out: Cells = {}
    for name, v in cells.items():
        if name in KEY_TYPES:
            out[name] = v.astype(KEY_TYPES[name])
        elif name.endswith("_s") or v.dtype.kind not in "fiub":
            out[name] = np.asarray(v, dtype=np.float64)
        else:
            whole = v.size == 0 or (
                bool(np.all(v == np.round(v))) and float(v.min()) >= 0 and float(v.max()) < 2**31
            )
            out[name] = v.astype(np.int32) if whole else np.asarray(v, dtype=np.float64)
    return out


class CellStore:
    """Counts per cell, merged chunk by chunk, sorted by cell.

    Blocks of at most ``BLOCK_CELLS`` cells, in key order without overlap; the cells of a
    new chunk are merged with the blocks from the first one they reach, which are the
    recent ones, since rows come in time order (apart from the answered calls whose
    caller flags waited some days).
    """

    def __init__(self, m: Compiled) -> None:
        self.sizes = [
            m.n_intervals,
            len(m.type_ids),
            len(m.tier_ids),
            len(m.network_ids),
            len(m.group_ids) + 1,
        ]
        self.blocks: list[Cells] = []
        self.last_keys: list[int] = []  # the largest key of each block

    def key(self, cells: Cells) -> NDArray[np.int64]:
        """One integer per cell, in the order of ``np.unique`` over the keys."""
        key = np.zeros(cells["interval"].size, dtype=np.int64)
        for name, s in zip(KEY_TYPES, self.sizes, strict=True):
            d = cells[name].astype(np.int64)
            key = key * s + (d + 1 if name == "group" else d)
        return key

    def add(self, cells: Cells) -> None:
        """Merge the counts of one chunk of rows (from ``cell_counts``)."""
        if cells["interval"].size == 0:
            return
        new = compact(cells)
        first = int(np.searchsorted(np.asarray(self.last_keys), int(self.key(new).min())))
        parts = [*self.blocks[first:], new]
        del self.blocks[first:], self.last_keys[first:]
        merged = self._merge(parts)
        key = self.key(merged)
        for lo in range(0, key.size, BLOCK_CELLS):
            hi = min(lo + BLOCK_CELLS, key.size)
            self.blocks.append({k: _mapped(v[lo:hi]) for k, v in merged.items()})
            self.last_keys.append(int(key[hi - 1]))

    def _merge(self, parts: list[Cells]) -> Cells:
        both = {k: np.concatenate([p[k] for p in parts]) for k in parts[-1]}
        uniq, first, inv = np.unique(self.key(both), return_index=True, return_inverse=True)
        out: Cells = {k: both[k][first] for k in KEY_TYPES}
        for k, v in both.items():
            if k not in KEY_TYPES:
                out[k] = np.bincount(inv, weights=v, minlength=uniq.size)
        return compact(out)

    def result(self) -> Cells:
        """All cells, sorted; the blocks are given up column by column as they are joined."""
        names = list(self.blocks[0]) if self.blocks else []
        out: Cells = {}
        for name in names:
            out[name] = np.concatenate([b.pop(name) for b in self.blocks])
        self.blocks, self.last_keys = [], []
        return out


def _mapped(v: NDArray[Any]) -> NDArray[Any]:
    """A copy of ``v`` in its own anonymous memory map, given back to the system when dropped.

    Blocks are replaced at every merge and joined at the end; copies from the heap would
    leave it fragmented, and the joined columns would come on top of the blocks' memory.
    """
    buf = mmap.mmap(-1, max(v.nbytes, 1))
    out: NDArray[Any] = np.frombuffer(buf, dtype=v.dtype, count=v.size)
    out[...] = v
    return out
