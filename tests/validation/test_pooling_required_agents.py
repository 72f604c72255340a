"""Centralized versus local: the simulated saving in required agents matches Erlang C pooling.

Three cities of 4 Erlangs each (80 calls/h, exponential 180 s, patient callers), target
80 % answered in 20 s. Dialect, tiers and skills are off, so the only difference between
the designs is pooling. The fewest agents that meet the target are searched by
simulation in each design; the chosen loads put the target far (at least 0.028) from the
service level of the neighbouring staffing levels, many standard errors of the
simulated estimate, so the simulated requirement is a sharp statement.
"""

import numpy as np

from ccsim.analytics import Targets, erlang_c_metrics, required_agents
from ccsim.runner import simulate
from ccsim.scenario import parse_scenario
from tests.validation.stats import agrees

CITIES = ("n1", "n2", "n3")
TARGET = 0.8


def scenario(local: bool, agents: int):
    centres = [
        {
            "id": "prov",
            "kind": "provincial",
            "groups": [] if local else [{"id": "pool", "skills": ["a"], "agents": agents}],
        }
    ]
    if local:
        centres += [
            {
                "id": f"c_{c}",
                "kind": "local",
                "network": c,
                "groups": [{"id": "team", "skills": ["a"], "agents": agents}],
            }
            for c in CITIES
        ]
    return parse_scenario(
        {
            "name": "local" if local else "central",
            "seed": 3,
            "replications": 10,
            "horizon": {"duration_h": 100, "interval_min": 60, "warmup_h": 4},
            "networks": [{"id": c, "share": 1 / 3} for c in CITIES],
            "call_types": [
                {
                    "id": "a",
                    "arrivals": {"rate_per_h": 240},
                    "handle_time": {"dist": "exponential", "mean_s": 180},
                }
            ],
            "centers": centres,
            "targets": {"service_level": {"threshold_s": 20, "target": TARGET}},
        }
    )


def worst_sl(local: bool, agents: int) -> np.ndarray:
    res = simulate(scenario(local, agents))
    if not local:
        return res.kpi_values()["service_level"].to_numpy()
    per = res.kpi_values(["network"])["service_level"].unstack("network")
    return per[per.mean().idxmin()].to_numpy()  # the worst city must meet the target


def simulated_required(local: bool, start: int) -> tuple[int, np.ndarray]:
    n = start
    while True:
        sl = worst_sl(local, n)
        if sl.mean() >= TARGET:
            return n, sl
        n += 1


def test_pooling_saving_in_required_agents_matches_erlang_c():
    t = Targets(service_level=TARGET, threshold_s=20.0)
    erlang_local = int(required_agents(4.0, 180.0, t))  # per city
    erlang_central = int(required_agents(12.0, 180.0, t))
    local, _ = simulated_required(True, erlang_local - 2)
    central, sl_central = simulated_required(False, erlang_central - 2)
    assert 3 * local - central == 3 * erlang_local - erlang_central
    assert (local, central) == (erlang_local, erlang_central)
    # and the service level reached agrees with Erlang C at those staffing levels
    ok, msg = agrees(sl_central, erlang_c_metrics(central, 12.0, 180.0, 20.0).service_level)
    assert ok, msg
