"""Valid-looking files that would never finish are refused before the run, with the figure.

Each case once passed ``ccsim validate`` and then ran forever or until memory ran out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ccsim.runner import simulate
from ccsim.scenario import load_scenario, parse_scenario
from ccsim.scenario.workload import MAX_ATTEMPTS, MAX_CALLS, MAX_SAMPLES, MAX_TRIES, estimate
from tests.helpers.problems import problems
from tests.helpers.scen import base, campaign, const, orders_case

ROOT = Path(__file__).resolve().parents[2]


def returning(handle_s: float, delay_s: float, fcr: float = 0.0) -> dict[str, Any]:
    return base(
        call_types=[
            {
                "id": "a",
                "arrivals": {"rate_per_h": 252},
                "handle_time": const(handle_s),
                "fcr": fcr,
                "return_delay": const(delay_s),
            }
        ]
    )


def test_returns_at_the_same_instant_are_a_loop_that_never_ends() -> None:
    assert problems(returning(0, 0)) == [
        "call_types[0].return_delay: with fcr 0, unresolved callers of 'a' call again after "
        "0 s of talk and 0 s of delay: a loop that never moves the clock; give handle_time or "
        "return_delay a positive mean, got 0.0 (at call_types.a.return_delay)"
    ]


def test_returns_far_too_often_are_refused_with_the_figure() -> None:
    # 252 calls, each returning every 1 ms for an hour: 907 million calls
    (msg,) = problems(returning(0.0, 0.001))
    assert msg.startswith("call_types: expect about 907,2")
    assert f"at most {MAX_CALLS:,} fit in memory" in msg


def test_a_dialect_that_lowers_resolution_is_a_return_loop_too() -> None:
    # fcr 1, but callers served without their dialect resolve nothing: they return
    d = returning(0, 0, fcr=1.0)
    del d["call_types"][0]["return_delay"]
    d["networks"] = [{"id": "n", "share": 1.0, "dialect_share": 0.5}]
    d["dialect"] = {"fcr_factor": 0.0}
    assert problems(d) == [
        "call_types[0].return_delay: is required when dialect.fcr_factor < 1 (callers served "
        "without their dialect may call again: when?) (at call_types.a.return_delay)"
    ]
    d["call_types"][0]["return_delay"] = const(0)
    assert problems(d)[0].startswith("call_types[0].return_delay: with fcr 0, unresolved callers")


def test_a_province_year_is_not_refused() -> None:
    sc = load_scenario(ROOT / "scenarios" / "province_10000.yaml")
    year = sc.replace({"horizon.duration_h": 8760})
    assert estimate(year).calls < MAX_CALLS


def test_returns_within_reason_run_and_finish() -> None:
    sc = parse_scenario(returning(10, 50))  # every answered caller returns a minute later
    res = simulate(sc, replications=1, workers=1)
    k = res.kpis()
    assert k.loc["returns", "mean"] > 0
    # each matter returns at most once a minute within the hour
    assert k.loc["offered", "mean"] <= 252 * 1.5 * 61


def test_a_queue_sampled_every_microsecond_is_refused() -> None:
    assert problems(base(kpi={"queue_sample_s": 1e-6})) == [
        f"kpi.queue_sample_s: gives 3,600,000,000 queue samples per replication; at most "
        f"{MAX_SAMPLES:,}: sample less often, got 1e-06"
    ]


def test_a_list_of_a_billion_records_is_refused() -> None:
    d = base(campaigns=[campaign(list={"daily_size": 10**9, "release": "00:00"})])
    d["centers"][0]["groups"].append({"id": "out", "skills": [], "agents": 1})
    assert problems(d) == [
        f"campaigns[0].list.daily_size: expect about 3,000,000,000 outbound attempts per "
        f"replication; at most {MAX_ATTEMPTS:,} fit, got 1000000000 (at campaigns.care.list.daily_size)"
    ]


def test_a_billion_campaign_attempts_are_refused() -> None:
    d = base(campaigns=[campaign(max_attempts=10**9, retry_after=const(0))])
    d["centers"][0]["groups"].append({"id": "out", "skills": [], "agents": 1})
    (msg,) = problems(d)
    assert msg.startswith("campaigns[0].max_attempts: expect about 2,000,000,000 outbound")


def test_a_billion_chasers_or_callback_attempts_are_refused() -> None:
    chaser = {"probability": 1.0, "delay": const(0), "max_chasers": 10**9}
    assert problems(orders_case(chaser=chaser)) == [
        f"work_orders[0].chaser.max_chasers: allows about 1,000,000,000 chaser calls per "
        f"replication; at most {MAX_CALLS:,} fit, got 1000000000 (at work_orders.complaint_order.chaser.max_chasers)"
    ]
    assert problems(orders_case(attempts=10**9)) == [
        f"work_orders: expect about 1,000,000,000 callback attempts per replication; at most "
        f"{MAX_ATTEMPTS:,} fit"
    ]


def test_a_billion_password_tries_are_refused() -> None:
    d = returning(10, 50, fcr=1.0)
    d["call_types"][0]["ivr"] = {
        "containment": 0.0,
        "password": {"share": 1.0, "fail_prob": 1.0, "tries": 10**9, "try_time": const(0)},
    }
    (msg,) = problems(d)
    assert msg.startswith("call_types[0].ivr.password.tries: expect about 252,000,000,000")
    assert f"at most {MAX_TRIES:,}" in msg
