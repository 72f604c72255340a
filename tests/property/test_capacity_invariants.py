"""Invariants of lines, queue capacity, maximum waits and closing time on random scenarios."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccsim.engine.model import Simulation
from ccsim.engine.records import Kind, Outcome
from ccsim.results.aggregate import aggregate
from ccsim.scenario import parse_scenario


@st.composite
def scenarios(draw):
    n_int = 6
    types = []
    for k in ("a", "b"):
        ct = {
            "id": k,
            "arrivals": {"rate_per_h": draw(st.floats(20, 200))},
            "handle_time": {"dist": "exponential", "mean_s": draw(st.floats(60, 300))},
        }
        if draw(st.booleans()):
            ct["queue_capacity"] = draw(st.integers(0, 4))
        if draw(st.booleans()):
            ct["max_expected_wait_s"] = draw(st.floats(0, 600))
        if draw(st.booleans()):
            ct["patience"] = {"dist": "exponential", "mean_s": draw(st.floats(10, 300))}
        if draw(st.booleans()):
            action = draw(st.sampled_from(["disconnect", "message", "callback"]))
            ct["max_wait"] = {"after_s": draw(st.floats(0, 200)), "action": action}
            if action == "callback":
                ct["max_wait"]["accept"] = draw(st.floats(0, 1))
                ct["max_wait"]["otherwise"] = draw(st.sampled_from(["wait", "leave"]))
                if draw(st.booleans()):
                    ct["max_wait"]["offer_at_arrival_s"] = draw(st.floats(0, 300))
        if draw(st.booleans()):
            ct["ivr"] = {
                "containment": draw(st.floats(0, 0.8)),
                "abandon": draw(st.floats(0, 0.1)),
                "time_to_agent": {"dist": "exponential", "mean_s": 30},
            }
        if draw(st.booleans()):
            ct["redial"] = {
                "probabilities": [0.7, 0.3],
                "delay": {"dist": "exponential", "mean_s": 120},
            }
            if draw(st.booleans()):
                ct["redial"]["blocked"] = {
                    "probabilities": [0.9],
                    "delay": {"dist": "exponential", "mean_s": 30},
                }
        types.append(ct)
    agents = draw(st.lists(st.integers(0, 5), min_size=n_int, max_size=n_int))
    centres = [
        {"id": "p", "groups": [{"id": "g", "skills": ["a", "b"], "agents": agents}]},
        {
            "id": "q",
            "kind": "local",
            "network": "n2",
            "groups": [{"id": "h", "skills": ["b"], "agents": 2}],
        },
    ]
    for c in centres:
        if draw(st.booleans()):
            c["lines"] = draw(st.integers(0, 8))
    data = {
        "name": "prop",
        "seed": draw(st.integers(0, 10_000)),
        "replications": 1,
        "horizon": {"duration_h": 1.5, "interval_min": 15},
        "networks": [{"id": "n1", "share": 0.5}, {"id": "n2", "share": 0.5}],
        "call_types": types,
        "centers": centres,
        "routing": {"rules": [{"call_types": ["b"], "networks": ["n2"], "groups": ["h", "g"]}]},
    }
    if draw(st.booleans()):
        data["lines"] = draw(st.integers(0, 10))
    if draw(st.booleans()):
        data["ivr_ports"] = draw(st.integers(1, 5))
    data["at_closing"] = draw(st.sampled_from(["serve", "disconnect", "message"]))
    return parse_scenario(data)


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@given(scenarios())
@SETTINGS
def test_limits_hold_and_every_call_is_accounted_for(sc):
    sim = Simulation(sc, 0)
    rec = sim.run()
    c = rec.calls
    outcome = c["outcome"]
    assert int((c["kind"] == Kind.FRESH).sum()) == len(sim._arr_t)
    # lines in use never exceed a limit, per centre and for the hotline, nor fall below 0
    if rec.lines:
        t, centre, delta = rec.lines["t"], rec.lines["center"], rec.lines["delta"]
        assert np.all(np.diff(t) >= 0)
        total = np.cumsum(delta)
        assert total.min(initial=0) >= 0
        assert total.max(initial=0) <= (sc.lines if sc.lines is not None else 10**9)
        for ci, cen in enumerate(sc.centers):
            level = np.cumsum(np.where(centre == ci, delta, 0))
            assert level.min(initial=0) >= 0
            if cen.lines is not None:
                assert level.max(initial=0) <= cen.lines
        # a line is released by every call that took one, except those still waiting
        assert int(total[-1] if total.size else 0) == int((outcome == Outcome.WAITING_AT_END).sum())
    elif sc.lines is None and all(cen.lines is None for cen in sc.centers):
        assert not (outcome == Outcome.LINES_BUSY).any()
    # callers of a type waiting at once never exceed its queue capacity
    for k, ct in enumerate(sc.call_types):
        mine = (c["call_type"] == k) & ~np.isnan(c["t_queue"]) & (outcome != Outcome.QUEUE_FULL)
        if ct.queue_capacity is None:
            if ct.max_expected_wait_s is None:
                assert not ((c["call_type"] == k) & (outcome == Outcome.QUEUE_FULL)).any()
            continue
        enter = c["t_queue"][mine]
        leave = enter + c["wait"][mine] - c["transfer"][mine]
        waited = leave > enter
        times = np.concatenate([enter[waited], leave[waited]])
        step = np.concatenate([np.ones(waited.sum()), -np.ones(waited.sum())])
        order = np.lexsort((step, times))  # leave before enter at equal times
        assert np.cumsum(step[order]).max(initial=0) <= ct.queue_capacity
    # the exits happen at their limit, and only where the scenario sets them
    for k, ct in enumerate(sc.call_types):
        mine = c["call_type"] == k
        exits = mine & np.isin(outcome, [Outcome.TIMED_OUT, Outcome.CALLBACK])
        if ct.max_wait is None:
            assert not exits.any()
        else:
            np.testing.assert_allclose(c["wait"][exits], ct.max_wait.after_s, atol=1e-6)
            held = mine & (outcome == Outcome.VIRTUAL_HOLD)
            assert (c["wait"][held] == 0).all()
            assert not held.any() or ct.max_wait.offer_at_arrival_s is not None
            mw = ct.max_wait
            if not (mw.action == "callback" and mw.otherwise == "wait"):  # nobody waits longer
                waits = c["wait"][mine & ~np.isnan(c["wait"])]
                assert (waits <= mw.after_s + 1e-6).all()
    if sc.at_closing == "serve":
        assert not (outcome == Outcome.CLOSED).any()
    else:
        assert not np.isin(outcome, [Outcome.WAITING_AT_END, Outcome.IVR_AT_END]).any()
    # conservation of the counts
    cells = aggregate(sim.m, rec).cells
    s = {k: float(np.sum(v)) for k, v in cells.items()}
    queued = ~np.isnan(c["t_queue"])
    left = np.isin(outcome, [Outcome.MESSAGE, Outcome.CLOSED])
    assert s["requests"] == (
        s["answered"] + s["abandoned"] + s["waiting_at_end"] + s["queue_full"] + s["timed_out"]
        + s["callbacks_requested"] + float((left & queued).sum())
    )  # fmt: skip
    ivr_blocked = s["blocked"] - s["lines_blocked"] - s["queue_full"]
    assert ivr_blocked == float((outcome == Outcome.BLOCKED).sum())
    assert s["calls"] == (
        s["requests"] + s["contained"] + s["ivr_abandoned"] + s["disconnected"]
        + s["ivr_at_end"] + s["lines_blocked"] + ivr_blocked + float((left & ~queued).sum())
    )  # fmt: skip
    assert s["messages"] + s["closed"] == float(left.sum())


@given(scenarios())
@settings(max_examples=10, deadline=None)
def test_same_seed_same_numbers(sc):
    a = Simulation(sc, 0).run()
    b = Simulation(sc, 0).run()
    for k in a.calls:
        np.testing.assert_array_equal(a.calls[k], b.calls[k])
    for k in a.lines:
        np.testing.assert_array_equal(a.lines[k], b.lines[k])
