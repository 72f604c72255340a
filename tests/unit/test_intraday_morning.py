"""What the morning leaves running: callers in the IVR and redials and returns due at ``at``.

Exact traces of the forward model (one IVR caller, one redial, one return), the exit of a
visit conditioned on the time spent, the snapshot that finds them, and every rule of the
state with its message.
"""

import copy
import functools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccsim.engine.call import CONTAINED, LOST, TO_AGENT
from ccsim.engine.ivr_rest import ivr_rest, visits
from ccsim.engine.model import Simulation
from ccsim.engine.records import Kind, Outcome
from ccsim.errors import InputError
from ccsim.intraday.forward import build_forward
from ccsim.intraday.snapshot import snapshot
from ccsim.intraday.state import parse_state
from ccsim.runner.simulate import simulate
from ccsim.scenario import parse_scenario
from tests.helpers.scen import base, const, orders_called_back, orders_case

# no arrivals of its own (the forward model's callers are the state's); IVR: 60 s to an
# agent, 90 s of self-service, half the callers self-served; 2 agents, talk 100 s
SCENARIO = base(
    horizon={"start": "08:00", "duration_h": 4, "interval_min": 30},
    call_types=[
        {
            "id": "query",
            "arrivals": {"per_interval": [0.0] * 8},
            "handle_time": const(100),
            "ivr": {
                "containment": 0.5,
                "time_to_agent": const(60),
                "time_self_service": const(90),
            },
            "redial": {"probabilities": [1.0], "delay": const(300)},
        },
        {"id": "order", "arrivals": {"per_interval": [0.0] * 8}, "handle_time": const(100)},
    ],
    centers=[{"id": "c", "groups": [{"id": "g", "skills": ["query", "order"], "agents": 2}]}],
)
AT = 3600.0  # 09:00


@pytest.fixture(scope="module")
def sc():
    return parse_scenario(SCENARIO)


def forward_calls(sc, state):
    fw = build_forward(sc, parse_state({"at": "09:00", **state}, sc))
    return Simulation(fw.m, 0, 1).run().calls


def test_ivr_caller_past_the_self_service_time_is_not_self_served(sc):
    # 70 s spent: past the 60 s to an agent, so the visit is a self-service one; it ends
    # 20 s later
    c = forward_calls(sc, {"in_ivr": [{"call_type": "query", "spent_s": 70}]})
    assert c["outcome"].tolist() == [Outcome.CONTAINED]
    assert c["t_arrival"].tolist() == [AT]


def test_ivr_caller_continues_and_reaches_an_agent(sc):
    # 20 s spent: half to an agent at 09:00:40 (constant 60 s), half self-served; the
    # snapshot's callers arrive at `at`. Over seeds both exits occur, each as expected
    seen = set()
    for seed in range(8):
        fw = build_forward(
            sc, parse_state({"at": "09:00", "in_ivr": [{"call_type": "query", "spent_s": 20}]}, sc)
        )
        c = Simulation(fw.m, 0, seed).run().calls
        out = int(c["outcome"][0])
        seen.add(out)
        if out == Outcome.ANSWERED:
            assert c["t_queue"][0] == pytest.approx(AT + 40.0)
            assert c["wait"][0] == 0.0
        else:
            assert out == Outcome.CONTAINED
    assert seen == {Outcome.ANSWERED, Outcome.CONTAINED}


def test_redial_due_arrives_at_its_due_time(sc):
    # a redial of `order` (no IVR) due in 100 s: it arrives then and is answered at once
    c = forward_calls(sc, {"calls_due": [{"call_type": "order", "due_in_s": 100}]})
    assert c["t_arrival"].tolist() == [AT + 100.0]
    assert c["kind"].tolist() == [Kind.REDIAL]
    assert c["attempt"].tolist() == [1]
    assert c["t_queue"].tolist() == [AT + 100.0]
    assert c["outcome"].tolist() == [Outcome.ANSWERED]


def test_return_due_goes_through_the_ivr_to_an_agent(sc):
    # a repeat call always asks for an agent: 60 s of IVR after its arrival
    c = forward_calls(sc, {"calls_due": [{"call_type": "query", "kind": "return", "due_in_s": 30}]})
    assert c["kind"].tolist() == [Kind.RETURN]
    assert c["t_queue"].tolist() == [AT + 90.0]


def test_exit_weighed_by_survival_of_each_branch():
    # exponential times: the self-service branch (mean 90 s) outlives the to-agent one
    # (mean 30 s); after 60 s in the IVR, P(contained) = 0.5 e^(-60/90) / (0.5 e^(-60/90)
    # + 0.5 e^(-60/30)) = 0.791
    sc = parse_scenario(
        base(
            call_types=[
                {
                    "id": "a",
                    "arrivals": {"rate_per_h": 1},
                    "handle_time": const(1),
                    "ivr": {
                        "containment": 0.5,
                        "time_to_agent": {"dist": "exponential", "mean_s": 30},
                        "time_self_service": {"dist": "exponential", "mean_s": 90},
                    },
                }
            ]
        )
    )
    ivr = sc.call_types[0].ivr
    rng = np.random.default_rng(5)
    n = 1500
    ex = [ivr_rest(ivr, True, 60.0, rng)[0] for _ in range(n)]
    p = np.exp(-60 / 90) / (np.exp(-60 / 90) + np.exp(-2.0))
    share = np.mean(np.asarray(ex) == CONTAINED)
    assert abs(share - p) < 4.0 * np.sqrt(p * (1 - p) / n)
    assert ivr_rest(ivr, False, 60.0, rng)[0] == TO_AGENT


def test_exit_and_rest_match_whole_visits_that_outlast_the_time_spent():
    # the engine's own whole visits (``visits``, drawn as model.py draws them), kept when
    # longer than 50 s: their exits and remaining times are the law ``ivr_rest`` draws from
    sc = parse_scenario(
        base(call_types=[{
            "id": "a", "arrivals": {"rate_per_h": 1}, "handle_time": const(1),
            "ivr": {"abandon": 0.1, "containment": 0.4,
                    "time_to_agent": {"dist": "lognormal", "mean_s": 40, "cv": 0.6},
                    "time_self_service": {"dist": "lognormal", "mean_s": 90, "cv": 0.6},
                    "time_to_abandon": {"dist": "exponential", "mean_s": 30}},
        }])
    )  # fmt: skip
    ivr = sc.call_types[0].ivr
    rng = np.random.default_rng(11)
    exits, t = visits(ivr, 400_000, rng)
    keep = t > 50.0
    ref_share = float(np.mean(exits[keep] == CONTAINED))
    ref_rest = float(np.mean(t[keep] - 50.0))
    n = 1500
    draws = [ivr_rest(ivr, True, 50.0, rng) for _ in range(n)]
    ex = np.asarray([d[0] for d in draws])
    rest = np.asarray([d[1] for d in draws])
    share = float(np.mean(ex == CONTAINED))
    assert abs(share - ref_share) < 4.0 * np.sqrt(ref_share * (1 - ref_share) / n)
    assert abs(rest.mean() - ref_rest) < 4.0 * rest.std(ddof=1) / np.sqrt(n)


def test_password_visits_conditioned_by_rejection():
    # every caller asked for a 10 s password, 3 tries, always failing, then an agent 20 s
    # later: a whole visit is 50 s, so 35 s in the rest is 15 s
    sc = parse_scenario(
        base(
            call_types=[
                {
                    "id": "a",
                    "arrivals": {"rate_per_h": 1},
                    "handle_time": const(1),
                    "ivr": {
                        "time_to_agent": const(20),
                        "password": {
                            "share": 1.0,
                            "fail_prob": 1.0,
                            "tries": 3,
                            "try_time": const(10),
                        },
                    },
                }
            ]
        )
    )
    ivr = sc.call_types[0].ivr
    rng = np.random.default_rng(1)
    exits, t = visits(ivr, 10, rng)
    assert (exits == TO_AGENT).all() and np.allclose(t, 50.0)
    assert ivr_rest(ivr, True, 35.0, rng) == (TO_AGENT, pytest.approx(15.0))


def test_snapshot_finds_ivr_callers_and_redials_due():
    # callers arrive one a minute; the IVR holds them 60-90 s; an agent talks 10 minutes, so
    # most callers abandon (patience 30 s) and redial 5 minutes later
    d = copy.deepcopy(SCENARIO)
    d["call_types"][0]["arrivals"] = {"rate_per_h": 60}
    d["call_types"][0]["handle_time"] = const(600)
    d["call_types"][0]["patience"] = const(30)
    d["centers"][0]["groups"][0]["agents"] = 1
    sc = parse_scenario(d)
    res = simulate(sc, 1, 3, workers=1, keep_calls=True)
    data = snapshot(res, "09:00")
    assert data["in_ivr"] and data["calls_due"]
    calls = res.calls()
    t_arr = calls["t_arrival"].to_numpy()
    # each caller in the IVR arrived before 09:00 and reaches the queue (or ends) after it
    n_ivr = int(((t_arr < AT) & (t_arr >= AT - 90.0) & ~(calls["t_queue"] <= AT)).sum())
    contained_done = calls["outcome"].astype(str) == "contained"
    assert len(data["in_ivr"]) <= n_ivr
    assert len(data["in_ivr"]) >= n_ivr - int((contained_done & (t_arr < AT - 60)).sum())
    # each redial due arrives in the records after 09:00, the due time away
    due = sorted(AT + r["due_in_s"] for r in data["calls_due"])
    later = calls[(calls["kind"].astype(str) == "redial") & (t_arr >= AT)]
    arrived = sorted(later["t_arrival"].tolist())
    for x in due:
        assert min(abs(np.asarray(arrived) - x)) < 1e-3
    state = parse_state(data, sc)
    assert len(state.in_ivr) == len(data["in_ivr"])


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"in_ivr": [{"call_type": "fax", "spent_s": 1}]}, "in_ivr[0].call_type", "names no call type"),
        ({"in_ivr": [{"call_type": "order", "spent_s": 1}]}, "in_ivr[0].call_type", "has no IVR"),
        ({"in_ivr": [{"call_type": "query", "spent_s": 3700}]}, "in_ivr[0].spent_s", "an IVR time longer than the time since the horizon opened"),
        ({"in_ivr": [{"call_type": "query", "spent_s": [5, 1], "count": 2}]}, "in_ivr[0].spent_s", "a band is [low, high]"),
        ({"in_ivr": [{"call_type": "query", "tier": "gold", "spent_s": 1}]}, "in_ivr[0].tier", "names no tier"),
        ({"calls_due": [{"call_type": "query", "due_in_s": 11000}]}, "calls_due[0].due_in_s", "falls after the horizon ends"),
        ({"calls_due": [{"call_type": "query", "due_in_s": -1}]}, "calls_due[0].due_in_s", "must be >= 0"),
        ({"calls_due": [{"call_type": "fax", "due_in_s": 1}]}, "calls_due[0].call_type", "names no call type"),
        ({"calls_due": [{"call_type": "query", "kind": "fresh", "due_in_s": 1}]}, "calls_due[0].kind", "must be one of redial or return"),
    ],
)  # fmt: skip
def test_state_rules(sc, change, path, message):
    with pytest.raises(InputError) as e:
        parse_state({"at": "09:00", **change}, sc)
    text = str(e.value)
    assert path in text and message in text, text


def test_open_orders_in_a_scenario_without_work_orders(sc):
    with pytest.raises(InputError) as e:
        parse_state({"at": "09:00", "open_orders": [{**ORDER, "age_s": 1}]}, sc)
    assert "the scenario has no work orders" in str(e.value)


def test_every_problem_listed_at_once(sc):
    with pytest.raises(InputError) as e:
        parse_state(
            {
                "at": "09:00",
                "in_ivr": [{"call_type": "order", "spent_s": 4000}],
                "calls_due": [{"call_type": "fax", "due_in_s": 20000}],
            },
            sc,
        )
    assert len(e.value.problems) == 4


@functools.cache
def constant_stages():
    # constant stage times: a visit lasts 60 s (to an agent), 90 s (self-service), or 20 s
    # (lost)
    sc = parse_scenario(
        base(call_types=[{
            "id": "a", "arrivals": {"rate_per_h": 1}, "handle_time": const(1),
            "ivr": {"abandon": 0.1, "containment": 0.4, "time_to_agent": const(60),
                    "time_self_service": const(90), "time_to_abandon": const(20)},
        }])
    )  # fmt: skip
    return sc.call_types[0].ivr


@settings(max_examples=60, deadline=None)
@given(spent=st.floats(0.0, 400.0), seed=st.integers(0, 2**16))
def test_visit_ends_as_a_whole_visit_could(spent, seed):
    # given `spent`, a visit ends at one of the stage ends still ahead (or now, past them all)
    ex, rest = ivr_rest(constant_stages(), True, spent, np.random.default_rng(seed))
    ends = {CONTAINED: 90.0, TO_AGENT: 60.0, LOST: 20.0}
    assert rest >= 0.0
    if spent < 90.0:
        assert ends[ex] > spent and spent + rest == pytest.approx(ends[ex])
    else:
        assert rest == 0.0


# -- work orders open at `at` ------------------------------------------------------------


@functools.cache
def orders_scenario():
    # one handler, work 100 s, callback reached at once (talk 20 s), limit 1 h; no arrivals
    d = orders_case()
    d["call_types"][0]["arrivals"] = {"per_interval": [0.0] * 24}
    return parse_scenario(d)


def forward_orders(rows, at="01:00"):
    sc = orders_scenario()
    fw = build_forward(sc, parse_state({"at": at, "open_orders": rows}, sc))
    return Simulation(fw.m, 0, 1).run().orders


ORDER = {"order_type": "complaint_order", "call_type": "a"}


def test_open_order_queued_is_worked_and_called_back():
    o = forward_orders([{**ORDER, "age_s": 600}])
    assert o["t_created"].tolist() == [AT]  # counted as created at `at`
    assert o["deadline"].tolist() == [AT - 600 + 3600]  # its limit from its real creation
    assert o["t_closed"].tolist() == [AT + 100]
    assert o["t_done"].tolist() == [AT + 120]
    assert o["reached"].tolist() == [1]


def test_open_order_in_work_finishes_its_residual_work():
    o = forward_orders([{**ORDER, "stage": "in_work", "age_s": 600, "work_s": 30}])
    assert o["t_closed"].tolist() == [AT + 70]


def test_open_order_awaiting_callback_is_called_first():
    # the callback goes before the queued order (callbacks first, as the back office does)
    o = forward_orders(
        [{**ORDER, "age_s": 900}, {**ORDER, "stage": "callback", "attempts": 1, "age_s": 600}]
    )
    done = sorted(zip(o["t_done"].tolist(), o["attempts"].tolist(), strict=True))
    assert done == [(AT + 20, 2), (AT + 140, 1)]


def test_snapshot_finds_open_orders():
    d = orders_case(handlers=1)
    d["call_types"][0]["arrivals"] = {"rate_per_h": 30}
    d["work_orders"][0]["handle_time"] = const(600)
    sc = parse_scenario(d)
    res = simulate(sc, 1, 3, workers=1, keep_calls=True)
    data = snapshot(res, "03:00")
    stages = {o["stage"] for o in data["open_orders"]}
    assert "queued" in stages and "in_work" in stages
    assert all(0 <= o["age_s"] <= 3 * 3600 for o in data["open_orders"])
    parse_state(data, sc)


@pytest.mark.parametrize(
    ("row", "path", "message"),
    [
        ({"order_type": "fax", "call_type": "a", "age_s": 1}, "open_orders[0].order_type", "names no work order type"),
        ({**ORDER, "age_s": 4000}, "open_orders[0].age_s", "an order older than the time since the horizon opened"),
        ({**ORDER, "stage": "in_work", "age_s": 100, "work_s": 200}, "open_orders[0].work_s", "is longer than the order's age"),
        ({**ORDER, "stage": "done", "age_s": 1}, "open_orders[0].stage", "must be one of"),
        ({**ORDER, "stage": "callback", "attempts": 4, "age_s": 60}, "open_orders[0].attempts", "is more than the 3 callback attempts its type makes at most, got 4"),
    ],
)  # fmt: skip
def test_open_order_rules(row, path, message):
    with pytest.raises(InputError) as e:
        parse_state({"at": "01:00", "open_orders": [row]}, orders_scenario())
    text = str(e.value)
    assert path in text and message in text, text


def _no_callback():
    d = orders_case()
    del d["work_orders"][0]["callback"]
    return d


def campaign_called_orders():
    """Orders called back by an outbound campaign (not the back office), from 02:00 on."""
    return orders_called_back(_no_callback(), "02:00-04:00")


def test_an_order_a_campaign_calls_back_is_read_from_a_snapshot_and_called_back():
    # the caller at 0 raises an order at 10 s (talk), worked 10-110 s; the campaign's
    # window opens at 02:00: at 01:00 the order waits for its call back
    sc = parse_scenario(campaign_called_orders())
    res = simulate(sc, 1, 1, workers=1, keep_calls=True)
    data = snapshot(res, "01:00")
    assert [(o["order_type"], o["stage"]) for o in data["open_orders"]] == [
        ("complaint_order", "callback")
    ]
    fw = build_forward(sc, parse_state(data, sc))
    o = Simulation(fw.m, 0, 1).run().orders
    # dialled when the window opens (7,200 s): rings 30 s, talks 60 s
    assert o["t_done"].tolist() == [7290.0] and o["reached"].tolist() == [1]


def _campaign_for_other_orders():
    d = campaign_called_orders()
    d["campaigns"][0]["feed"]["order_types"] = []
    return d


@pytest.mark.parametrize("scenario", [_no_callback, _campaign_for_other_orders])
def test_an_order_awaiting_a_callback_neither_the_office_nor_a_campaign_makes(scenario):
    with pytest.raises(InputError) as e:
        parse_state(
            {"at": "01:00", "open_orders": [{**ORDER, "stage": "callback", "age_s": 60}]},
            parse_scenario(scenario()),
        )
    assert (
        "open_orders[0].stage: callback, but work order type complaint_order has no callback "
        "and no campaign calls it back"
    ) in str(e.value)


def test_an_order_waiting_for_a_paused_campaign_stays_open_uncalled():
    # pausing the campaign that calls the orders back (an intraday action): a worked
    # order waiting for it is not called back today, and the paused campaign's group
    # (no inbound skills) stays in the forward model
    sc = parse_scenario(campaign_called_orders())
    rows = [{**ORDER, "stage": "callback", "age_s": 600}]
    state = parse_state({"at": "01:00", "open_orders": rows}, sc)
    o = Simulation(build_forward(sc, state, paused=("care",)).m, 0, 1).run().orders
    assert np.isnan(o["t_done"]).all() and o["reached"].tolist() == [0]
    assert o["t_closed"].tolist() == [AT]  # worked


def test_an_open_order_of_a_call_type_that_does_not_raise_it():
    d = orders_case()
    d["call_types"].append({"id": "b", "arrivals": {"times_s": [0]}, "handle_time": const(10)})
    d["centers"][0]["groups"][0]["skills"].append("b")
    with pytest.raises(InputError) as e:
        parse_state(
            {"at": "01:00", "open_orders": [{**ORDER, "call_type": "b", "age_s": 60}]},
            parse_scenario(d),
        )
    assert (
        "open_orders[0].call_type: does not raise work order type complaint_order (raised by: a)"
    ) in str(e.value)


def test_an_order_on_its_last_callback_attempt_is_read():
    # a snapshot taken while the last attempt is under way counts it
    row = {**ORDER, "stage": "callback", "attempts": 3, "age_s": 60}
    state = parse_state({"at": "01:00", "open_orders": [row]}, orders_scenario())
    assert state.open_orders[0].attempts == 3
