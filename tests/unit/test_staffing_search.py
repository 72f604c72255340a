"""The staffing search's parts: screening proposals on their first replications, quiet intervals.

Screening rejects a proposal on a third of its replications when a target clearly
fails; a plan that would pass the full check must almost never be rejected (the rule's
one-sided 99 %), and a plan far short of the target must be rejected early.
"""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
from scipy import stats

import ccsim
from ccsim.engine.compile import compile_scenario
from ccsim.staffing.evaluation import PlanEvaluator, clearly_short
from tests.unit.test_staffing_floor import CITY, NIGHT_DAY, erlang_floor

QUEUE = {
    "name": "queue",
    "seed": 1,
    "replications": 6,
    "horizon": {"duration_h": 2, "interval_min": 30},
    "call_types": [
        {
            "id": "a",
            "arrivals": {"per_interval": [240, 240, 240, 240]},
            "handle_time": {"dist": "exponential", "mean_s": 120},
        }
    ],
    "centers": [{"id": "c", "groups": [{"id": "g", "skills": ["a"], "agents": 10}]}],
    "targets": {"service_level": {"threshold_s": 20, "target": 0.8}},
    "staffing": {"replications": 6},
}


def evaluator(seed: int) -> PlanEvaluator:
    sc = ccsim.parse_scenario(QUEUE)
    return PlanEvaluator(sc, compile_scenario(sc), seed, 1, [False])


@pytest.mark.parametrize("rule", [">=", "<="])
def test_screening_rejects_a_plan_at_the_passing_mean_at_most_one_time_in_a_hundred(rule) -> None:
    """Replications drawn around the least mean the full check passes on average."""
    reps, r, sd, target = 6, 2, 0.04, 0.8
    z = float(stats.t.ppf(0.95, reps - 1))
    sign = 1 if rule == ">=" else -1
    mu = target + sign * z * sd / math.sqrt(reps)
    rng = np.random.default_rng(7)
    draws = rng.normal(mu, sd, size=(20_000, r)).mean(axis=1)
    rejected = np.mean([clearly_short(m, sd, r, reps, z, target, rule) for m in draws])
    assert rejected <= 0.01 + 3 * math.sqrt(0.01 * 0.99 / draws.size), rejected
    # and a plan a full margin short is rejected most of the time
    short = rng.normal(target - sign * 2 * sd, sd, size=(2_000, r)).mean(axis=1)
    assert np.mean([clearly_short(m, sd, r, reps, z, target, rule) for m in short]) > 0.9


def test_screening_rarely_rejects_what_the_full_check_passes() -> None:
    """Over draws where the full t check passes, the first third rarely says otherwise."""
    reps, r, target = 6, 2, 0.8
    z = float(stats.t.ppf(0.95, reps - 1))
    rng = np.random.default_rng(11)
    x = rng.normal(0.83, 0.04, size=(20_000, reps))
    full = x.mean(axis=1) - z * x.std(axis=1, ddof=1) / math.sqrt(reps) >= target
    sd = 0.04  # the reference plan's spread
    screened = np.array([clearly_short(m, sd, r, reps, z, target, ">=") for m in x[:, :r].mean(1)])
    assert 0.2 < full.mean() < 0.8  # near the boundary, where the search works
    assert (screened & full).sum() <= 0.01 * full.sum()


def test_screening_rejects_a_short_plan_on_its_first_replications() -> None:
    ev = evaluator(5)
    ref = ev.evaluate(np.full((1, 4), 12, dtype=np.int64), None)
    assert ref.feasible
    short = ev.evaluate(np.full((1, 4), 8, dtype=np.int64), None, reference=ref)
    assert short.screened and not short.feasible
    assert short.result.replications == 2
    # without a reference a hopeless plan stops early too (its upper bound is short)
    alone = ev.evaluate(np.full((1, 4), 8, dtype=np.int64), None)
    assert alone.screened and alone.result.replications == 2
    # asked for in full, every replication runs
    again = ev.evaluate(np.full((1, 4), 8, dtype=np.int64), None, full=True)
    assert not again.screened and again.result.replications == 6
    # and completing the early rejected one gives the same figures
    done = ev.complete(alone, None)
    assert not done.screened and done.result.replications == 6
    for c in ev.checks:
        np.testing.assert_array_equal(done.values[c.name], again.values[c.name])
    # the first replications are the same ones (common random numbers)
    a = short.result.kpi_values()["service_level"].to_numpy()
    b = again.result.kpi_values()["service_level"].to_numpy()[:2]
    np.testing.assert_array_equal(a, b)


@pytest.fixture(scope="module")
def interval_plan() -> ccsim.StaffingPlan:
    d = copy.deepcopy(CITY)
    d["targets"]["service_level"]["interval_target"] = 0.8
    return ccsim.staff(ccsim.parse_scenario(d), workers=1)


def test_quiet_intervals_get_no_absurd_allocation(interval_plan) -> None:
    """A per-interval target at night: a few agents more than Erlang, never dozens."""
    plan = interval_plan
    erlang_80 = np.asarray([erlang_floor(r, 0.8) for r in NIGHT_DAY])
    quiet = np.asarray(NIGHT_DAY) <= 10
    assert (plan.simulated[0][quiet] <= erlang_80[quiet] + 3).all(), plan.simulated[0]
    doc = plan.summary()
    assert plan.feasible or all(s["interval_labels"] for s in doc["shortfalls"])


def test_one_verdict_per_target_and_steps_that_stop(interval_plan) -> None:
    plan = interval_plan
    doc = plan.summary()
    for name, t in doc["targets"].items():
        short = {s["target"] for s in doc["shortfalls"]}
        assert not (t["met"] and name in short), name
    assert plan.search.evaluations < plan.scenario.staffing.max_evaluations
    t = stats.t.ppf(plan.confidence, plan.search.evaluation.result.replications - 1)
    assert t > 0
