"""Predictive pacing keeps outbound abandonment under its cap in long runs, alone and
when campaigns share agents."""

import numpy as np
import pytest

from ccsim.runner import simulate
from ccsim.scenario import parse_scenario


def _campaign(cid, groups, contact=0.4, cap=0.03, daily_size=20_000, **over):
    """A predictive campaign calling 8 h a day (three windows)."""
    return {
        "id": cid,
        "list": {"daily_size": daily_size, "release": "08:00"},
        "windows": ["09:00-12:00", "14:00-17:30", "19:00-20:30"],
        "max_attempts": 3,
        "retry_after": {"dist": "exponential", "mean_s": 3600},
        "contact_prob": contact,
        "success_prob": 0.05,
        "ring_time": {"dist": "uniform", "min_s": 10, "max_s": 40},
        "talk_time": {"dist": "lognormal", "mean_s": 150, "cv": 1.0},
        "wrap_time": {"dist": "constant", "mean_s": 15},
        "dialing": "predictive",
        "pacing": {"max_abandon": cap, "connect_wait_s": 2},
        "groups": groups,
        **over,
    }


def _run(outbound, campaigns, inbound_agents=2, rate_per_h=10, replications=4, **extra):
    """Three days: an inbound group and outbound-only groups ``{id: agents}``."""
    groups = [{"id": "in", "skills": ["a"], "agents": inbound_agents}]
    groups += [{"id": g, "skills": [], "agents": n} for g, n in outbound.items()]
    sc = parse_scenario(
        {
            "name": "predictive",
            "seed": 12,
            "replications": replications,
            "horizon": {"duration_h": 72, "interval_min": 60},
            "call_types": [
                {
                    "id": "a",
                    "arrivals": {"rate_per_h": rate_per_h},
                    "handle_time": {"dist": "exponential", "mean_s": 100},
                }
            ],
            "centers": [{"id": "c", "groups": groups}],
            "campaigns": campaigns,
            **extra,
        }
    )
    return simulate(sc).campaign_values()


@pytest.mark.parametrize(("agents", "contact", "cap"), [(10, 0.4, 0.03), (25, 0.25, 0.05)])
def test_pacing_respects_the_abandon_cap(agents, contact, cap):
    v = _run(
        {"out": agents},
        [_campaign("marketing", ["out"], contact=contact, cap=cap)],
        replications=6,
    )["marketing"]
    assert np.all(v["contacts"] > 1000)  # a long run, and the dialler kept the agents busy
    assert v["abandon_rate"].mean() <= cap
    # not by starving the agents: busy most of the calling windows (8 h a day, 3 days)
    in_windows = v["agent_hours"] / (agents * 8 * 3)
    assert np.all(in_windows > 0.6), in_windows


def _margin(a, b):
    """Three standard errors of the difference of two means over replications."""
    return 3.0 * np.sqrt(np.var(a, ddof=1) / len(a) + np.var(b, ddof=1) / len(b))


def _at_least(a, b):
    """Mean of ``a`` not below the mean of ``b`` beyond replication noise."""
    return np.mean(a) >= np.mean(b) - _margin(a, b)


def _shared(priorities, groups=None, agents=None):
    """Predictive campaigns sharing outbound agents (one group of 10 unless given)."""
    groups = groups or [["out"]] * len(priorities)
    camps = [
        _campaign(f"m{i}", groups[i], daily_size=20_000 // len(priorities), priority=prio)
        for i, prio in enumerate(priorities)
    ]
    return _run(agents or {"out": 10}, camps)


def test_campaigns_sharing_agents_do_not_dial_twice_for_them():
    """Three equal campaigns on one group: each under the cap, sharing the agents evenly,
    and together at least as productive as one campaign with the whole list."""
    one = _shared([0])["m0"]
    three = _shared([0, 0, 0])
    for v in three.values():
        assert v["abandon_rate"].mean() <= 0.03
    contacts = [v["contacts"] for v in three.values()]
    for i, a in enumerate(contacts):  # equals share: no campaign ahead beyond noise
        for b in contacts[i + 1 :]:
            assert abs(np.mean(a) - np.mean(b)) <= _margin(a, b), contacts
    hours = sum(v["agent_hours"] for v in three.values())
    assert _at_least(hours, one["agent_hours"])


def test_campaigns_sharing_some_agents_keep_their_own_busy():
    """A big campaign sharing one agent with a small one leaves the small one its own ten."""
    agents = {"big": 40, "shared": 1, "own": 10}
    alone = _shared([0], groups=[["own", "shared"]], agents={"own": 10, "shared": 1})["m0"]
    both = _shared([0, 0], groups=[["big", "shared"], ["own", "shared"]], agents=agents)
    # alone it has 11 agents; beside the big one, at least its own 10 of them
    assert _at_least(both["m1"]["agent_hours"], alone["agent_hours"] * 10 / 11)
    for v in both.values():
        assert v["abandon_rate"].mean() <= 0.03


def test_the_higher_priority_campaign_dials_first():
    v = _shared([2, 0])
    high, low = v["m0"]["contacts"], v["m1"]["contacts"]
    assert np.mean(high) - np.mean(low) > _margin(high, low)
    assert v["m0"]["abandon_rate"].mean() <= 0.03


def test_pacing_on_a_blended_group_respects_the_cap():
    """Inbound calls may take the idle agents a predictive line was dialled for."""
    v = _run(
        {},
        [_campaign("m", ["in"], contact=0.9, daily_size=5000)],
        inbound_agents=6,
        rate_per_h=60,
        blending={"min_idle": 1},
    )["m"]
    assert np.all(v["contacts"] > 300)
    assert v["abandon_rate"].mean() <= 0.03


def test_pacing_with_overlapping_groups_respects_the_cap():
    """A on [y, x], B on [y, z]: each contact tries the group no rival shares first."""
    v = _run(
        {"x": 3, "y": 3, "z": 3},
        [
            _campaign("A", ["y", "x"], daily_size=5000),
            _campaign("B", ["y", "z"], daily_size=5000),
        ],
    )
    for k in ("A", "B"):
        assert v[k]["abandon_rate"].mean() <= 0.03, k
        assert v[k]["contacts"].mean() > 500, k
