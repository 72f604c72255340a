import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ccsim.analytics import (
    Targets,
    erlang_a_metrics,
    erlang_b,
    erlang_c,
    erlang_c_metrics,
    meets,
    queue_metrics,
    required_agents,
)

loads = st.floats(min_value=0.05, max_value=400.0)
ahts = st.floats(min_value=10.0, max_value=900.0)
patiences = st.floats(min_value=5.0, max_value=3600.0)
thresholds = st.floats(min_value=0.0, max_value=120.0)


@given(loads, ahts, patiences, thresholds)
@settings(max_examples=60, deadline=None)
def test_measures_are_monotone_in_agents(a, aht, patience, t):
    n = np.arange(0, int(a) + 60, dtype=float)
    c = erlang_c_metrics(n, a, aht, t)
    e = erlang_a_metrics(n, a, aht, patience, t)
    eps = 1e-12
    assert np.all(np.diff(c.p_wait) <= eps)
    assert np.all(np.diff(c.service_level) >= -eps)
    assert np.all(np.diff(e.p_wait) <= eps)
    assert np.all(np.diff(e.p_abandon) <= eps)
    for f in ("offered", "answered", "excl_short_abandons", "abandons_within_met"):
        assert np.all(np.diff(e.service_level_as(f)) >= -1e-9), f
    asa = np.asarray(e.asa_s)[1:]
    assert np.all(np.diff(asa) <= 1e-9 * np.maximum(asa[:-1], 1.0))


@given(loads, ahts, patiences, thresholds)
@settings(max_examples=60, deadline=None)
def test_probabilities_stay_in_unit_interval(a, aht, patience, t):
    n = np.arange(0, int(2 * a) + 20, dtype=float)
    for m in (erlang_c_metrics(n, a, aht, t), erlang_a_metrics(n, a, aht, patience, t)):
        for f in (
            "p_wait",
            "p_abandon",
            "answered_within",
            "abandoned_within",
            "service_level",
            "occupancy",
        ):
            v = np.asarray(getattr(m, f))
            assert np.all((v >= 0) & (v <= 1)), f
        assert np.all(np.asarray(m.answered_within) + np.asarray(m.p_abandon) <= 1 + 1e-9)


@given(loads, st.integers(min_value=1, max_value=600))
def test_erlang_c_at_least_erlang_b(a, n):
    if n > a:
        assert erlang_c(n, a) >= erlang_b(n, a) * (1 - 1e-12)


@given(loads, ahts, thresholds)
@settings(max_examples=40, deadline=None)
def test_erlang_a_tends_to_erlang_c(a, aht, t):
    n = int(a) + 2
    c = erlang_c_metrics(n, a, aht, t)
    prev = None
    for patience in (aht * 1e2, aht * 1e4, aht * 1e6):
        e = erlang_a_metrics(n, a, aht, patience, t)
        gap = abs(e.service_level - c.service_level) + abs(e.p_wait - c.p_wait)
        if prev is not None:
            assert gap <= prev + 1e-12
        prev = gap
    assert prev < 1e-3


@given(
    loads,
    ahts,
    st.one_of(st.none(), patiences),
    st.floats(min_value=0.5, max_value=0.99),
    thresholds,
)
@settings(max_examples=40, deadline=None)
def test_required_agents_is_the_first_that_meets(a, aht, patience, sl, t):
    targets = Targets(service_level=sl, threshold_s=t)
    n = required_agents(a, aht, targets, patience)
    assert n >= 1
    assert bool(meets(queue_metrics(n, a, aht, t, patience), targets))
    assert not bool(meets(queue_metrics(n - 1, a, aht, t, patience), targets))
