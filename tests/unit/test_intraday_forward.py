"""The forward model's exact traces: orders raised by the calls in talk, replayed arrivals.

A call in talk at ``at`` raises its work order at the end of its talk, as an answered call
does (one in wrap-up has raised it already); a scenario that replays arrival times replays
only those from ``at`` on.
"""

import functools

import numpy as np
import pytest

from ccsim.engine.model import Simulation
from ccsim.errors import InputError
from ccsim.intraday.forward import build_forward
from ccsim.intraday.run import state_notes
from ccsim.intraday.snapshot import snapshot
from ccsim.intraday.state import parse_state
from ccsim.runner.simulate import simulate
from ccsim.scenario import parse_scenario
from tests.helpers.scen import base, const, orders_case

AT = 3600.0  # 01:00


@functools.cache
def orders_scenario(probability=1.0):
    # one agent (talk 10 s), one handler (work 100 s), callback reached at once (20 s)
    d = orders_case()
    d["call_types"][0]["arrivals"] = {"per_interval": [0.0] * 24}
    d["work_orders"][0]["raised_by"][0]["probability"] = probability
    return parse_scenario(d)


def forward(sc, state, seed=1):
    fw = build_forward(sc, parse_state({"at": "01:00", **state}, sc))
    return Simulation(fw.m, 0, seed).run()


def test_call_in_talk_raises_its_order_at_the_end_of_its_talk():
    # 4 s of a 10 s talk: the order is created at 01:00:06, worked 100 s, called back 20 s
    rec = forward(
        orders_scenario(), {"in_progress": [{"group": "g", "call_type": "a", "elapsed_s": 4}]}
    )
    o = rec.orders
    assert o["t_created"].tolist() == [AT + 6]
    assert o["deadline"].tolist() == [AT + 6 + 3600]
    assert o["t_closed"].tolist() == [AT + 106]
    assert o["t_done"].tolist() == [AT + 126]
    assert len(rec.calls["outcome"]) == 0  # the call itself is not counted again


def test_call_in_wrap_up_raises_no_order():
    rec = forward(
        orders_scenario(),
        {"in_progress": [{"group": "g", "call_type": "a", "stage": "wrap", "elapsed_s": 4}]},
    )
    assert len(rec.orders.get("t_created", [])) == 0


def test_calls_in_talk_raise_orders_with_the_call_types_probability():
    # probability 0.3: over 200 calls in talk, the orders raised are binomial (200, 0.3)
    sc = orders_scenario(0.3)
    rows = [{"group": "g", "call_type": "a", "count": 200, "elapsed_s": [0, 9]}]
    n = len(forward(sc, {"agents_now": {"g": 200}, "in_progress": rows}).orders["t_created"])
    assert abs(n - 60) <= 3.3 * np.sqrt(200 * 0.3 * 0.7)


def test_in_progress_tier_and_network_are_checked():
    sc = orders_scenario()
    with pytest.raises(InputError) as e:
        parse_state(
            {
                "at": "01:00",
                "in_progress": [
                    {"group": "g", "call_type": "a", "tier": "gold", "network": "x", "elapsed_s": 1}
                ],
            },
            sc,
        )
    paths = [p.path for p in e.value.problems]
    assert paths == ["in_progress[0].tier", "in_progress[0].network"]


REPLAY = base(
    horizon={"start": "08:00", "duration_h": 2, "interval_min": 30},
    tiers=[{"id": "gold", "share": 0.5}, {"id": "silver", "share": 0.5}],
    call_types=[
        {
            "id": "a",
            "arrivals": {
                "times_s": [100.0, 200.0, 3600.0, 5000.0],
                "tiers": ["gold", "gold", "silver", "gold"],
            },
            "handle_time": const(10),
        },
        {"id": "b", "arrivals": {"rate_per_h": 0.001}, "handle_time": const(10)},
    ],
    centers=[{"id": "c", "groups": [{"id": "g", "skills": ["a", "b"], "agents": 1}]}],
)


def test_replayed_arrivals_before_at_are_not_replayed_again():
    sc = parse_scenario(REPLAY)
    state = parse_state({"at": "09:00", "calls_so_far": {"a": [1, 0, 0]}}, sc)
    fw = build_forward(sc, state)
    c = Simulation(fw.m, 0, 1).run().calls
    a = c["call_type"] == 0
    assert c["t_arrival"][a].tolist() == [3600.0, 5000.0]
    assert c["tier"][a].tolist() == [1, 0]  # each time keeps its replayed tier
    row = fw.reforecast.set_index("call_type").loc["a"]
    assert row["basis"] == "replayed"
    assert (row["expected_so_far"], row["observed_so_far"]) == (2.0, 1.0)
    assert (row["factor"], row["rest_forecast"], row["rest_reforecast"]) == (1.0, 2.0, 2.0)
    assert fw.reforecast.set_index("call_type").loc["b", "basis"] == "forecast"
    assert any("replayed" in n for n in state_notes(sc, state))


CHASER = {"group": "g", "call_type": "a", "kind": "chaser", "elapsed_s": 4}


def test_a_chaser_in_talk_is_a_new_matter_and_the_notes_say_so():
    # as a first call: its order is raised at the end of its talk (a chaser raises none)
    o = forward(orders_scenario(), {"in_progress": [CHASER]}).orders
    assert o["t_created"].tolist() == [AT + 6]
    sc = orders_scenario()
    rows = [CHASER, {**CHASER, "count": 2, "elapsed_s": [0, 8]}, {**CHASER, "kind": "fresh"}]
    notes = state_notes(sc, parse_state({"at": "01:00", "agents_now": {"g": 4},
                                         "in_progress": rows}, sc))  # fmt: skip
    said = [n for n in notes if "chaser" in n]
    assert said == [
        "chasers in talk at 01:00 (3) are simulated as new matters: each may raise a work order "
        "at the end of its talk, where a chaser raises none (the forward model may count a few "
        "orders too many)"
    ]
    plain = parse_state({"at": "01:00", "in_progress": [{**CHASER, "kind": "fresh"}]}, sc)
    assert not [n for n in state_notes(sc, plain) if "chaser" in n]


def test_snapshot_marks_a_chaser_in_talk():
    # the order (raised at 10 s) is never worked: its chaser calls 3,585 s after its limit,
    # at 01:59:55, and talks 10 s; at 02:00 it is in talk
    d = orders_case(handlers=0, chaser={"probability": 1.0, "delay": const(3585)})
    sc = parse_scenario(d)
    data = snapshot(simulate(sc, 1, 1, workers=1, keep_calls=True), "02:00")
    assert data["in_progress"] == [
        {"group": "g", "call_type": "a", "tier": "regular", "network": "all",
         "kind": "chaser", "elapsed_s": 5.0}
    ]  # fmt: skip
    notes = state_notes(sc, parse_state(data, sc))
    assert any(n.startswith("chasers in talk at 02:00 (1)") for n in notes)
