"""Simulation against queueing theory: Erlang C, Erlang A, pooling, Little's law.

Long horizons after a warm-up, several replications; the tolerance is the
replications' own 99.9 % confidence interval of the mean.
"""

import numpy as np
import pytest

from ccsim.analytics import erlang_a_metrics, erlang_c_metrics
from ccsim.results.kpis import service_level
from ccsim.runner import simulate
from ccsim.scenario import parse_scenario
from tests.validation.stats import agrees

REPS = 12
HOURS = 150.0


def mmn(agents, rate_per_h, aht_s, patience_s=None, threshold_s=20.0, extra_types=None):
    ct = {
        "id": "general",
        "arrivals": {"rate_per_h": rate_per_h},
        "handle_time": {"dist": "exponential", "mean_s": aht_s},
    }
    if patience_s is not None:
        ct["patience"] = {"dist": "exponential", "mean_s": patience_s}
    return parse_scenario(
        {
            "name": "theory",
            "seed": 11,
            "replications": REPS,
            "horizon": {"duration_h": HOURS, "interval_min": 60, "warmup_h": 5},
            "kpi": {"queue_sample_s": 5},
            "call_types": [ct],
            "centers": [
                {"id": "c", "groups": [{"id": "g", "skills": ["general"], "agents": agents}]}
            ],
            "targets": {"service_level": {"threshold_s": threshold_s}},
        }
    )


def check(values, theory):
    ok, msg = agrees(values, theory)
    assert ok, msg


def test_mmn_matches_erlang_c():
    # 10 Erlangs on 12 agents: P(wait) about 0.45, a demanding case
    res = simulate(mmn(12, 200.0, 180.0))
    v = res.kpi_values()
    th = erlang_c_metrics(12, 10.0, 180.0, 20.0)
    check(v["p_wait"], th.p_wait)
    check(v["service_level"], th.service_level)
    check(v["asa_s"], th.asa_s)
    check(v["occupancy"], th.occupancy)


@pytest.mark.parametrize(("agents", "patience"), [(12, 120.0), (9, 300.0)])
def test_mmn_abandon_matches_erlang_a_under_every_formula(agents, patience):
    # the second case is overloaded (10 Erlangs on 9 agents): only abandonment keeps it stable
    res = simulate(mmn(agents, 200.0, 180.0, patience_s=patience))
    v = res.kpi_values()
    th = erlang_a_metrics(agents, 10.0, 180.0, patience, 20.0)
    check(v["p_wait"], th.p_wait)
    check(v["abandon_rate"], th.p_abandon)
    check(v["asa_s"], th.asa_s)
    sums = res.sums()
    counts = {k: sums[k].to_numpy() for k in sums.columns}
    for formula in ("offered", "answered", "excl_short_abandons", "abandons_within_met"):
        check(service_level(counts, formula), th.service_level_as(formula))


def test_pooling_gain_matches_erlang_c():
    # two cities of 5 Erlangs each: separate groups of 7 vs one pooled group of 14
    def scenario(pooled):
        types = [
            {
                "id": c,
                "arrivals": {"rate_per_h": 100.0},
                "handle_time": {"dist": "exponential", "mean_s": 180.0},
            }
            for c in ("north", "south")
        ]
        groups = (
            [{"id": "all", "skills": ["north", "south"], "agents": 14}]
            if pooled
            else [
                {"id": "n", "skills": ["north"], "agents": 7},
                {"id": "s", "skills": ["south"], "agents": 7},
            ]
        )
        return parse_scenario(
            {
                "name": "pool",
                "seed": 5,
                "replications": REPS,
                "horizon": {"duration_h": HOURS, "interval_min": 60, "warmup_h": 5},
                "call_types": types,
                "centers": [{"id": "c", "groups": groups}],
                # first come, first served across the two queues, as Erlang C assumes
                # (the default policy would serve the group's first skill first)
                "routing": {"policy": "wait"},
            }
        )

    sep = simulate(scenario(False)).kpi_values()
    pool = simulate(scenario(True)).kpi_values()
    th_sep = erlang_c_metrics(7, 5.0, 180.0, 20.0)
    th_pool = erlang_c_metrics(14, 10.0, 180.0, 20.0)
    check(sep["service_level"], th_sep.service_level)
    check(pool["service_level"], th_pool.service_level)
    check(sep["asa_s"], th_sep.asa_s)
    check(pool["asa_s"], th_pool.asa_s)
    # the gain itself (pooled minus separate), replications paired by index
    gain = pool["service_level"].to_numpy() - sep["service_level"].to_numpy()
    check(gain, th_pool.service_level - th_sep.service_level)


def test_littles_law_on_simulated_output():
    # average queue length sampled from the engine's state = arrival rate x mean wait
    res = simulate(mmn(11, 200.0, 180.0, patience_s=200.0))
    per_rep = []
    period = (HOURS - 5.0) * 3600.0
    sums = res.sums()
    for rep in res.reps:
        q = rep.queue
        l_sampled = q["sampled_sum"].sum() / q["sampled_count"].sum()
        s = sums.loc[rep.replication]
        l_little = (s["wait_answered_s"] + s["wait_abandoned_s"]) / period
        per_rep.append(l_sampled - l_little)
    check(np.asarray(per_rep), 0.0)
