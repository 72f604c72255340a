"""Exact small traces: every time is constant, so every wait is known by hand."""

import pytest

from tests.helpers.scen import base, const, trace


def types(*specs):
    return [
        {"id": t, "arrivals": {"times_s": times}, "handle_time": const(h), **extra}
        for t, times, h, extra in specs
    ]


def test_two_agents_fifo_waits():
    d = base(
        call_types=types(("a", [0, 1, 2, 3], 10, {})),
        centers=[{"id": "c", "groups": [{"id": "g", "skills": ["a"], "agents": 2}]}],
    )
    rows = trace(d)
    assert [r["outcome"] for r in rows] == ["answered"] * 4
    assert [r["wait"] for r in rows] == [0, 0, 8, 8]  # answered at 0, 1, 10, 11


def test_patience_abandons_at_exact_times():
    d = base(call_types=types(("a", [0, 1, 2], 10, {"patience": const(5)})))
    rows = trace(d)
    assert [(r["outcome"], r["wait"]) for r in rows] == [
        ("answered", 0),
        ("abandoned", 5),
        ("abandoned", 5),
    ]


def test_wrap_time_keeps_agent_busy():
    d = base(call_types=types(("a", [0, 1], 10, {"wrap_time": const(5)})))
    assert [r["wait"] for r in trace(d)] == [0, 14]  # free at 15


def test_delayed_overflow_to_second_group():
    d = base(
        call_types=types(("a", [0, 1], 100, {})),
        centers=[
            {
                "id": "c",
                "groups": [
                    {"id": "first", "skills": ["a"], "agents": 1},
                    {"id": "second", "skills": ["a"], "agents": 1},
                ],
            }
        ],
        routing={"rules": [{"groups": ["first", {"group": "second", "delay_s": 5}]}]},
    )
    rows = trace(d)
    assert [(r["group"], r["wait"]) for r in rows] == [(0, 0), (1, 5)]


def test_overflow_delay_does_not_block_first_group():
    # the first group frees before the delay passes: it takes the call
    d = base(
        call_types=types(("a", [0, 1], 3, {})),
        centers=[
            {
                "id": "c",
                "groups": [
                    {"id": "first", "skills": ["a"], "agents": 1},
                    {"id": "second", "skills": ["a"], "agents": 1},
                ],
            }
        ],
        routing={"rules": [{"groups": ["first", {"group": "second", "delay_s": 5}]}]},
    )
    assert [(r["group"], r["wait"]) for r in trace(d)] == [(0, 0), (0, 2)]


def test_tier_priority_beats_longer_wait():
    d = base(
        tiers=[
            {"id": "vip", "share": 0.5, "priority": 1},
            {"id": "regular", "share": 0.5, "priority": 0},
        ],
        call_types=[
            {
                "id": "a",
                "arrivals": {"times_s": [0, 1, 2], "tiers": ["regular", "regular", "vip"]},
                "handle_time": const(10),
            }
        ],
    )
    rows = trace(d)
    # agent busy 0-10; the VIP (arrived 2) goes first at 10, the regular (arrived 1) at 20
    assert [(r["tier"], r["wait"]) for r in rows] == [(1, 0), (1, 19), (0, 8)]


@pytest.mark.parametrize(("policy", "first"), [("tier_skill_wait", "b"), ("wait", "a")])
def test_freed_agent_follows_skill_order_or_longest_wait(policy, first):
    d = base(
        call_types=types(("a", [1], 10, {}), ("b", [2], 10, {}), ("x", [0], 10, {})),
        centers=[{"id": "c", "groups": [{"id": "g", "skills": ["x", "b", "a"], "agents": 1}]}],
        routing={"policy": policy},
    )
    rows = {r["type"]: r for r in trace(d)}
    served_second = min(("a", "b"), key=lambda t: rows[t]["t"] + rows[t]["wait"])
    assert served_second == first
    assert rows[first]["t"] + rows[first]["wait"] == 10


def test_shift_drop_lets_busy_agents_finish():
    # 2 agents in minute 0, 1 from minute 1; both busy 0-100 and 1-101
    d = base(
        call_types=types(("a", [0, 1, 70], 100, {})),
        horizon={"duration_h": 0.05, "interval_min": 1},
        centers=[{"id": "c", "groups": [{"id": "g", "skills": ["a"], "agents": [2, 1, 1]}]}],
    )
    rows = trace(d)
    # at 100 the first agent leaves (the group is over its staffing); at 101 the other
    # agent takes the call that arrived at 70
    assert [r["wait"] for r in rows] == [0, 0, 31]


def test_staffing_rise_takes_waiting_calls_at_the_boundary():
    d = base(
        call_types=types(("a", [10, 20], 5, {})),
        horizon={"duration_h": 0.05, "interval_min": 1},
        centers=[{"id": "c", "groups": [{"id": "g", "skills": ["a"], "agents": [0, 2, 2]}]}],
    )
    assert [r["wait"] for r in trace(d)] == [50, 40]


def test_ivr_containment_and_times():
    ivr = {"containment": 1.0, "time_to_agent": const(30), "time_self_service": const(60)}
    d = base(call_types=types(("a", [0], 10, {"ivr": ivr})))
    assert trace(d)[0]["outcome"] == "contained"
    ivr["containment"] = 0.0
    d = base(call_types=types(("a", [0, 1], 10, {"ivr": ivr})))
    rows = trace(d)
    # both wait 30 s in the IVR; the second reaches the queue at 31 and waits to 40
    assert [(r["outcome"], r["wait"]) for r in rows] == [("answered", 0), ("answered", 9)]


def test_ivr_ports_block_callers():
    ivr = {"time_to_agent": const(30)}
    d = base(call_types=types(("a", [0, 1, 2, 40], 5, {"ivr": ivr})), ivr_ports=2)
    assert [r["outcome"] for r in trace(d)] == ["answered", "answered", "blocked", "answered"]


def test_password_failures_go_to_agent_or_disconnect():
    pw = {
        "share": 1.0,
        "fail_prob": 1.0,
        "tries": 3,
        "try_time": const(10),
        "after_last_failure": "agent",
    }
    ivr = {"containment": 1.0, "time_to_agent": const(5), "password": pw}
    d = base(call_types=types(("a", [0], 10, {"ivr": ivr})))
    rows = trace(d)
    assert rows[0]["outcome"] == "answered"
    pw["after_last_failure"] = "disconnect"
    assert (
        trace(base(call_types=types(("a", [0], 10, {"ivr": ivr}))))[0]["outcome"] == "disconnected"
    )
    pw["fail_prob"] = 0.0  # passes: contained as usual
    assert trace(base(call_types=types(("a", [0], 10, {"ivr": ivr}))))[0]["outcome"] == "contained"


def test_redial_after_abandoning_is_the_same_caller():
    redial = {"probabilities": [1.0], "delay": const(100)}
    d = base(call_types=types(("a", [0, 1], 50, {"patience": const(5), "redial": redial})))
    rows = trace(d)
    assert [(r["caller"], r["outcome"], r["t"]) for r in rows] == [
        (1, "answered", 0),
        (2, "abandoned", 1),
        (2, "answered", 106),  # redial at 6 + 100
    ]
    assert rows[2]["kind"] == 1  # redial


def test_unresolved_caller_returns():
    d = base(call_types=types(("a", [0], 10, {"fcr": 0.0, "return_delay": const(100)})))
    rows = trace(d)
    # talk 10 then 100 s later the same caller calls again (kind 2 = return), and again
    assert [(r["caller"], r["t"], r["kind"]) for r in rows][:3] == [
        (1, 0, 0),
        (1, 110, 2),
        (1, 220, 2),
    ]


def test_nobody_waits_when_agents_are_idle_in_an_eligible_group():
    d = base(
        call_types=types(("a", [0, 0.5, 1], 10, {}), ("b", [0.2], 10, {})),
        centers=[
            {
                "id": "c",
                "groups": [
                    {"id": "ga", "skills": ["a"], "agents": 1},
                    {"id": "gab", "skills": ["b", "a"], "agents": 2},
                ],
            }
        ],
    )
    rows = trace(d)
    assert [r["wait"] for r in rows] == [0, 0, 0, 9]  # the call at 1 waits for ga, free at 10


def test_queue_length_measures_are_exact():
    from ccsim.runner import simulate
    from ccsim.scenario import parse_scenario

    # one agent busy 0-10; callers waiting: one from 1, two from 2; answered at 10 and 20
    d = base(
        call_types=types(("a", [0, 1, 2], 10, {})),
        horizon={"duration_h": 1, "interval_min": 60},
    )
    res = simulate(parse_scenario(d), replications=1, workers=1)
    k = res.kpis()
    assert k.loc["max_queue", "mean"] == 2
    # waiting caller-seconds: (10 - 1) + (20 - 2) = 27 over the hour
    assert k.loc["avg_queue", "mean"] == pytest.approx(27 / 3600)
