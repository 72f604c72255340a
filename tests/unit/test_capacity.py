"""Lines (trunks) and queue capacity: exact traces, validation messages, counts."""

import numpy as np
import pytest

from ccsim.engine.model import Simulation
from ccsim.engine.records import Outcome
from ccsim.runner import simulate
from ccsim.scenario import parse_scenario
from tests.helpers.problems import has, problems
from tests.helpers.scen import base, const, trace

REDIAL = {"probabilities": [1.0], "delay": const(100)}


def types(*specs):
    return [
        {"id": t, "arrivals": {"times_s": times}, "handle_time": const(h), **extra}
        for t, times, h, extra in specs
    ]


def outcomes(d):
    return [(r["caller"], r["t"], r["outcome"], r["wait"]) for r in trace(d)]


def test_a_call_holds_its_line_through_queue_and_talk_not_wrap():
    # 2 lines, 1 agent; talk 10, wrap 5. Caller 1 talks 0-10, caller 2 waits to 15 and
    # talks to 25, caller 5 takes the line caller 1 freed at 10 and talks 30-40.
    d = base(call_types=types(("a", [0, 1, 2, 5, 10, 11], 10, {"wrap_time": const(5)})), lines=2)
    assert outcomes(d) == [
        (1, 0.0, "answered", 0.0),
        (2, 1.0, "answered", 14.0),
        (3, 2.0, "lines_busy", None),
        (4, 5.0, "lines_busy", None),
        (5, 10.0, "answered", 20.0),
        (6, 11.0, "lines_busy", None),
    ]
    log = Simulation(parse_scenario(d)).run().lines
    # seizures +1, releases -1, refusals 0 (for the offered load), in time order
    assert log["t"].tolist() == [0, 1, 2, 5, 10, 10, 11, 25, 40]
    assert log["delta"].tolist() == [1, 1, 0, 0, -1, 1, 0, -1, -1]


def test_a_line_is_held_in_the_ivr_and_freed_when_the_ivr_ends():
    ivr = {"containment": 1.0, "time_self_service": const(30)}
    d = base(call_types=types(("a", [0, 10, 30, 31], 10, {"ivr": ivr})), lines=1)
    assert [r["outcome"] for r in trace(d)] == [
        "contained",
        "lines_busy",
        "contained",
        "lines_busy",
    ]


def test_an_abandon_frees_the_line():
    d = base(call_types=types(("a", [0, 1, 2, 6], 50, {"patience": const(4)})), lines=2)
    # caller 2 abandons at 5; caller 3 was blocked at 2, caller 4 takes the line at 6
    assert outcomes(d) == [
        (1, 0.0, "answered", 0.0),
        (2, 1.0, "abandoned", 4.0),
        (3, 2.0, "lines_busy", None),
        (4, 6.0, "abandoned", 4.0),
    ]


def test_centre_lines_count_the_calls_of_their_site():
    # two centres with a line each: calls of network n2 go to the second centre
    d = base(
        networks=[{"id": "n1", "share": 0.5}, {"id": "n2", "share": 0.5}],
        call_types=[
            {
                "id": "a",
                "arrivals": {"times_s": [0, 1, 2, 3], "networks": ["n1", "n1", "n2", "n2"]},
                "handle_time": const(10),
            }
        ],
        centers=[
            {"id": "p", "lines": 1, "groups": [{"id": "g1", "skills": ["a"], "agents": 5}]},
            {
                "id": "l",
                "kind": "local",
                "network": "n2",
                "lines": 1,
                "groups": [{"id": "g2", "skills": ["a"], "agents": 5}],
            },
        ],
        routing={"rules": [{"networks": ["n2"], "groups": ["g2"]}, {"groups": ["g1"]}]},
    )
    assert [r["outcome"] for r in trace(d)] == ["answered", "lines_busy"] * 2
    # and the hotline's limit binds across centres
    d["lines"] = 1
    assert [r["outcome"] for r in trace(d)] == ["answered"] + ["lines_busy"] * 3


def test_queue_capacity_refuses_callers_beyond_it():
    d = base(call_types=types(("a", [0, 1, 2, 3, 12], 10, {"queue_capacity": 1})))
    assert outcomes(d) == [
        (1, 0.0, "answered", 0.0),
        (2, 1.0, "answered", 9.0),
        (3, 2.0, "queue_full", 0.0),
        (4, 3.0, "queue_full", 0.0),
        (5, 12.0, "answered", 8.0),  # the queue has room again once caller 2 is answered
    ]


def test_zero_queue_capacity_means_no_queue():
    d = base(call_types=types(("a", [0, 1, 11], 10, {"queue_capacity": 0})))
    assert [r["outcome"] for r in trace(d)] == ["answered", "queue_full", "answered"]


def test_queue_capacity_is_per_call_type():
    d = base(
        call_types=types(
            ("a", [0, 1, 2], 10, {"queue_capacity": 1}), ("b", [3, 4], 10, {"queue_capacity": 1})
        ),
        centers=[{"id": "c", "groups": [{"id": "g", "skills": ["a", "b"], "agents": 1}]}],
    )
    assert [(r["type"], r["outcome"]) for r in trace(d)] == [
        ("a", "answered"),
        ("a", "answered"),
        ("a", "queue_full"),
        ("b", "answered"),
        ("b", "queue_full"),
    ]


def test_blocked_callers_redial_by_their_own_settings():
    redial = {**REDIAL, "blocked": {"probabilities": [1.0, 1.0], "delay": const(30)}}
    d = base(call_types=types(("a", [0, 1, 2], 100, {"redial": redial, "patience": const(3)})))
    d["lines"] = 1
    rows = [(r["caller"], r["t"], r["outcome"], r["kind"]) for r in trace(d)]
    # callers 2 and 3 hear busy and redial 30 s later, twice; caller 1 talks to 100
    assert rows == [
        (1, 0.0, "answered", 0),
        (2, 1.0, "lines_busy", 0),
        (3, 2.0, "lines_busy", 0),
        (2, 31.0, "lines_busy", 1),
        (3, 32.0, "lines_busy", 1),
        (2, 61.0, "lines_busy", 1),
        (3, 62.0, "lines_busy", 1),
    ]
    # without their own settings, blocked callers redial like abandoners (100 s, once)
    d["call_types"][0]["redial"] = REDIAL
    rows = [(r["caller"], r["t"], r["outcome"]) for r in trace(d)]
    assert rows == [
        (1, 0.0, "answered"),
        (2, 1.0, "lines_busy"),
        (3, 2.0, "lines_busy"),
        (2, 101.0, "answered"),
        (3, 102.0, "lines_busy"),  # caller 2 holds the one line again; no third try
    ]


def test_queue_full_callers_redial_and_count_as_blocked_requests():
    d = base(
        call_types=types(("a", [0, 1, 2], 10, {"queue_capacity": 1, "redial": REDIAL})),
    )
    rows = [(r["caller"], r["t"], r["outcome"]) for r in trace(d)]
    assert rows == [
        (1, 0.0, "answered"),
        (2, 1.0, "answered"),
        (3, 2.0, "queue_full"),
        (3, 102.0, "answered"),
    ]
    k = simulate(parse_scenario(d), workers=1).kpis()["mean"]
    assert k["offered"] == 4
    assert k["queue_full"] == 1 and k["blocked"] == 1 and k["lines_blocked"] == 0
    assert k["queue_full_rate"] == pytest.approx(0.25)
    assert k["answer_rate"] == pytest.approx(0.75)


def test_lines_kpis_are_time_weighted_and_peak():
    # 1 interval of 60 s: lines busy 0-10 and 1-11 (2 calls, 1 agent each), then idle
    d = base(
        horizon={"duration_h": 1 / 60, "interval_min": 1},
        call_types=types(("a", [0, 1, 2], 10, {})),
        centers=[{"id": "c", "groups": [{"id": "g", "skills": ["a"], "agents": 2}]}],
        lines=2,
    )
    res = simulate(parse_scenario(d), workers=1)
    k = res.kpis()["mean"]
    assert k["lines_busy"] == pytest.approx(20 / 60)
    assert k["max_lines"] == 2
    assert k["line_blocking"] == pytest.approx(1 / 3)
    assert k["blocked_rate"] == pytest.approx(1 / 3)
    c = res.kpis("center")
    assert c.loc["c", ("lines_busy", "mean")] == pytest.approx(20 / 60)
    doc = res.summary()
    assert doc["capacity"] == {"lines": {"hotline": 2, "centers": {"c": None}}}
    assert doc["centers"]["c"]["max_lines"]["mean"] == 2


def test_lines_and_queue_capacity_of_the_same_size_are_the_same_system():
    # lines = agents + places in the queue: the same calls get the same fate
    def sc(**extra):
        ct = {
            "id": "a",
            "arrivals": {"rate_per_h": 120},
            "handle_time": {"dist": "exponential", "mean_s": 100},
        }
        d = base(call_types=[ct], horizon={"duration_h": 4, "interval_min": 30})
        d["centers"][0]["groups"][0]["agents"] = 3
        if "queue_capacity" in extra:
            d["call_types"][0]["queue_capacity"] = extra["queue_capacity"]
        else:
            d["lines"] = extra["lines"]
        return parse_scenario(d)

    a = Simulation(sc(lines=5)).run().calls
    b = Simulation(sc(queue_capacity=2)).run().calls
    ia, ib = np.argsort(a["caller"], kind="stable"), np.argsort(b["caller"], kind="stable")
    np.testing.assert_array_equal(a["t_arrival"][ia], b["t_arrival"][ib])
    blocked_a = a["outcome"][ia] == Outcome.LINES_BUSY
    blocked_b = b["outcome"][ib] == Outcome.QUEUE_FULL
    np.testing.assert_array_equal(blocked_a, blocked_b)  # the same callers hear busy
    assert blocked_a.sum() > 0
    np.testing.assert_array_equal(a["wait"][ia][~blocked_a], b["wait"][ib][~blocked_b])


def test_defaults_leave_the_random_streams_alone():
    # a capacity that never binds gives exactly the numbers of no capacity at all
    d = base(call_types=types(("a", [0, 5, 7, 30], 20, {"patience": const(9)})))
    free = trace(d)
    d["lines"] = 100
    d["call_types"][0]["queue_capacity"] = 100
    d["centers"][0]["lines"] = 100
    assert trace(d) == free


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"lines": -1}, "lines: must be >= 0, got -1"),
        ({"lines": 2.5}, "lines: must be a whole number, got 2.5"),
        ({"centers.0.lines": -3}, "centers[0].lines: must be >= 0, got -3"),
        ({"call_types.0.queue_capacity": -1}, "call_types[0].queue_capacity: must be >= 0, got -1"),
        (
            {"targets": {"blocked_rate": 2}},
            "targets.blocked_rate: must be <= 1 (shares are fractions: if you meant 2 %, write 0.02), got 2",
        ),
        (
            {
                "call_types.0.redial": {
                    **REDIAL,
                    "after": ["queue_abandon"],
                    "blocked": {"probabilities": [0.5], "delay": const(60)},
                }
            },
            "call_types[0].redial: blocked settings given, but 'blocked' is not in after",
        ),
        (
            {"call_types.0.redial": {**REDIAL, "blocked": {"probabilities": [1.5]}}},
            "call_types[0].redial.blocked.probabilities[0]: must be <= 1 (shares are fractions: if you meant 1.5 %, write 0.015), got 1.5",
        ),
    ],
)
def test_validation_messages(change, expected):
    d = base()
    for path, value in change.items():
        if "." not in path:
            d[path] = value
            continue
        head, idx, key = path.split(".")
        d[head][int(idx)][key] = value
    has(d, expected)


def test_every_problem_at_once():
    d = base(lines=-1)
    d["call_types"][0]["queue_capacity"] = -2
    found = problems(d)
    assert any("lines" in p for p in found) and any("queue_capacity" in p for p in found)


def test_callers_expecting_too_long_a_wait_are_refused():
    # one agent, 10 s calls: caller 2 expects 10 s, caller 3 would expect 20 s (> 15)
    d = base(call_types=types(("a", [0, 1, 2, 12], 10, {"max_expected_wait_s": 15})))
    assert outcomes(d) == [
        (1, 0.0, "answered", 0.0),
        (2, 1.0, "answered", 9.0),
        (3, 2.0, "queue_full", 0.0),
        (4, 12.0, "answered", 8.0),  # nobody ahead at 12: 10 s expected
    ]
    # without agents every caller who must wait is refused
    d["centers"][0]["groups"][0]["agents"] = 0
    assert {r[2] for r in outcomes(d)} == {"queue_full"}
