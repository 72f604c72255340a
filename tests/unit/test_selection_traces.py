"""Selection policies: exact traces of which idle agent takes a call, which call an agent takes."""

import numpy as np

from ccsim.engine.model import Simulation
from ccsim.engine.streams import Streams, uniform
from ccsim.scenario import parse_scenario
from tests.helpers.problems import has
from tests.helpers.scen import base, const, trace


def pair(times, select=None, agents=(1, 1), b_factor=None, rule_select=None):
    """Groups a and b (in that plan order) both answering type x at once."""
    b = {"id": "b", "skills": ["x"], "agents": agents[1]}
    if b_factor is not None:
        b["proficiency"] = [{"time_factor": b_factor}]
    rule = {"groups": ["a", "b"]}
    if rule_select is not None:
        rule["agent_selection"] = rule_select
    routing = {"rules": [rule]}
    if select is not None:
        routing["agent_selection"] = select
    return base(
        call_types=[{"id": "x", "arrivals": {"times_s": list(times)}, "handle_time": const(10)}],
        centers=[{"id": "c", "groups": [{"id": "a", "skills": ["x"], "agents": agents[0]}, b]}],
        routing=routing,
    )


def groups(data):
    return [r["group"] for r in trace(data)]


# -- which idle agent takes an arriving call ----------------------------------------------


def test_order_takes_the_first_group_of_the_plan():
    # b's agent (2 s calls) is idle from 3, a's from 10: the order still says a
    assert groups(pair([0, 1, 20], b_factor=0.2)) == [0, 1, 0]


def test_longest_idle_takes_the_group_idle_longest():
    assert groups(pair([0, 1, 20], "longest_idle", b_factor=0.2)) == [0, 1, 1]
    # all idle since the start: the plan's order breaks the tie
    assert groups(pair([0], "longest_idle")) == [0]


def test_longest_idle_counts_agents_logged_in_later_from_their_login():
    d = pair([0, 90], "longest_idle")
    d["horizon"] = {"duration_h": 1, "interval_min": 1}
    d["centers"][0]["groups"][0]["agents"] = {"per_interval": [1] * 60}
    d["centers"][0]["groups"][1]["agents"] = {"per_interval": [0] + [1] * 59}
    # at 90: a idle since 10 (its call), b since 60 (logged in): a
    assert groups(d) == [0, 0]
    d["call_types"][0]["arrivals"]["times_s"] = [0, 60.5, 90]
    # at 60.5 a (idle since 10) takes it; at 90 a is idle since 70.5, b since 60: b
    assert groups(d) == [0, 0, 1]


def test_most_idle_takes_the_group_with_most_idle_agents():
    # a has 1 agent, b 2: b first; then 1 and 1: a by the plan's order; then b
    assert groups(pair([0, 1, 2], "most_idle", agents=(1, 2))) == [1, 0, 1]
    assert groups(pair([0, 1, 2], agents=(1, 2))) == [0, 1, 1]


def test_a_rules_policy_wins_over_the_routings():
    assert groups(pair([0, 1, 20], "order", b_factor=0.2, rule_select="longest_idle")) == [
        0,
        1,
        1,
    ]


def test_random_follows_the_streams_uniforms_in_proportion_to_idle_agents():
    # every call finds a's 1 and b's 3 agents idle: b with probability 3/4
    times = [100.0 * i for i in range(300)]
    d = pair(times, "random", agents=(1, 3))
    d["horizon"] = {"duration_h": 9, "interval_min": 60}
    got = groups(d)
    u = Streams(1, 0).buffered("routing/agent_selection", uniform)
    expected = [0 if u() * 4 < 1 else 1 for _ in times]
    assert got == expected
    # and the share is what the proportion says (binomial, 99.9 %: 3.29 sd)
    share = float(np.mean(np.asarray(got) == 1))
    assert abs(share - 0.75) <= 3.29 * np.sqrt(0.75 * 0.25 / len(times))


def test_default_policy_draws_nothing_and_changes_nothing():
    a = Simulation(parse_scenario(pair([0, 1, 2, 3])), 0).run().calls
    b = Simulation(parse_scenario(pair([0, 1, 2, 3], "order")), 0).run().calls
    for k in a:
        assert np.array_equal(a[k], b[k], equal_nan=True), k


# -- which waiting call a freed agent takes ----------------------------------------------


def aging(times_lo, times_hi, weight=1.0, hi_priority=20, policy="aging"):
    routing = {"policy": policy}
    if policy == "aging":
        routing["aging"] = {"weight_per_s": weight, "call_type_priority": {"hi": hi_priority}}
    return base(
        call_types=[
            {"id": "lo", "arrivals": {"times_s": list(times_lo)}, "handle_time": const(10)},
            {"id": "hi", "arrivals": {"times_s": list(times_hi)}, "handle_time": const(10)},
        ],
        centers=[{"id": "c", "groups": [{"id": "g", "skills": ["hi", "lo"], "agents": 1}]}],
        routing=routing,
    )


def answered_order(data):
    rows = trace(data)
    return sorted((r["t"] + r["wait"], r["type"], r["t"]) for r in rows)


def test_aging_lets_a_long_waiting_call_pass_a_fresh_higher_one():
    # busy 0-10 with hi; lo waits from 1. At 10: lo 9 vs hi(2) 20 + 8: hi. At 20: lo 19
    # vs hi(12) 28: hi. At 30: lo 29 vs hi(22) 28: lo, which has waited 29 s
    d = aging([1], [0, 2, 12, 22])
    assert answered_order(d) == [
        (0.0, "hi", 0.0),
        (10.0, "hi", 2.0),
        (20.0, "hi", 12.0),
        (30.0, "lo", 1.0),
        (40.0, "hi", 22.0),
    ]
    # strict priority (skill order) keeps lo waiting behind every hi
    strict = answered_order(aging([1], [0, 2, 12, 22], policy="tier_skill_wait"))
    assert [t for _, t, _ in strict] == ["hi", "hi", "hi", "hi", "lo"]


def test_aging_ties_go_to_the_call_queued_first():
    # at 10: lo(1) scores 0 + 9, hi(5) 4 + 5: a tie, lo entered first
    assert [t for _, t, _ in answered_order(aging([1], [0, 5], hi_priority=4))] == [
        "hi",
        "lo",
        "hi",
    ]
    # one point more and hi wins
    assert [t for _, t, _ in answered_order(aging([1], [0, 5], hi_priority=5))] == [
        "hi",
        "hi",
        "lo",
    ]


def test_aging_with_equal_priorities_is_the_longest_wait():
    d = aging([1, 3], [0, 2], hi_priority=0)
    assert [t for _, _, t in answered_order(d)] == [0.0, 1.0, 2.0, 3.0]


# -- validation ------------------------------------------------------------------------------


def test_aging_needs_its_block_and_the_block_its_policy():
    d = aging([1], [0])
    del d["routing"]["aging"]
    has(d, "routing.aging: is required with policy aging (aging: {weight_per_s: ...})")
    d = aging([1], [0], policy="wait")
    d["routing"]["aging"] = {"weight_per_s": 1.0}
    has(d, "routing.aging: goes with policy: aging (the policy is 'wait')")


def test_aging_names_known_call_types_and_a_positive_weight():
    d = aging([1], [0])
    d["routing"]["aging"]["call_type_priority"] = {"vip": 3}
    has(d, "routing.aging.call_type_priority.vip: names no call type (known: hi, lo), got 'vip'")
    d = aging([1], [0], weight=0.0)
    has(d, "routing.aging.weight_per_s: must be > 0, got 0.0")


def test_unknown_agent_selection_is_refused():
    has(pair([0], "fastest"), "routing.agent_selection: must be one of")
    has(pair([0], rule_select="fastest"), "routing.rules[0].agent_selection: must be one of")
