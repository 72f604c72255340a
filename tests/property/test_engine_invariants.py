"""Invariants of the simulation on random small scenarios."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccsim.engine.model import Simulation
from ccsim.engine.records import Kind, Outcome
from ccsim.reporting.jsonout import dumps
from ccsim.runner import simulate
from ccsim.scenario import parse_scenario

dists = st.sampled_from(
    [
        {"dist": "exponential", "mean_s": 120},
        {"dist": "lognormal", "mean_s": 150, "cv": 1.0},
        {"dist": "gamma", "mean_s": 90, "cv": 0.5},
        {"dist": "constant", "mean_s": 100},
        {"dist": "uniform", "min_s": 20, "max_s": 200},
    ]
)


@st.composite
def scenarios(draw):
    n_int = 6
    agents = draw(st.lists(st.integers(0, 6), min_size=n_int, max_size=n_int))
    ct = {
        "id": "a",
        "arrivals": {"rate_per_h": draw(st.floats(10, 250))},
        "handle_time": draw(dists),
    }
    if draw(st.booleans()):
        ct["patience"] = {
            "dist": "exponential",
            "mean_s": draw(st.floats(10, 300)),
            "balk_share": draw(st.floats(0, 0.3)),
        }
    if draw(st.booleans()):
        ct["ivr"] = {
            "containment": draw(st.floats(0, 0.8)),
            "abandon": draw(st.floats(0, 0.1)),
            "time_to_agent": {"dist": "exponential", "mean_s": 30},
        }
    if draw(st.booleans()) and "patience" in ct:
        ct["redial"] = {
            "probabilities": [0.7, 0.3],
            "delay": {"dist": "exponential", "mean_s": 120},
        }
    if draw(st.booleans()):
        ct["fcr"] = 0.7
        ct["return_delay"] = {"dist": "exponential", "mean_s": 600}
    return parse_scenario(
        {
            "name": "prop",
            "seed": draw(st.integers(0, 10_000)),
            "replications": 1,
            "horizon": {"duration_h": 1.5, "interval_min": 15},
            "ivr_ports": draw(st.one_of(st.none(), st.integers(1, 10))),
            "call_types": [ct],
            "centers": [{"id": "c", "groups": [{"id": "g", "skills": ["a"], "agents": agents}]}],
        }
    )


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@given(scenarios())
@SETTINGS
def test_every_call_ends_once_and_is_accounted_for(sc):
    sim = Simulation(sc, 0)
    rec = sim.run()
    c = rec.calls
    kind = c["kind"]
    outcome = c["outcome"]
    # one record per fresh arrival, and one per redial or return the run scheduled
    assert int((kind == Kind.FRESH).sum()) == len(sim._arr_t)
    assert int((kind == Kind.RETURN).sum()) == int(
        ((outcome == Outcome.ANSWERED) & (c["resolved"] == 0)).sum()
    )
    # every outcome is one of the known endings
    assert set(np.unique(outcome)) <= {o.value for o in Outcome}
    # waits are defined exactly for calls that reached the agent queue, and never negative
    queued = np.isin(outcome, [Outcome.ANSWERED, Outcome.ABANDONED, Outcome.WAITING_AT_END])
    assert not np.isnan(c["wait"][queued]).any()
    assert (c["wait"][queued] >= 0).all()
    assert np.isnan(c["wait"][~queued]).all()
    # with a full drain nobody is left waiting unless the last interval has no agents
    if sc.centers[0].groups[0].agents_at(6)[-1] > 0:
        assert int((outcome == Outcome.WAITING_AT_END).sum()) == 0


@given(scenarios())
@SETTINGS
def test_nobody_waits_while_an_agent_is_free(sc):
    rec = Simulation(sc, 0).run()
    c = rec.calls
    ans = c["outcome"] == Outcome.ANSWERED
    start = (c["t_queue"] + c["wait"])[ans]
    end = start + (c["talk"] + c["wrap"])[ans]
    staffing = sc.centers[0].groups[0].agents_at(6)
    step = sc.horizon.interval_s
    waited = np.flatnonzero((c["wait"] > 1e-9) & ~np.isnan(c["wait"]))
    eps = 1e-6  # start is rebuilt as t_queue + wait: allow for rounding
    for i in waited:
        t = c["t_queue"][i]
        busy = int(((start <= t + eps) & (end > t + eps)).sum())
        on = staffing[min(int(t // step), len(staffing) - 1)]
        assert busy >= on, f"call at {t} waited while {busy} of {on} agents were busy"
    # and busy agents never exceed staffing except those finishing after a drop
    for s in start:
        busy = int(((start <= s + eps) & (end > s + eps)).sum())
        on = staffing[min(int(s // step), len(staffing) - 1)]
        assert busy <= max(on, 0) or busy <= max(staffing[: int(s // step) + 1])


@given(scenarios())
@settings(max_examples=10, deadline=None)
def test_same_seed_same_numbers(sc):
    a = Simulation(sc, 0).run().calls
    b = Simulation(sc, 0).run().calls
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])


def test_results_do_not_depend_on_the_number_of_workers():
    sc = parse_scenario(
        {
            "name": "w",
            "seed": 3,
            "replications": 4,
            "horizon": {"duration_h": 2, "interval_min": 30},
            "call_types": [
                {
                    "id": "a",
                    "arrivals": {"rate_per_h": 200},
                    "handle_time": {"dist": "exponential", "mean_s": 150},
                    "patience": {"dist": "exponential", "mean_s": 60},
                }
            ],
            "centers": [{"id": "c", "groups": [{"id": "g", "skills": ["a"], "agents": 9}]}],
        }
    )
    one = simulate(sc, workers=1).summary()
    two = simulate(sc, workers=2).summary()
    one.pop("wall_s")
    two.pop("wall_s")
    assert dumps(one) == dumps(two)  # NaN-safe comparison


def test_adding_a_call_type_leaves_the_others_draws_alone():
    base = {
        "name": "crn",
        "seed": 3,
        "replications": 1,
        "horizon": {"duration_h": 2, "interval_min": 30},
        "call_types": [
            {
                "id": "a",
                "arrivals": {"rate_per_h": 100},
                "handle_time": {"dist": "exponential", "mean_s": 150},
            }
        ],
        "centers": [{"id": "c", "groups": [{"id": "g", "skills": ["a"], "agents": 50}]}],
    }
    one = Simulation(parse_scenario(base), 0).run().calls
    base["call_types"].append(
        {
            "id": "b",
            "arrivals": {"rate_per_h": 100},
            "handle_time": {"dist": "exponential", "mean_s": 150},
        }
    )
    base["centers"][0]["groups"].append({"id": "h", "skills": ["b"], "agents": 50})
    two = Simulation(parse_scenario(base), 0).run().calls
    a_only = two["call_type"] == 0
    np.testing.assert_array_equal(one["t_arrival"], two["t_arrival"][a_only])
    np.testing.assert_array_equal(one["talk"], two["talk"][a_only])
