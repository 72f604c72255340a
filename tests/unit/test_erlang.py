import math

import numpy as np
import pytest
from scipy import stats

from ccsim.analytics import (
    Targets,
    erlang_a_metrics,
    erlang_b,
    erlang_c,
    erlang_c_metrics,
    queue_metrics,
    required_agents,
    scheduled_agents,
)
from tests.helpers.ctmc import erlang_b_recursion, mmn_abandon_reference

# 100 calls in 30 minutes, AHT 180 s: 10 Erlangs.
A10 = 100 * 180 / 1800


def test_known_values_erlang_c():
    m = erlang_c_metrics(14, A10, 180.0, threshold_s=20.0)
    assert m.p_wait == pytest.approx(0.1741319, abs=5e-8)
    assert m.service_level == pytest.approx(0.88835, abs=5e-6)
    assert m.asa_s == pytest.approx(7.836, abs=5e-4)
    assert m.occupancy == pytest.approx(10 / 14)
    assert m.p_abandon == 0.0


def test_known_value_erlang_a_abandonment():
    m = erlang_a_metrics(14, A10, 180.0, patience_s=300.0, threshold_s=20.0)
    assert m.p_abandon == pytest.approx(0.013984, abs=5e-7)


@pytest.mark.parametrize(
    ("n", "a"), [(1, 0.5), (5, 3.0), (10, 5.0), (14, 10.0), (60, 55.0), (300, 290.0)]
)
def test_erlang_b_matches_recursion(n, a):
    assert erlang_b(n, a) == pytest.approx(erlang_b_recursion(n, a), rel=1e-12)


def test_erlang_b_large_matches_recursion():
    for n, a in [
        (10_000, 9_000.0),
        (10_000, 9_950.0),
        (3_000, 9_000.0),
        (1, 9_000.0),
        (9_000, 9_000.0),
    ]:
        assert erlang_b(n, a) == pytest.approx(erlang_b_recursion(n, a), rel=1e-9)


def test_erlang_c_at_least_erlang_b():
    n = np.arange(1, 200)
    for a in (0.5, 10.0, 100.0, 180.0):
        stable = n > a
        assert np.all(np.asarray(erlang_c(n, a))[stable] >= np.asarray(erlang_b(n, a))[stable])


def test_erlang_c_overload_is_reported_not_raised():
    m = erlang_c_metrics(np.array([5, 10, 11]), 10.0, 180.0)
    assert list(m.stable) == [False, False, True]
    assert m.p_wait[0] == 1.0 and m.service_level[0] == 0.0 and math.isinf(m.asa_s[0])
    assert m.occupancy[0] == 1.0


def test_erlang_a_overload_stays_finite():
    m = erlang_a_metrics(np.array([1, 5, 10]), 50.0, 180.0, patience_s=120.0)
    for field in ("p_wait", "p_abandon", "service_level", "asa_s", "occupancy"):
        assert np.all(np.isfinite(getattr(m, field)))
    # with 1 agent offered 50 Erlangs, almost everyone abandons
    assert m.p_abandon[0] > 0.95


@pytest.mark.parametrize(
    ("n", "lam", "aht", "patience", "t"),
    [
        (14, 100 / 1800, 180.0, 300.0, 20.0),
        (5, 1 / 40, 180.0, 60.0, 15.0),  # overloaded: 4.5 Erlangs on 5 agents, short patience
        (3, 1 / 20, 180.0, 120.0, 30.0),  # 9 Erlangs on 3 agents
        (20, 0.12, 150.0, 45.0, 10.0),
        (8, 0.04, 180.0, 180.0, 0.0),  # patience equal to service
        (10, 0.05, 180.0, 5000.0, 20.0),  # long patience: near Erlang C
    ],
)
def test_erlang_a_matches_truncated_markov_chain(n, lam, aht, patience, t):
    ref = mmn_abandon_reference(n, lam, 1 / aht, 1 / patience, t)
    m = erlang_a_metrics(n, lam * aht, aht, patience, threshold_s=t)
    for key in ("p_wait", "p_abandon", "answered_within", "abandoned_within", "asa_s"):
        assert getattr(m, key) == pytest.approx(ref[key], rel=1e-7, abs=1e-11), key


def test_erlang_a_patience_equal_to_service_is_poisson_number_in_system():
    # theta = mu: every caller leaves at rate mu whatever its state: N ~ Poisson(a)
    a, n = 12.0, 10
    m = erlang_a_metrics(n, a, 200.0, patience_s=200.0)
    assert m.p_wait == pytest.approx(stats.poisson.sf(n - 1, a), rel=1e-10)
    k = np.arange(n, 200)
    expected_abandon = float(((k - n) * stats.poisson.pmf(k, a)).sum()) / a
    assert m.p_abandon == pytest.approx(expected_abandon, rel=1e-10)


def test_erlang_a_tends_to_erlang_c_with_long_patience():
    c = erlang_c_metrics(14, A10, 180.0, 20.0)
    a = erlang_a_metrics(14, A10, 180.0, patience_s=1e9, threshold_s=20.0)
    assert a.p_wait == pytest.approx(c.p_wait, rel=1e-5)
    assert a.service_level == pytest.approx(c.service_level, rel=1e-5)
    assert a.asa_s == pytest.approx(c.asa_s, rel=1e-4)


def test_sl_formulas_coincide_without_abandonment_and_order_with_it():
    c = erlang_c_metrics(14, A10, 180.0, 20.0)
    for f in ("offered", "answered", "excl_short_abandons", "abandons_within_met"):
        assert c.service_level_as(f) == pytest.approx(c.service_level)
    a = erlang_a_metrics(11, A10, 180.0, patience_s=100.0, threshold_s=20.0)
    offered = a.service_level_as("offered")
    assert a.service_level == offered
    # dividing by fewer calls or adding short abandons can only raise the figure
    assert a.service_level_as("answered") > offered
    assert a.service_level_as("excl_short_abandons") > offered
    assert a.service_level_as("abandons_within_met") > offered
    assert a.service_level_as("abandons_within_met") == pytest.approx(
        a.answered_within + a.abandoned_within
    )


def test_large_systems_are_finite():
    n = np.array([1, 10, 100, 1000, 5000, 8999, 9000, 9001, 9100, 10000], dtype=float)
    for a in (1.0, 500.0, 9000.0):
        c = erlang_c_metrics(n, a, 180.0, 20.0)
        e = erlang_a_metrics(n, a, 180.0, patience_s=240.0, threshold_s=20.0)
        for m in (c, e):
            for f in ("p_wait", "p_abandon", "service_level", "occupancy"):
                v = np.asarray(getattr(m, f))
                assert not np.any(np.isnan(v)), (a, f)
                assert np.all((v >= 0) & (v <= 1)), (a, f)
        assert not np.any(np.isnan(np.asarray(e.asa_s)))


def test_scalar_in_scalar_out_and_arrays_broadcast():
    assert isinstance(erlang_c(14, 10.0), float)
    out = erlang_c(np.array([[14, 15], [16, 17]]), np.array([10.0, 11.0]))
    assert out.shape == (2, 2)
    assert out[0, 1] == pytest.approx(erlang_c(15, 11.0))


def test_zero_traffic_and_zero_agents():
    m = erlang_c_metrics(3, 0.0, 180.0)
    assert m.p_wait == 0.0 and m.service_level == 1.0 and m.asa_s == 0.0
    e = erlang_a_metrics(0, 2.0, 180.0, patience_s=60.0, threshold_s=20.0)
    assert e.p_abandon == 1.0 and e.answered_within == 0.0
    assert e.abandoned_within == pytest.approx(1 - math.exp(-20 / 60))


def test_bad_arguments_raise_with_name_and_value():
    with pytest.raises(ValueError, match=r"aht_s must be > 0, got -1"):
        erlang_c_metrics(3, 1.0, -1.0)
    with pytest.raises(ValueError, match=r"patience_s must be > 0, got 0"):
        erlang_a_metrics(3, 1.0, 100.0, 0.0)
    with pytest.raises(ValueError, match="sl_formula must be one of"):
        queue_metrics(3, 1.0, 100.0, sl_formula="bogus")
    with pytest.raises(ValueError, match=r"service_level target must be > 0 and < 1, got 1.0"):
        Targets(service_level=1.0)
    with pytest.raises(ValueError, match="give at least one target"):
        Targets()


def test_required_agents_known_cases():
    t = Targets(service_level=0.8, threshold_s=20.0)
    assert required_agents(A10, 180.0, t) == 14
    assert required_agents(A10, 180.0, t, patience_s=300.0) == 13
    assert required_agents(0.0, 180.0, t) == 0
    assert required_agents(A10, 180.0, Targets(asa_s=7.9)) == 14
    assert required_agents(A10, 180.0, Targets(asa_s=7.8)) == 15
    # occupancy cap binds: 10 Erlangs at 70% needs 15 agents
    assert required_agents(A10, 180.0, Targets(service_level=0.8, max_occupancy=0.7)) == 15


def test_erlang_a_can_need_fewer_agents_than_the_load():
    # 20 Erlangs, impatient callers, a loose abandonment target: below the load is enough
    n = required_agents(20.0, 180.0, Targets(abandon_rate=0.25), patience_s=30.0)
    assert 0 < n < 20
    m = erlang_a_metrics(n, 20.0, 180.0, 30.0)
    assert m.p_abandon <= 0.25
    assert erlang_a_metrics(n - 1, 20.0, 180.0, 30.0).p_abandon > 0.25


def test_scheduled_agents_applies_shrinkage():
    assert scheduled_agents(14, 0.3) == 20
    assert scheduled_agents(14, 0.0) == 14
    assert list(scheduled_agents(np.array([7, 14]), 0.3)) == [10, 20]
    with pytest.raises(ValueError, match="shrinkage must be >= 0 and < 1"):
        scheduled_agents(3, 1.0)


def test_pooling_estimate_accepts_a_100_percent_target():
    # legal in a scenario; sized at 99.9 % since no finite staffing reaches 100 %
    from ccsim.analytics.pooling import pooling_estimate
    from ccsim.scenario import parse_scenario
    from tests.helpers.scen import base

    d = base(
        networks=[{"id": "n1", "share": 0.5}, {"id": "n2", "share": 0.5}],
        targets={"service_level": {"threshold_s": 20, "target": 1.0}},
    )
    d["call_types"][0]["arrivals"] = {"rate_per_h": 100}
    d["call_types"][0]["handle_time"] = {"dist": "exponential", "mean_s": 200}
    est = pooling_estimate(parse_scenario(d))
    each = int(required_agents(50 * 200 / 3600, 200, Targets(service_level=0.999, threshold_s=20)))
    assert (est.per_network == each).all()
    assert (est.pooled < 2 * each).all()


@pytest.mark.parametrize("patience", [1e9, 1e15, 1e50])
def test_erlang_a_with_astronomical_patience_is_its_limit(patience):
    """Beyond a million handle times Erlang A is evaluated as its limit, not lost in rounding."""
    c = erlang_c_metrics(14, A10, 180.0, 20.0)
    a = erlang_a_metrics(14, A10, 180.0, patience_s=patience, threshold_s=20.0)
    assert a.service_level == pytest.approx(c.service_level, rel=1e-6)
    assert a.asa_s == pytest.approx(c.asa_s, rel=1e-6)
    assert a.mean_wait_s == pytest.approx(c.mean_wait_s, rel=1e-6)
    assert a.p_abandon < 1e-6
    # overloaded: the fluid limit loses 1 - n/a, and the answered wait grows with patience
    over = erlang_a_metrics(9, A10, 180.0, patience_s=np.array([patience, 10 * patience]))
    assert over.p_abandon == pytest.approx([0.1, 0.1], rel=1e-6)
    assert over.asa_s[1] / over.asa_s[0] == pytest.approx(10, rel=1e-3)


def test_erlang_a_critical_load_continues_across_the_patience_bound():
    """At a = n, abandonment falls like 1/sqrt(patience) on both sides of the bound."""
    h = 180.0
    inside = erlang_a_metrics(10, A10, h, patience_s=1e4 * h)
    beyond = erlang_a_metrics(10, A10, h, patience_s=1e8 * h)
    # the next term of the expansion is smaller by a factor sqrt(patience / AHT): 1 % at
    # 1e4 handle times (and 0.01 % at 1e8)
    assert beyond.p_abandon == pytest.approx(inside.p_abandon / 100, rel=0.01)
    assert beyond.asa_s == pytest.approx(inside.asa_s * 100, rel=0.01)


@pytest.mark.parametrize("load", [9.999999, 9.999, 10.0, 10.0 + 2e-15, 10.001, 10.5])
def test_erlang_a_is_continuous_at_the_patience_bound(load):
    h = 180.0
    bound = 1e6 * h
    below = erlang_a_metrics(10, load, h, patience_s=bound * (1 - 1e-9))
    above = erlang_a_metrics(10, load, h, patience_s=bound * (1 + 1e-9))
    # a relative step of 2e-9 in patience moves no measure by more than 2e-9 (relative);
    # the exact series just below the bound are accurate to a few 1e-8 (float rounding
    # of arguments of size agents x patience / AHT = 1e7), so a jump beyond 1e-6 would be
    # the bound's own discontinuity
    for k in ("p_wait", "p_abandon", "service_level", "asa_s", "mean_wait_s", "occupancy"):
        assert getattr(above, k) == pytest.approx(getattr(below, k), rel=1e-6, abs=1e-15), k
    # further out, abandonment keeps approaching its limit (0 when a <= n, 1 - n/a above)
    limit = max(0.0, 1 - 10 / load)
    far = erlang_a_metrics(10, load, h, patience_s=1e9 * h)
    assert abs(far.p_abandon - limit) <= abs(above.p_abandon - limit)
    assert math.isnan(erlang_a_metrics(10, load, h, patience_s=1e9 * h, with_asa=False).asa_s)


def test_pooling_estimate_leaves_out_the_warm_up():
    """Simulated agent-hours leave out the warm-up; the estimate beside them does too."""
    from ccsim.analytics.pooling import pooling_estimate
    from ccsim.scenario import parse_scenario
    from tests.helpers.scen import base

    d = base(
        networks=[{"id": "n1", "share": 0.5}, {"id": "n2", "share": 0.5}],
        horizon={"duration_h": 3, "interval_min": 30, "warmup_h": 1},
    )
    d["call_types"][0]["arrivals"] = {"rate_per_h": 252}
    d["call_types"][0]["handle_time"] = {"dist": "exponential", "mean_s": 120}
    est = pooling_estimate(parse_scenario(d))
    each = int(required_agents(126 * 120 / 3600, 120, Targets(service_level=0.8, threshold_s=20)))
    assert est.per_network.shape == (4, 2)  # 3 h of half-hours, less the first hour
    assert est.separate_agent_hours == 2 * each * 2.0
