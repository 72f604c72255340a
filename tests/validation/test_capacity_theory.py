"""Lines and queue capacity against theory: Erlang B (M/M/n/n) and M/M/n/K blocking.

Long horizons after a warm-up, several replications; the tolerance is the
replications' own 99.9 % confidence interval of the mean (Bonferroni over the
comparisons of a test).
"""

import pytest

from ccsim.analytics import erlang_b, mmnk_blocking
from ccsim.runner import simulate
from ccsim.scenario import parse_scenario
from tests.validation.stats import agrees

REPS = 12
HOURS = 60.0


def scenario(agents, rate_per_h, aht_s, lines=None, queue_capacity=None):
    ct = {
        "id": "general",
        "arrivals": {"rate_per_h": rate_per_h},
        "handle_time": {"dist": "exponential", "mean_s": aht_s},
    }
    if queue_capacity is not None:
        ct["queue_capacity"] = queue_capacity
    centre = {"id": "c", "groups": [{"id": "g", "skills": ["general"], "agents": agents}]}
    data = {
        "name": "capacity",
        "seed": 5,
        "replications": REPS,
        "horizon": {"duration_h": HOURS, "interval_min": 60, "warmup_h": 2},
        "call_types": [ct],
        "centers": [centre],
    }
    if lines is not None:
        data["lines"] = lines
    return parse_scenario(data)


def check(values, theory, comparisons=1):
    ok, msg = agrees(values, theory, comparisons=comparisons)
    assert ok, msg


def test_lines_without_queue_match_erlang_b():
    # 4 Erlangs on 5 lines, agents never short: blocking B(5, 4) = 0.199
    res = simulate(scenario(50, 120.0, 120.0, lines=5))
    v = res.kpi_values()
    check(v["line_blocking"], float(erlang_b(5, 4.0)), comparisons=2)
    # carried load = lines busy on average = a (1 - B)
    check(v["lines_busy"], 4.0 * (1.0 - float(erlang_b(5, 4.0))), comparisons=2)


def test_zero_queue_capacity_is_erlang_b_on_the_agents():
    # no queue: a caller finding every agent busy hears busy, M/M/4/4
    res = simulate(scenario(4, 90.0, 120.0, queue_capacity=0))
    check(res.kpi_values()["queue_full_rate"], float(erlang_b(4, 3.0)))


@pytest.mark.parametrize("form", ["lines", "queue_capacity"])
def test_finite_system_matches_mmnk(form):
    # 3 Erlangs on 3 agents with room for 5 calls in all: blocking 0.2045
    if form == "lines":
        res = simulate(scenario(3, 90.0, 120.0, lines=5))
        v = res.kpi_values()["line_blocking"]
    else:
        res = simulate(scenario(3, 90.0, 120.0, queue_capacity=2))
        v = res.kpi_values()["queue_full_rate"]
    check(v, float(mmnk_blocking(3, 5, 3.0)))
