"""Transfers after the first talk: exact traces of blind and consult transfers, and rules."""

import numpy as np

from ccsim.engine.model import Simulation
from ccsim.runner import simulate
from ccsim.scenario import parse_scenario
from tests.helpers.problems import has
from tests.helpers.scen import base, const


def case(kind="blind", times=(0,), share=1.0, desk_agents=1, gen_agents=1, **tr):
    """gen (talk 10, wrap 4) transfers type a to desk (its agents twice as slow)."""
    t = {"share": share, "to": "desk", "kind": kind, **tr}
    return base(
        call_types=[
            {
                "id": "a",
                "arrivals": {"times_s": list(times)},
                "handle_time": const(10),
                "wrap_time": const(4),
            }
        ],
        centers=[
            {
                "id": "c",
                "groups": [
                    {"id": "gen", "skills": ["a"], "agents": gen_agents, "transfers": [t]},
                    {
                        "id": "desk",
                        "skills": ["a"],
                        "agents": desk_agents,
                        "proficiency": [{"time_factor": 2}],
                    },
                ],
            }
        ],
        routing={"rules": [{"groups": ["gen"]}]},  # new calls only to gen
    )


def run(data):
    rec = Simulation(parse_scenario(data), 0).run()
    c, legs = rec.calls, rec.transfers
    main = sorted(
        (float(c["t_arrival"][i]), int(c["group"][i]), float(c["wait"][i]), float(c["talk"][i]),
         float(c["wrap"][i]), int(c["resolved"][i]))
        for i in range(c["group"].size)
    )  # fmt: skip
    second = sorted(
        (float(legs["t_arrival"][i]), int(legs["to_group"][i]), float(legs["t_queue"][i]),
         float(legs["wait"][i]), int(legs["outcome"][i]), float(legs["talk"][i]),
         float(legs["wrap"][i]), float(legs["hold"][i]))
        for i in range(legs["to_group"].size)
    )  # fmt: skip
    return main, second


def test_blind_transfer_frees_the_first_agent_and_queues_the_caller():
    # caller 0: gen talks 0-10 and wraps to 14; the desk (busy 0-? no: idle) answers at 10,
    # talks 20 and wraps 8. Caller 12: gen free at 14, so waits 2; desk busy until 38:
    # the caller waits from 24 to 38
    main, legs = run(case("blind", (0, 12)))
    assert main == [(0.0, 0, 0.0, 10.0, 4.0, 1), (12.0, 0, 2.0, 10.0, 4.0, 1)]
    assert legs == [
        (0.0, 1, 10.0, 0.0, 0, 20.0, 8.0, 0.0),
        (12.0, 1, 24.0, 14.0, 0, 20.0, 8.0, 0.0),
    ]


def test_consult_keeps_the_first_agent_until_the_second_answers_and_the_conference():
    # caller 0: desk answers at 10, conference 3: gen busy 0-13, wraps to 17; desk 3 + 20 + 8
    # busy 10-41. Caller 1 waits for gen until 17, talks to 27, then holds for the desk
    # until 41, conference to 44: gen's talk 27 s, free at 48
    main, legs = run(case("consult", (0, 1), conference_time=const(3)))
    assert main == [(0.0, 0, 0.0, 13.0, 4.0, 1), (1.0, 0, 16.0, 27.0, 4.0, 1)]
    assert legs == [
        (0.0, 1, 10.0, 0.0, 0, 23.0, 8.0, 0.0),
        (1.0, 1, 27.0, 14.0, 0, 23.0, 8.0, 14.0),
    ]
    # gen's next caller (at 2) is answered only when gen wraps up at 48
    main, _ = run(case("consult", (0, 1, 2), conference_time=const(3)))
    assert main[2][:3] == (2.0, 0, 46.0)


def test_blind_caller_may_hang_up_after_the_transfer_and_is_not_resolved():
    d = case("blind", (0, 1), gen_agents=2)
    d["call_types"][0]["patience"] = const(5)
    main, legs = run(d)
    # both reach the desk at 10 and 11; the second waits 5 s and hangs up at 16
    assert [row[4] for row in legs] == [0, 1]  # answered, abandoned
    assert legs[1][3] == 5.0
    assert [row[5] for row in main] == [1, 2]  # the lost caller counts against FCR


def test_lost_caller_calls_again_when_the_type_has_a_return_delay():
    d = case("blind", (0, 1), gen_agents=2)
    d["call_types"][0]["patience"] = const(5)
    d["call_types"][0]["return_delay"] = const(100)
    main, _ = run(d)
    # the lost caller of 1 calls again 100 s after hanging up at 16: at 116
    assert [row[0] for row in main] == [0.0, 1.0, 116.0]
    assert main[1][5] == 0


def test_fcr_and_work_orders_follow_the_last_agent():
    d = case("blind", (0,))
    d["call_types"][0]["fcr"] = 0.5
    d["call_types"][0]["return_delay"] = const(1_000_000)  # after the horizon
    d["centers"][0]["groups"][0]["proficiency"] = [{"fcr": 1.0}]
    d["centers"][0]["groups"][1]["proficiency"] = [{"time_factor": 2, "fcr": 0.0}]
    main, _ = run(d)
    assert main[0][5] == 1  # the return falls outside the FCR window: resolved (1)
    d["kpi"] = {"fcr_window_h": 1000}
    main, _ = run(d)
    assert main[0][5] == 2  # the desk's fcr 0 decides: not resolved
    d["centers"][0]["groups"][1]["proficiency"] = [{"time_factor": 2, "fcr": 1.0}]
    d["centers"][0]["groups"][0]["proficiency"] = [{"fcr": 0.0}]
    main, _ = run(d)
    assert main[0][5] == 1


def test_transfer_to_another_centre_waits_the_transfer_delay():
    d = case("blind", (0,))
    desk = d["centers"][0]["groups"].pop()
    d["networks"] = [{"id": "n", "share": 1.0}]
    d["centers"].append({"id": "far", "kind": "local", "network": "n", "groups": [desk]})
    d["centers"][0]["groups"][0]["transfers"][0]["to"] = "far/desk"
    d["routing"] = {"rules": [{"groups": ["c/gen"]}], "transfer_delay_s": 5}
    _, legs = run(d)
    assert legs[0][2] == 15.0  # end of the first talk at 10, plus 5 s


def test_blind_priority_puts_the_caller_ahead_at_the_desk():
    # the desk also takes new callers of its own (type b); at 10 both wait for it
    d = case("blind", (0,), priority=5)
    d["call_types"].append({"id": "b", "arrivals": {"times_s": [0, 1]}, "handle_time": const(10)})
    d["centers"][0]["groups"][1]["skills"] = ["b", "a"]  # b first in skill order
    d["routing"]["rules"] = [
        {"call_types": ["a"], "groups": ["gen"]},
        {"call_types": ["b"], "groups": ["desk"]},
    ]
    _, legs = run(d)
    # desk busy with b(0) until 20; at 20 the transferred caller (priority 5) beats b(1)
    assert legs[0][2:4] == (10.0, 10.0)
    d["centers"][0]["groups"][0]["transfers"][0].pop("priority")
    _, legs = run(d)
    assert legs[0][2:4] == (10.0, 30.0)  # without: b first (skill order), then it


def test_run_json_block_and_agent_time():
    d = case("consult", (0, 100, 200, 300), share=0.5, conference_time=const(3))
    d["replications"] = 2
    res = simulate(parse_scenario(d))
    doc = res.summary()
    xt = doc["agent_transfers"]
    total = xt["total"]
    got = total["transferred"]["mean"]
    assert 0 < got <= 4
    assert total["two_agent_calls"]["mean"] == got
    assert total["transfer_rate"]["mean"] == got / 4
    desk = xt["desks"]["desk"]["a"]
    assert desk["aht_s"]["mean"] == 31.0  # conference 3 + talk 20 + wrap 8
    # the desk's busy time is the transferred calls' work
    busy = res.agents.groupby("group", observed=True)["busy_s"].sum() / 2
    assert busy["desk"] == got * 31.0


# -- validation ------------------------------------------------------------------------------


def test_transfer_rules():
    has(case(to="nobody"), "centers[0].groups[0].transfers[0].to: names no group")
    has(case(to="gen"), "centers[0].groups[0].transfers[0].to: names the group itself, got 'gen'")
    has(case(to="home/desk"), "must name a group id or 'centre/group', got 'home/desk'")
    has(
        case(kind="blind", conference_time=const(3)),
        "transfers[0].conference_time: goes with kind: consult",
    )
    has(case(kind="consult", priority=2), "transfers[0].priority: goes with kind: blind")
    has(case(share=0), "centers[0].groups[0].transfers[0].share: must be > 0, got 0")
    d = case()
    d["centers"][0]["groups"][0]["transfers"].append({"share": 0.5, "to": "desk"})
    has(
        d,
        "centers[0].groups[0].transfers: transfer shares of call type 'a' must sum to at most 1, got 1.5",
    )
    d = case()
    d["centers"][0]["groups"][1]["skills"] = ["b"]
    d["call_types"].append({"id": "b", "arrivals": {"rate_per_h": 1}, "handle_time": const(1)})
    d["centers"][0]["groups"][1].pop("proficiency")
    has(d, "transfers[0].to: does not have skill 'a', which this entry transfers to it, got 'desk'")


def test_no_transfers_no_legs_and_no_block():
    d = case()
    d["centers"][0]["groups"][0].pop("transfers")
    rec = Simulation(parse_scenario(d), 0).run()
    assert rec.transfers == {}
    assert "agent_transfers" not in simulate(parse_scenario(d)).summary()
    assert np.all(rec.calls["group"] == 0)


def test_a_group_id_of_the_wrong_type_is_a_problem_not_a_crash():
    d = case()
    d["centers"][0]["groups"][0]["id"] = []
    d["call_types"][0]["id"] = ["a"]
    has(d, "centers[0].groups[0].id")
