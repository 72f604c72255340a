"""Caller figures that are shares keep their 95 % intervals within [0, 1], counts above 0.

``mmn_abandon`` on 2 replications: the caller service level and caller answer rate are
near 1 with a wide t interval, whose upper end went past 100 % before it was clipped.
"""

from pathlib import Path

import ccsim
from ccsim.results.kpis import t975
from ccsim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]


def test_caller_shares_stay_within_zero_and_one() -> None:
    res = ccsim.simulate(load_scenario(ROOT / "scenarios" / "mmn_abandon.yaml"), replications=2)
    doc = res.summary()
    sl = doc["kpis"]["caller_service_level"]
    assert sl["ci95"][1] <= 1.0 and sl["ci95"][0] >= 0.0
    callers = res.callers()
    rate = callers["caller_answer_rate"]
    assert 0.0 <= rate.low <= rate.mean <= rate.high <= 1.0
    # the t interval itself passes 1 here: the clip is what keeps it a share
    values = res.kpi_values()["caller_service_level"].to_numpy()
    assert values.mean() + t975(values.size - 1) * values.std(ddof=1) / values.size**0.5 > 1.0
    for k in ("callers", "callers_answered", "callers_lost"):
        assert callers[k].low >= 0.0
