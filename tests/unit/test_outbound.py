"""Outbound campaigns: exact traces, list accounting, predictive pacing, inbound untouched."""

import numpy as np
import pytest

from ccsim.engine.model import Simulation
from ccsim.errors import InputError
from ccsim.intraday.snapshot import snapshot
from ccsim.intraday.state import parse_state
from ccsim.runner import simulate
from ccsim.scenario import parse_scenario
from tests.helpers.scen import base, campaign, const, orders_called_back


def outbound_case(agents=1, **over):
    d = base(horizon={"duration_h": 1, "interval_min": 10})
    d["centers"][0]["groups"].append({"id": "out", "skills": [], "agents": agents})
    d["campaigns"] = [campaign(**over)]
    return d


def attempts(d):
    rec = Simulation(parse_scenario(d), 0).run()
    a = rec.outbound["attempts"]
    r = rec.outbound["records"]
    rows = [
        (
            int(a["record"][i]),
            int(a["attempt"][i]),
            float(a["t_dial"][i]),
            int(a["outcome"][i]),
            float(a["agent_end"][i]),
        )
        for i in range(a["record"].size)
    ]
    return sorted(rows, key=lambda x: (x[2], x[0])), r


def test_progressive_trace_with_retries_and_window_edges():
    rows, recs = attempts(outbound_case())
    # one agent: record 1 dials at 0 (rings 30 s), record 2 at 30; retries 100 s after each
    # failure: record 1 at 130, record 2 at 160, record 1 at 260, record 2 at 290; all
    # inside the first window (00:00-00:10)
    assert [(r, a, t) for r, a, t, _, _ in rows] == [
        (1, 1, 0.0), (2, 1, 30.0), (1, 2, 130.0), (2, 2, 160.0), (1, 3, 260.0), (2, 3, 290.0),
    ]  # fmt: skip
    assert list(recs["status"]) == [3, 3]  # both exhausted


def test_attempts_wait_for_the_next_window():
    rows, _ = attempts(outbound_case(retry_after=const(500)))
    # first retries fall at 530 and 560 s (inside 00:00-00:10); the next are due at 1060
    # and 1090 s, between the windows: dialled when 00:20 opens (1200 s) and after (1230)
    assert [t for _, _, t, _, _ in rows] == [0.0, 30.0, 530.0, 560.0, 1200.0, 1230.0]


def test_preview_contacts_take_agent_time():
    rows, recs = attempts(
        outbound_case(
            dialing="preview",
            preview_time=const(20),
            contact_prob=1.0,
            success_prob=1.0,
            wrap_time=const(10),
        )
    )
    # preview 20 s, ring 30 s, talk 60 s, wrap 10 s: the agent is busy 0-120 and 120-240
    assert [(r, t, o, end) for r, _, t, o, end in rows] == [
        (1, 20.0, 2, 120.0),
        (2, 140.0, 2, 240.0),
    ]
    assert list(recs["status"]) == [2, 2]


def test_every_record_ends_contacted_exhausted_or_pending():
    d = outbound_case(agents=2, contact_prob=0.4, list={"daily_size": 60, "release": "00:05"})
    res = simulate(parse_scenario(d), replications=3, workers=1)
    v = res.campaign_values()["care"]
    np.testing.assert_array_equal(v["released"], v["contacted"] + v["exhausted"] + v["pending"])
    assert (v["pending"] > 0).all()  # too short a window for 60 records
    assert (v["contacts"] == v["contacted"]).all()
    assert (v["attempts"] >= v["contacts"]).all()


def test_inbound_identical_with_and_without_a_dedicated_campaign():
    d = base(horizon={"duration_h": 4, "interval_min": 30})
    d["call_types"][0].update(
        {
            "arrivals": {"rate_per_h": 200},
            "handle_time": {"dist": "exponential", "mean_s": 150},
            "patience": {"dist": "exponential", "mean_s": 90},
        }
    )
    d["centers"][0]["groups"][0]["agents"] = 9
    without = Simulation(parse_scenario(d), 0).run().calls
    d["centers"][0]["groups"].append({"id": "out", "skills": [], "agents": 5})
    d["campaigns"] = [
        campaign(
            list={"daily_size": 400, "release": "00:00"},
            windows=["00:00-04:00"],
            contact_prob=0.5,
            dialing="predictive",
        )
    ]
    d["blending"] = {"min_idle": 1}
    with_camp = Simulation(parse_scenario(d), 0).run().calls
    for k in without:
        np.testing.assert_array_equal(without[k], with_camp[k], err_msg=k)


def test_blended_agents_take_outbound_only_when_inbound_is_safe(monkeypatch):
    from ccsim.engine.outbound import Outbound

    d = base(horizon={"duration_h": 4, "interval_min": 30})
    d["call_types"][0].update(
        {"arrivals": {"rate_per_h": 150}, "handle_time": {"dist": "exponential", "mean_s": 150}}
    )
    d["centers"][0]["groups"][0]["agents"] = 10
    d["campaigns"] = [
        campaign(
            list={"daily_size": 2000, "release": "00:00"},
            windows=["00:00-04:00"],
            contact_prob=0.5,
            groups=["g"],
        )
    ]
    d["blending"] = {"min_idle": 2}
    seen = []
    orig = Outbound._attempt

    def spy(self, run, rec, g):
        seen.append((self.sim.waiting[g], self.sim.staffed[g] - self.sim.busy[g]))
        orig(self, run, rec, g)

    monkeypatch.setattr(Outbound, "_attempt", spy)
    Simulation(parse_scenario(d), 0).run()
    assert seen, "blended agents never took outbound work"
    # an outbound attempt starts only with no inbound call waiting and 2 agents left idle
    assert all(w == 0 and idle - 1 >= 2 for w, idle in seen)


def test_campaign_validation():
    with pytest.raises(InputError, match=r"campaigns\[0\].windows: never open within the horizon"):
        parse_scenario(outbound_case(windows=["09:00-10:00"]))
    with pytest.raises(InputError, match=r"campaigns\[0\].groups\[0\]: names no group"):
        parse_scenario(outbound_case(groups=["nope"]))
    with pytest.raises(
        InputError,
        match=r"campaigns\[0\].contact_prob: must be <= 1 \(shares are fractions: if you meant 1.5 %, write 0.015\), got 1.5",
    ):
        parse_scenario(outbound_case(contact_prob=1.5))
    with pytest.raises(InputError, match=r"campaigns\[0\]: give exactly one of list or feed"):
        parse_scenario(outbound_case(list=None))
    with pytest.raises(InputError, match="preview dialling needs preview_time"):
        parse_scenario(outbound_case(dialing="preview"))


def test_callback_campaign_closes_work_orders():
    d = base(horizon={"duration_h": 2, "interval_min": 10})
    d["call_types"][0]["arrivals"] = {"times_s": [0.0]}
    d["centers"][0]["back_office"] = [{"id": "bo", "order_types": ["wo"], "handlers": 1}]
    d["work_orders"] = [
        {
            "id": "wo",
            "raised_by": [{"call_type": "a", "probability": 1.0}],
            "handle_time": const(100),
            "limit_h": 1,
        }
    ]
    rec = Simulation(parse_scenario(orders_called_back(d, "00:00-02:00")), 0).run()
    o = rec.orders
    # talk 10 s, order raised at 10, worked 10-110, called back: ring 30 s and a 60 s
    # talk, done at 200
    assert o["t_closed"][0] == 110.0 and o["t_done"][0] == 200.0 and o["reached"][0] == 1
    a = rec.outbound["attempts"]
    assert list(a["t_dial"]) == [110.0] and list(a["outcome"]) == [1]


def test_abandoned_callers_feed_a_callback_campaign():
    d = base(horizon={"duration_h": 1, "interval_min": 10})
    d["call_types"][0].update({"arrivals": {"times_s": [0.0, 1.0, 2.0]}, "patience": const(5)})
    d["centers"][0]["groups"].append({"id": "out", "skills": [], "agents": 1})
    d["campaigns"] = [
        campaign(
            list=None,
            feed={"source": "abandoned", "share": 1.0},
            windows=["00:00-01:00"],
            contact_prob=1.0,
        )
    ]
    rec = Simulation(parse_scenario(d), 0).run()
    r = rec.outbound["records"]
    assert list(r["released"]) == [6.0, 7.0]  # the two callers who hung up at 6 and 7 s
    assert list(r["status"]) == [2, 2]


def test_more_campaign_rules():
    with pytest.raises(InputError, match="preview_time is only used with dialing: preview"):
        parse_scenario(outbound_case(preview_time=const(5)))
    with pytest.raises(InputError, match="pacing is only used with dialing: predictive"):
        parse_scenario(outbound_case(pacing={"max_abandon": 0.05}))
    with pytest.raises(InputError, match=r"pacing.ratio must be <= pacing.max_ratio"):
        parse_scenario(outbound_case(dialing="predictive", pacing={"ratio": 3, "max_ratio": 2}))
    d = outbound_case(list=None, feed={"source": "work_orders"})
    d["campaigns"].append(dict(d["campaigns"][0], id="again"))
    d["centers"][0]["back_office"] = [{"id": "bo", "order_types": ["wo"], "handlers": 1}]
    d["work_orders"] = [
        {
            "id": "wo",
            "raised_by": [{"call_type": "a", "probability": 0.5}],
            "handle_time": const(60),
            "limit_h": 4,
        }
    ]
    with pytest.raises(
        InputError,
        match=r"campaigns\[1\].feed: calls back 'wo' orders, which campaign 'care' already does",
    ):
        parse_scenario(d)


def test_one_callback_request_per_caller():
    d = base(horizon={"duration_h": 1, "interval_min": 10})
    redial = {"probabilities": [1.0, 1.0], "delay": const(10)}
    d["call_types"][0].update(
        {
            "arrivals": {"times_s": [0.0, 1.0]},
            "handle_time": const(100),
            "patience": const(5),
            "redial": redial,
        }
    )
    d["centers"][0]["groups"].append({"id": "out", "skills": [], "agents": 1})
    d["campaigns"] = [
        campaign(list=None, feed={"source": "abandoned"}, windows=["00:30-01:00"], contact_prob=1.0)
    ]
    rec = Simulation(parse_scenario(d), 0).run()
    c = rec.calls
    assert int((c["outcome"] == 1).sum()) == 3  # the agent is busy for 100 s: three abandons
    # caller 2 abandoned three times (first call and two redials): one callback record
    assert rec.outbound["records"]["released"].size == 1


@pytest.mark.parametrize(("patience", "dial_at"), [(40, 41.0), (1000, 100.0)])
def test_blended_agent_dials_as_soon_as_the_inbound_queue_empties(patience, dial_at):
    # caller 2 waits for "first" (busy until 100) and may overflow to the blended "second"
    # only after 100 s; while it waits, "second" keeps off outbound work. It leaves the
    # queue by abandoning (at 41) or by "first" answering it (at 100): "second" dials then.
    d = base(
        horizon={"duration_h": 1, "interval_min": 10},
        call_types=[
            {
                "id": "a",
                "arrivals": {"times_s": [0, 1]},
                "handle_time": const(100),
                "patience": const(patience),
            }
        ],
        centers=[
            {
                "id": "c",
                "groups": [
                    {"id": "first", "skills": ["a"], "agents": 1},
                    {"id": "second", "skills": ["a"], "agents": 1},
                ],
            }
        ],
        routing={"rules": [{"groups": ["first", {"group": "second", "delay_s": 100}]}]},
    )
    d["campaigns"] = [campaign(groups=["second"], max_attempts=1)]
    d["blending"] = {"min_idle": 0}
    rows, _ = attempts(d)
    assert [(r, t) for r, _, t, _, _ in rows] == [(1, 0.0), (2, dial_at)]


@pytest.mark.parametrize("groups", [["out"], ["out", "g"], ["g", "out"]])
def test_a_low_predictive_ratio_still_dials_for_an_idle_outbound_agent(groups):
    """ratio 0.3 x 1 free agent / contact 0.9 rounds to no line: one line is dialled anyway
    for an idle outbound-only agent, whether or not the campaign also has a blended group."""
    d = base(horizon={"duration_h": 8, "interval_min": 60})
    d["call_types"][0].update(
        arrivals={"rate_per_h": 60}, handle_time={"dist": "exponential", "mean_s": 100}
    )
    d["centers"][0]["groups"][0]["agents"] = 2
    d["centers"][0]["groups"].append({"id": "out", "skills": [], "agents": 1})
    d["campaigns"] = [
        campaign(
            list={"daily_size": 2000, "release": "00:00"},
            windows=["00:00-08:00"],
            contact_prob=0.9,
            dialing="predictive",
            pacing={"ratio": 0.3, "max_ratio": 0.3, "connect_wait_s": 2},
            talk_time={"dist": "exponential", "mean_s": 150},
            groups=groups,
        )
    ]
    v = simulate(parse_scenario(d), replications=2, workers=1).campaign_values()["care"]
    # one agent, 8 hours, 20 s rings and 150 s talks: well over a hundred contacts
    assert np.all(v["contacts"] > 100), v["contacts"]


def test_a_snapshot_counts_the_records_left_of_today_s_list():
    # 5 records at 00:00, one agent, each call rings 30 s and talks 60 s: at 00:05 three
    # are done, the fourth is under way (dialled at 270 s), the fifth waits
    d = outbound_case(list={"daily_size": 5, "release": "00:00"}, contact_prob=1.0)
    d["call_types"][0]["arrivals"] = {"times_s": [3000.0]}
    sc = parse_scenario(d)
    data = snapshot(simulate(sc, 1, 1, workers=1, keep_calls=True), "00:05")
    assert data["campaigns"] == {"care": {"remaining": 2}}
    assert parse_state(data, sc).campaigns["care"].remaining == 2


def test_a_state_s_campaign_entries_are_checked_together():
    d = outbound_case(list={"daily_size": 5, "release": "00:00"})
    d["campaigns"].append(
        campaign(id="calls_back", list=None, feed={"source": "abandoned", "share": 1.0})
    )
    sc = parse_scenario(d)
    bad = {"care": {"remaining": 6}, "calls_back": {"remaining": 1}, "cars": {"remaining": 1}}
    with pytest.raises(InputError) as e:
        parse_state({"at": "00:05", "campaigns": bad}, sc)
    text = str(e.value)
    assert "campaigns.care.remaining: is more than the list's daily size (5), got 6" in text
    assert "campaigns.calls_back.remaining: applies to a campaign with a daily list" in text
    assert "campaigns.cars" in text and "names no campaign" in text
    assert parse_state({"at": "00:05", "campaigns": {"care": {"remaining": 5}}}, sc)
