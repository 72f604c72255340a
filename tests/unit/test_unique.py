import numpy as np
import pytest

from ccsim.results.unique import unique_ints


@pytest.mark.parametrize("bound", [1, 50, 10_000, 1 << 40])  # dense, and np.unique beyond
@pytest.mark.parametrize("n", [0, 1, 1000])
def test_unique_ints_matches_np_unique(bound, n):
    key = np.random.default_rng(n + bound % 97).integers(0, bound, n).astype(np.int64)
    u = unique_ints(key, bound)
    assert np.array_equal(u, np.unique(key)) and u.dtype == np.unique(key).dtype
    got = unique_ints(key, bound, inverse=True, counts=True)
    want = np.unique(key, return_inverse=True, return_counts=True)
    for g, w in zip(got, want, strict=True):
        assert np.array_equal(g, w) and g.dtype == w.dtype
    _, inv = unique_ints(key, bound, inverse=True)
    assert np.array_equal(inv, want[1])
