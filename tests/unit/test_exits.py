"""The caller's exits: a maximum wait per call type, and closing time. Exact traces."""

import numpy as np
import pytest

from ccsim.engine.model import Simulation
from ccsim.engine.records import Outcome
from ccsim.runner import simulate
from ccsim.scenario import parse_scenario
from tests.helpers.problems import has
from tests.helpers.scen import base, const, orders_case, trace

REDIAL = {"probabilities": [1.0], "delay": const(100)}


def types(*specs):
    return [
        {"id": t, "arrivals": {"times_s": times}, "handle_time": const(h), **extra}
        for t, times, h, extra in specs
    ]


def rows(d):
    return [(r["caller"], r["t"], r["outcome"], r["wait"]) for r in trace(d)]


def one_agent(max_wait, times=(0, 1, 2), talk=10, **extra):
    return base(call_types=types(("a", list(times), talk, {"max_wait": max_wait, **extra})))


@pytest.mark.parametrize(
    ("max_wait", "outcome"),
    [
        ({"after_s": 5, "action": "disconnect"}, "timed_out"),
        ({"after_s": 5, "action": "message"}, "message"),
        ({"after_s": 5, "action": "callback"}, "callback"),
        ({"after_s": 5, "action": "callback", "accept": 0.0, "otherwise": "leave"}, "abandoned"),
    ],
)
def test_the_maximum_wait_ends_the_wait_after_exactly_its_seconds(max_wait, outcome):
    assert rows(one_agent(max_wait)) == [
        (1, 0.0, "answered", 0.0),
        (2, 1.0, outcome, 5.0),
        (3, 2.0, outcome, 5.0),
    ]


def test_callers_who_decline_the_callback_keep_waiting():
    mw = {"after_s": 5, "action": "callback", "accept": 0.0}
    assert rows(one_agent(mw)) == [
        (1, 0.0, "answered", 0.0),
        (2, 1.0, "answered", 9.0),
        (3, 2.0, "answered", 18.0),
    ]


def test_a_caller_answered_before_the_limit_is_not_touched():
    # caller 2 is answered at 10, 9 s after joining: the 12 s limit never comes
    assert rows(one_agent({"after_s": 12, "action": "disconnect"})) == [
        (1, 0.0, "answered", 0.0),
        (2, 1.0, "answered", 9.0),
        (3, 2.0, "timed_out", 12.0),
    ]


def test_patience_shorter_than_the_limit_wins():
    d = one_agent({"after_s": 5, "action": "message"}, patience=const(3))
    assert [r[2] for r in rows(d)] == ["answered", "abandoned", "abandoned"]


def test_cut_off_callers_redial_as_abandoners_and_messages_do_not():
    d = one_agent({"after_s": 5, "action": "disconnect"}, times=(0, 1), talk=50, redial=REDIAL)
    assert rows(d) == [(1, 0.0, "answered", 0.0), (2, 1.0, "timed_out", 5.0),
                       (2, 106.0, "answered", 0.0)]  # fmt: skip
    d = one_agent({"after_s": 5, "action": "message"}, times=(0, 1), talk=50, redial=REDIAL)
    assert [r[2] for r in rows(d)] == ["answered", "message"]


def test_the_exits_free_the_line():
    d = one_agent({"after_s": 5, "action": "callback"}, times=(0, 1, 3, 7), talk=50)
    d["lines"] = 2
    # caller 3 finds both lines busy at 3; caller 2 leaves at 6, so caller 4 gets a line
    assert [r[2] for r in rows(d)] == ["answered", "callback", "lines_busy", "callback"]


@pytest.mark.parametrize(
    ("rule", "outcome"), [("serve", None), ("disconnect", "closed"), ("message", "message")]
)
def test_closing_time_ends_the_ivr_and_the_queue(rule, outcome):
    # 60 s horizon, one agent talking 50 s; IVR 30 s. At 60: callers 2 and 3 wait (queued
    # at 31 and 32), caller 4 is in the IVR (40 to 70)
    d = base(
        horizon={"duration_h": 1 / 60, "interval_min": 1},
        call_types=types(("a", [0, 1, 2, 40], 50, {"ivr": {"time_to_agent": const(30)}})),
        at_closing=rule,
    )
    got = rows(d)
    if outcome is None:
        assert [r[2] for r in got] == ["answered"] * 4
        return
    assert got == [
        (1, 0.0, "answered", 0.0),
        (2, 1.0, outcome, 29.0),
        (3, 2.0, outcome, 28.0),
        (4, 40.0, outcome, None),
    ]
    k = simulate(parse_scenario(d), workers=1).kpis()["mean"]
    assert k["offered"] == 3  # the caller still in the IVR had not asked for an agent
    key = "closed" if rule == "disconnect" else "messages"
    assert k[key] == 3


def test_counts_and_rates():
    d = one_agent({"after_s": 5, "action": "callback", "accept": 1.0}, times=(0, 1, 2, 3))
    k = simulate(parse_scenario(d), workers=1).kpis()["mean"]
    assert k["offered"] == 4 and k["answered"] == 1
    assert k["callbacks_requested"] == 3
    assert k["callback_rate"] == pytest.approx(0.75)
    assert k["service_level"] == pytest.approx(0.25)  # offered formula: not answered
    assert k["abandon_rate"] == 0


def test_max_wait_disconnect_is_deterministic_patience():
    # the same queue: callers leaving at 20 s, by patience or by the limit
    def sc(**extra):
        ct = {
            "id": "a",
            "arrivals": {"rate_per_h": 100},
            "handle_time": {"dist": "exponential", "mean_s": 100},
            **extra,
        }
        d = base(call_types=[ct], horizon={"duration_h": 4, "interval_min": 30})
        d["centers"][0]["groups"][0]["agents"] = 3
        return parse_scenario(d)

    a = Simulation(sc(patience=const(20))).run().calls
    b = Simulation(sc(max_wait={"after_s": 20, "action": "disconnect"})).run().calls
    ia, ib = np.argsort(a["caller"], kind="stable"), np.argsort(b["caller"], kind="stable")
    left_a = a["outcome"][ia] == Outcome.ABANDONED
    left_b = b["outcome"][ib] == Outcome.TIMED_OUT
    np.testing.assert_array_equal(left_a, left_b)
    assert left_a.sum() > 0
    np.testing.assert_array_equal(a["wait"][ia], b["wait"][ib])


@pytest.mark.parametrize(
    ("max_wait", "expected"),
    [
        ({"after_s": -1, "action": "message"}, "call_types[0].max_wait.after_s: must be >= 0"),
        ({"after_s": 5, "action": "hang"}, "call_types[0].max_wait.action: must be one of"),
        (
            {"after_s": 5, "action": "message", "accept": 0.5},
            "call_types[0].max_wait: accept goes with action: callback",
        ),
        (
            {"after_s": 5, "action": "disconnect", "otherwise": "leave"},
            "call_types[0].max_wait: otherwise goes with action: callback",
        ),
        (
            {"after_s": 5, "action": "callback", "accept": 1.5},
            "call_types[0].max_wait.accept: must be <= 1 (shares are fractions: if you meant 1.5 %, write 0.015), got 1.5",
        ),
        ({"action": "callback"}, "call_types[0].max_wait.after_s: is required"),
    ],
)
def test_validation_messages(max_wait, expected):
    d = base()
    d["call_types"][0]["max_wait"] = max_wait
    has(d, expected)


def test_closing_rule_validation():
    has(base(at_closing="later"), "at_closing: must be one of")


def test_a_message_raises_the_work_order_its_call_type_names():
    # raised_by probability 0: only the message raises an order; two calls at 0 and 1,
    # talk 50: the second leaves a message at 6, the order is worked 6-106
    d = orders_case()
    d["work_orders"][0]["raised_by"][0]["probability"] = 0.0
    d["call_types"][0].update(
        arrivals={"times_s": [0, 1]},
        handle_time=const(50),
        max_wait={"after_s": 5, "action": "message"},
        message_order="complaint_order",
    )
    rec = Simulation(parse_scenario(d), 0).run()
    c, o = rec.calls, rec.orders
    msg = c["outcome"] == Outcome.MESSAGE
    assert msg.sum() == 1 and c["order"][msg][0] == 0 and c["order"][~msg][0] == -1
    assert o["t_created"].tolist() == [6.0] and o["t_closed"].tolist() == [106.0]


def test_message_order_names_a_work_order():
    d = base()
    d["call_types"][0]["message_order"] = "nothing"
    has(d, "call_types[0].message_order: names no work-order type")


def test_virtual_hold_offers_the_callback_on_joining_a_long_queue():
    # one agent, 10 s calls: caller 2 expects 10 s (waits), callers 3 and 4 expect 20 s
    # and 20 s again (caller 3 left): over 15 s they take the callback at once
    mw = {"after_s": 100, "action": "callback", "offer_at_arrival_s": 15}
    d = one_agent(mw, times=(0, 1, 2, 3))
    assert rows(d) == [
        (1, 0.0, "answered", 0.0),
        (2, 1.0, "answered", 9.0),
        (3, 2.0, "virtual_hold", 0.0),
        (4, 3.0, "virtual_hold", 0.0),
    ]
    k = simulate(parse_scenario(d), workers=1).kpis()["mean"]
    assert k["virtual_holds"] == 2 and k["callbacks_requested"] == 2
    # declined at arrival: the offer comes again at the maximum wait (here: hang up then)
    mw.update(accept=0.0, after_s=12, otherwise="leave")
    assert [r[2] for r in rows(one_agent(mw, times=(0, 1, 2, 3)))] == [
        "answered", "answered", "abandoned", "abandoned",
    ]  # fmt: skip


def test_virtual_hold_needs_a_callback():
    d = base()
    d["call_types"][0]["max_wait"] = {"after_s": 5, "action": "message", "offer_at_arrival_s": 9}
    has(d, "call_types[0].max_wait: offer_at_arrival_s goes with action: callback")


def callback_campaign(limit_s=20, **feed):
    return base(
        call_types=[
            {"id": "a", "arrivals": {"times_s": [0, 1, 2]}, "handle_time": const(50),
             "max_wait": {"after_s": 5, "action": "callback"}}
        ],
        centers=[
            {"id": "c", "groups": [{"id": "g", "skills": ["a"], "agents": 1},
                                   {"id": "out", "skills": [], "agents": 1}]}
        ],
        campaigns=[
            {"id": "cb", "feed": {"source": "callbacks", "limit_s": limit_s, **feed},
             "windows": ["00:00-23:59"], "max_attempts": 2, "retry_after": const(100),
             "contact_prob": 1.0, "ring_time": const(10), "talk_time": const(30),
             "groups": ["out"]}
        ],
    )  # fmt: skip


def test_accepted_callbacks_are_dialled_by_the_campaign_and_timed_against_its_limit():
    # callbacks at 6 and 7; the outbound agent dials at 6 (ring 10, talk 30: busy to 46)
    # and at 46: the first within 20 s of its request, the second 39 s after
    rec = Simulation(parse_scenario(callback_campaign())).run()
    r, a = rec.outbound["records"], rec.outbound["attempts"]
    assert r["released"].tolist() == [6.0, 7.0]
    assert a["t_dial"].tolist() == [6.0, 46.0]
    figs = simulate(parse_scenario(callback_campaign()), workers=1).campaigns()["cb"]
    assert figs["released"]["mean"] == 2 and figs["on_time"]["mean"] == 1
    assert figs["on_time_rate"]["mean"] == 0.5 and figs["reached_rate"]["mean"] == 1.0
    # a feed for another call type takes none
    d = callback_campaign()
    d["call_types"].append({"id": "b", "arrivals": {"times_s": [500]}, "handle_time": const(5)})
    d["centers"][0]["groups"][0]["skills"] = ["a", "b"]
    d["campaigns"][0]["feed"]["call_types"] = ["b"]
    assert Simulation(parse_scenario(d)).run().outbound["records"]["record"].size == 0


@pytest.mark.parametrize(
    ("feed", "expected"),
    [
        (
            {"source": "abandoned", "limit_s": 60},
            "feed.limit_s is only used with source: callbacks",
        ),
        ({"source": "callbacks", "share": 0.5}, "feed.share is only used with source: abandoned"),
        (
            {"source": "callbacks", "call_types": ["zz"]},
            "campaigns[0].feed.call_types[0]: names no call type",
        ),
        ({"source": "callbacks", "limit_s": 0}, "campaigns[0].feed.limit_s: must be > 0"),
    ],
)
def test_callback_feed_validation(feed, expected):
    d = callback_campaign()
    d["campaigns"][0]["feed"] = feed
    has(d, expected)
