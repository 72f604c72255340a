"""``np.unique`` of small non-negative integer keys, by counting instead of hashing or sorting.

The keys of a replication's reductions (cells, callers per call type, callers per block)
are integers below a known bound that is rarely much larger than their number: a count
per possible key finds the same sorted unique keys, inverse and counts in linear time.
Far larger bounds fall back to ``np.unique``. Numpy only.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

_DENSE_MIN = 1 << 20  # a count per possible key is cheap below this many keys


def unique_ints(
    key: NDArray[np.int64], bound: int, inverse: bool = False, counts: bool = False
) -> Any:
    """``np.unique(key, return_inverse=inverse, return_counts=counts)`` for ``0 <= key < bound``.

    Returns the sorted unique keys alone, or a tuple with the inverse and/or counts
    after them, as ``np.unique`` does.
    """
    if bound > max(16 * key.size, _DENSE_MIN):
        return np.unique(key, return_inverse=inverse, return_counts=counts)  # type: ignore[call-overload]
    n = np.bincount(key, minlength=bound)
    present = n > 0
    uniq = np.flatnonzero(present)
    if not inverse and not counts:
        return uniq
    out: list[NDArray[np.intp]] = [uniq]
    if inverse:
        out.append((np.cumsum(present) - 1)[key])
    if counts:
        out.append(n[uniq])
    return tuple(out)
