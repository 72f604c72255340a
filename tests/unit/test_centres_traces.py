"""Exact traces of multi-site routing, dialect, transfers and work orders."""

import numpy as np
import pytest

from ccsim.engine.model import Simulation
from ccsim.runner import simulate
from ccsim.scenario import parse_scenario
from tests.helpers.scen import base, const, orders_case, trace


def two_sites(**routing):
    return base(
        networks=[{"id": "n1", "share": 1.0}],
        call_types=[{"id": "a", "arrivals": {"times_s": [0, 1]}, "handle_time": const(100)}],
        centers=[
            {
                "id": "prov",
                "kind": "provincial",
                "groups": [{"id": "p", "skills": ["a"], "agents": 1}],
            },
            {
                "id": "city",
                "kind": "local",
                "network": "n1",
                "groups": [{"id": "l", "skills": ["a"], "agents": 1}],
            },
        ],
        routing=routing,
    )


def test_local_first_then_provincial_after_a_delay_with_transfer():
    rows = trace(two_sites(overflow_after_s=10, transfer_delay_s=5))
    # local agent takes the first call; the second waits 10 s, then the provincial
    # agent takes it after a 5 s transfer: answered 16 s after arrival at 1
    assert [(r["group"], r["wait"]) for r in rows] == [(1, 0), (0, 15)]


def test_provincial_first_reverses_the_sites():
    rows = trace(two_sites(site_order="provincial_first", overflow_after_s=10))
    assert [(r["group"], r["wait"]) for r in rows] == [(0, 0), (1, 10)]


def test_transfer_occupies_the_agent():
    sc = parse_scenario(two_sites(overflow_after_s=10, transfer_delay_s=5))
    res = simulate(sc, replications=1, workers=1)
    busy = res.agents.groupby("group", observed=True)["busy_s"].sum()
    assert busy["l"] == pytest.approx(100) and busy["p"] == pytest.approx(105)
    assert res.kpis().loc["transfers", "mean"] == 1


def dialect_case(**dialect):
    return base(
        networks=[{"id": "n1", "share": 1.0, "dialect_share": 1.0}],
        call_types=[{"id": "a", "arrivals": {"times_s": [0, 1]}, "handle_time": const(100)}],
        centers=[
            {
                "id": "prov",
                "groups": [
                    {"id": "speaks", "skills": ["a"], "agents": 1, "dialects": ["n1"]},
                    {"id": "other", "skills": ["a"], "agents": 1},
                ],
            }
        ],
        dialect=dialect,
    )


def test_dialect_caller_waits_for_a_dialect_agent_then_overflows():
    sc = parse_scenario(dialect_case(overflow_after_s=20, handle_time_factor=1.5))
    c = Simulation(sc, 0).run().calls
    assert list(c["group"]) == [0, 1]
    assert list(c["wait"]) == [0.0, 20.0]
    assert list(c["talk"]) == [100.0, 150.0]  # served without the dialect: longer
    res = simulate(sc, replications=1, workers=1)
    assert res.kpis().loc["dialect_match_rate", "mean"] == 0.5


def test_a_dialect_agent_freeing_first_takes_the_caller():
    d = dialect_case(overflow_after_s=200)
    d["call_types"][0]["handle_time"] = const(50)
    c = Simulation(parse_scenario(d), 0).run().calls
    assert list(c["group"]) == [0, 0]
    assert list(c["wait"]) == [0.0, 49.0]


def run_orders(d):
    rec = Simulation(parse_scenario(d), 0).run()
    return rec.orders, rec.calls


def test_order_is_worked_then_called_back():
    o, c = run_orders(orders_case())
    assert c["order"][0] == 0 and c["resolved"][0] == 1
    # raised at the end of the talk (10), worked 10-110, callback 110-130
    assert o["t_created"][0] == 10 and o["t_closed"][0] == 110 and o["t_done"][0] == 130
    assert o["deadline"][0] == 10 + 3600
    assert o["attempts"][0] == 1 and o["reached"][0] == 1


def test_unreached_callbacks_use_every_attempt():
    o, _ = run_orders(orders_case(reach=0.0, attempts=3))
    # attempts at 110, 165, 220 (5 s each, 50 s apart); never reached
    assert o["attempts"][0] == 3 and o["reached"][0] == 0 and np.isnan(o["t_done"][0])


def test_back_office_works_only_when_its_calendar_is_open():
    o, _ = run_orders(orders_case(calendar="08:00-09:00"))
    assert o["t_closed"][0] == 8 * 3600 + 100


def test_chaser_calls_in_when_the_limit_passes():
    chaser = {"probability": 1.0, "delay": const(60)}
    d = orders_case(handlers=0, chaser=chaser)
    o, c = run_orders(d)
    assert np.isnan(o["t_closed"][0])
    chasers = c["kind"] == 3
    assert chasers.sum() == 1
    assert c["t_arrival"][chasers][0] == 10 + 3600 + 60
    assert c["caller"][chasers][0] == c["caller"][0]


def test_work_order_kpis_and_conservation():
    d = orders_case(handlers=0)
    d["call_types"][0]["arrivals"] = {"rate_per_h": 30}
    d["call_types"][0]["handle_time"] = {"dist": "exponential", "mean_s": 60}
    d["centers"][0]["groups"][0]["agents"] = 5
    d["centers"][0]["back_office"][0]["handlers"] = [1] * 12 + [0] * 12
    res = simulate(parse_scenario(d), replications=3, workers=1)
    v = res.work_order_values()["all"]
    np.testing.assert_array_equal(v["created"], v["closed"] + v["open_at_end"])
    assert (v["on_time"] <= v["due"]).all()
    assert (v["callbacks_reached"] <= v["callbacks_finished"]).all()
    doc = res.summary()["work_orders"]
    assert doc["created"]["mean"] > 0 and len(doc["backlog_by_day"]) == 1
    assert set(doc["by_type"]) == {"complaint_order"}


def test_backlog_carries_over_days():
    # two days; the back office works only on the second day from 08:00 to 09:00
    d = orders_case(handlers=50)
    d["horizon"] = {"duration_h": 48, "interval_min": 60}
    d["call_types"][0]["arrivals"] = {
        "times_s": [i * 600.0 for i in range(100)]
    }  # 100 calls, day 1
    d["call_types"][0]["handle_time"] = const(10)
    d["centers"][0]["groups"][0]["agents"] = 3
    d["centers"][0]["back_office"][0]["handlers"] = [0] * 24 + [50] * 24
    res = simulate(parse_scenario(d), replications=1, workers=1)
    doc = res.work_orders()
    backlog = [b["mean"] for b in doc["backlog_by_day"]]
    assert [b["at"] for b in doc["backlog_by_day"]] == ["d2 00:00", "d3 00:00"]
    assert backlog == [100, 0]  # all open at the first midnight, all worked on day 2
    assert doc["created"]["mean"] == 100 and doc["closed"]["mean"] == 100


def test_dialect_desk_at_the_other_site_is_a_transfer():
    # local first; the dialect desk is provincial. The dialect caller reaches the desk
    # after the site overflow delay (its own delay in the plan, 10 s), and the answer
    # comes from the other site: a transfer, 5 s more
    d = two_sites(overflow_after_s=10, transfer_delay_s=5)
    d["networks"][0]["dialect_share"] = 1.0
    d["centers"][0]["groups"][0]["dialects"] = ["n1"]
    d["call_types"][0]["arrivals"]["times_s"] = [0]
    assert [(r["group"], r["wait"]) for r in trace(d)] == [(0, 15.0)]
    res = simulate(parse_scenario(d), replications=1, workers=1)
    assert res.kpis().loc["transfers", "mean"] == 1
