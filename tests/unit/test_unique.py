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


def test_caller_bits_over_slices_count_the_callers_of_all_rows():
    # rows handed over in slices, as a folded run does: each slice's callers are mostly its
    # own, with repeat calls of far earlier callers; one slice beyond the dense range
    from ccsim.engine.compile import compile_scenario
    from ccsim.results.callers import CallerBits, callers_per_type
    from ccsim.scenario import parse_scenario
    from tests.helpers.scen import base, const

    types = [{"id": t, "arrivals": {"rate_per_h": 1}, "handle_time": const(1)} for t in "abc"]
    groups = [{"id": "g", "skills": ["a", "b", "c"], "agents": 1}]
    sc = parse_scenario(base(call_types=types, centers=[{"id": "c", "groups": groups}]))
    m = compile_scenario(sc)
    rng = np.random.default_rng(3)
    slices = []
    for first, n in ((1, 500), (400, 500), (900, 500), (5_000_000, 300)):
        caller = first + rng.integers(0, n, n)
        caller[: n // 10] = rng.integers(1, first + 1, n // 10)  # repeat calls of earlier callers
        slices.append(
            {
                "caller": caller.astype(np.int64),
                "call_type": rng.integers(0, 3, n).astype(np.int16),
                "requests": rng.random(n) < 0.9,
                "answered": rng.random(n) < 0.7,
                "keep": rng.random(n) < 0.95,
            }
        )
    bits = CallerBits(m)
    for s in slices:
        bits.add(s, s["requests"], s["answered"], s["keep"])
    every = {k: np.concatenate([s[k] for s in slices]) for k in slices[0]}
    want = callers_per_type(m, every, every["requests"], every["answered"], every["keep"])
    got = bits.result()
    for name in ("callers", "callers_answered", "callers_lost"):
        assert np.array_equal(got[name], want[name]), name
    # and by sets, independently of both
    for name, mask in (("callers", every["requests"]), ("callers_answered", every["answered"])):
        sel = mask & every["keep"]
        pairs = set(
            zip(every["caller"][sel].tolist(), every["call_type"][sel].tolist(), strict=True)
        )
        assert got[name].tolist() == [sum(t == k for _, t in pairs) for k in range(3)]
