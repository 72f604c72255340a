"""Conservation with transfers on random scenarios: every call once, agents never overbooked."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccsim.engine.model import Simulation
from ccsim.engine.records import Kind, Outcome
from ccsim.scenario import parse_scenario

GROUPS = ("g0", "g1", "g2")


@st.composite
def scenarios(draw):
    types = []
    for k in range(draw(st.integers(1, 2))):
        ct = {
            "id": f"t{k}",
            "arrivals": {"rate_per_h": draw(st.floats(20, 200))},
            "handle_time": {"dist": "exponential", "mean_s": draw(st.floats(30, 200))},
            "wrap_time": {"dist": "constant", "mean_s": draw(st.sampled_from([0, 10]))},
        }
        if draw(st.booleans()):
            ct["patience"] = {"dist": "exponential", "mean_s": draw(st.floats(20, 300))}
        if draw(st.booleans()):
            ct["fcr"] = 0.7
            ct["return_delay"] = {"dist": "exponential", "mean_s": 600}
        types.append(ct)
    ids = [t["id"] for t in types]
    groups = []
    for name in GROUPS:
        g = {"id": name, "skills": ids, "agents": draw(st.integers(1, 4))}
        transfers = []
        for other in GROUPS:
            if other == name or not draw(st.booleans()):
                continue
            kind = draw(st.sampled_from(["blind", "consult"]))
            tr = {"share": draw(st.floats(0.05, 0.45)), "to": other, "kind": kind}
            if kind == "consult" and draw(st.booleans()):
                tr["conference_time"] = {"dist": "exponential", "mean_s": 20}
            if kind == "blind" and draw(st.booleans()):
                tr["priority"] = draw(st.integers(0, 3))
            transfers.append(tr)
        if transfers:
            g["transfers"] = transfers
        groups.append(g)
    horizon = {"duration_h": 1.5, "interval_min": 15}
    if draw(st.booleans()):
        horizon["drain_limit_h"] = 0.25
    return parse_scenario(
        {
            "name": "transfers",
            "seed": draw(st.integers(0, 10_000)),
            "replications": 1,
            "horizon": horizon,
            "call_types": types,
            "centers": [{"id": "c", "groups": groups}],
            "routing": {
                "policy": draw(st.sampled_from(["tier_skill_wait", "wait"])),
                "agent_selection": draw(st.sampled_from(["order", "random", "longest_idle"])),
            },
        }
    )


@given(scenarios())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_call_accounted_for_once_and_agents_never_above_staffed(sc):
    sim = Simulation(sc, 0)
    rec = sim.run()
    c, legs = rec.calls, rec.transfers
    kind, outcome = c["kind"], c["outcome"]
    # one row per fresh arrival, one per return the run scheduled
    assert int((kind == Kind.FRESH).sum()) == len(sim._arr_t)
    assert int((kind == Kind.RETURN).sum()) == int(
        ((outcome == Outcome.ANSWERED) & (c["resolved"] == 0)).sum()
    )
    # each second leg belongs to one answered call of its first group, once
    if legs:
        answered = {
            (int(c["caller"][i]), float(c["t_arrival"][i]), int(c["group"][i]))
            for i in np.flatnonzero(outcome == Outcome.ANSWERED)
        }
        keys = [
            (int(legs["caller"][i]), float(legs["t_arrival"][i]), int(legs["from_group"][i]))
            for i in range(legs["caller"].size)
        ]
        assert len(set(keys)) == len(keys)
        assert set(keys) <= answered
        assert set(np.unique(legs["outcome"]).tolist()) <= {
            Outcome.ANSWERED,
            Outcome.ABANDONED,
            Outcome.WAITING_AT_END,
        }
        assert not ((legs["kind"] == 1) & (legs["outcome"] == Outcome.ABANDONED)).any()
        assert (legs["wait"] >= 0).all() and (legs["hold"] >= 0).all()
    # nobody left behind: nothing is waiting in a queue that is not recorded
    assert not sim._xfer or not sim._xfer.open
    # agents busy never above staffed, first and second agents together
    ans = outcome == Outcome.ANSWERED
    start = (c["t_queue"] + c["wait"] - c["transfer"])[ans]
    end = start + (c["transfer"] + c["talk"] + c["wrap"])[ans]
    group = c["group"][ans].astype(int)
    if legs:
        la = legs["outcome"] == Outcome.ANSWERED
        s2 = (legs["t_queue"] + legs["wait"])[la]
        start = np.concatenate([start, s2])
        end = np.concatenate([end, s2 + (legs["talk"] + legs["wrap"])[la]])
        group = np.concatenate([group, legs["to_group"][la].astype(int)])
    eps = 1e-6
    for gi, (_, g) in enumerate(sc.groups):
        mine = group == gi
        s, e = start[mine], end[mine]
        for t in s:
            busy = int(((s <= t + eps) & (e > t + eps)).sum())
            assert busy <= g.agents, f"{g.id}: {busy} busy of {g.agents} at {t}"
