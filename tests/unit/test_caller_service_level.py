"""The service level over a caller's total wait across redials."""

import pytest

from ccsim.runner import simulate
from ccsim.scenario import parse_scenario
from tests.helpers.scen import base, const

REDIAL = {"probabilities": [1.0], "delay": const(30)}


def scenario(threshold_s, **extra):
    # one agent talking 50 s; caller 2 arrives at 1, abandons at 11 (10 s), redials at
    # 41 and is answered at 50 (9 s): 19 s of waiting in all
    ct = {
        "id": "a",
        "arrivals": {"times_s": [0, 1]},
        "handle_time": const(50),
        "patience": const(10),
        "redial": REDIAL,
        **extra,
    }
    return parse_scenario(
        base(call_types=[ct], targets={"service_level": {"threshold_s": threshold_s}})
    )


@pytest.mark.parametrize(("threshold_s", "callers_ok"), [(20, 1.0), (19, 1.0), (15, 0.5)])
def test_total_wait_across_redials(threshold_s, callers_ok):
    k = simulate(scenario(threshold_s), workers=1).kpis()["mean"]
    assert k["service_level"] == pytest.approx(2 / 3)  # per attempt: 2 of 3 within T
    assert k["caller_service_level"] == pytest.approx(callers_ok)


def test_a_blocked_first_attempt_starts_the_chain():
    # two lines, one agent talking 50 s: caller 2 waits 1-50 (49 s); caller 3 hears busy
    # at 2, redials at 62 (caller 1's line is free since 50) and waits to 100 (38 s)
    d = base(
        call_types=[
            {"id": "a", "arrivals": {"times_s": [0, 1, 2]}, "handle_time": const(50),
             "redial": {"probabilities": [1.0], "delay": const(60)}}
        ],
        lines=2,
        targets={"service_level": {"threshold_s": 40}},
    )  # fmt: skip
    res = simulate(parse_scenario(d), workers=1)
    s = res.sums()
    assert s["calls"].sum() == 4 and s["lines_blocked"].sum() == 1
    assert s["chains_requesting"].sum() == 3  # three callers, whatever their attempts
    assert res.kpis()["mean"]["caller_service_level"] == pytest.approx(2 / 3)
