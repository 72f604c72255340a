"""Safe plans: no interval with calls is emptied, whatever the whole-day targets allow.

A city hotline with quiet nights and only whole-day targets: without a floor the
search removes every night agent it can (the day's figures hide the night). The
default floor keeps, per group and interval, the Erlang agents for 50 % in the
threshold on the calls the group is offered; ``min_agents`` adds a planner's own minimum.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np
import pytest

import ccsim
from ccsim.analytics import erlang_c_metrics
from tests.helpers.problems import problems

NIGHT_DAY = [6, 4, 4, 3, 3, 3, 3, 3, 4, 6, 10, 20, 60, 120, 200, 260, 300, 300, 280, 260, 250,
             250, 260, 270, 270, 260, 250, 240, 230, 220, 200, 180, 160, 140, 120, 100, 90, 80,
             70, 60, 50, 40, 30, 20, 15, 10, 8, 6]  # fmt: skip
CITY: dict[str, Any] = {
    "name": "city",
    "seed": 11,
    "replications": 4,
    "horizon": {"duration_h": 24, "interval_min": 30},
    "call_types": [
        {
            "id": "general",
            "arrivals": {"per_interval": NIGHT_DAY},
            "handle_time": {"dist": "lognormal", "mean_s": 240, "cv": 1},
            "patience": {"dist": "exponential", "mean_s": 90},
        }
    ],
    "centers": [{"id": "main", "groups": [{"id": "agents", "skills": ["general"], "agents": 10}]}],
    "targets": {"service_level": {"threshold_s": 15, "target": 0.8}, "abandon_rate": 0.05},
    "staffing": {"replications": 4, "max_evaluations": 30},
}


def city(**staffing: Any) -> ccsim.Scenario:
    d = copy.deepcopy(CITY)
    d["staffing"].update(staffing)
    return ccsim.parse_scenario(d)


def erlang_floor(rate_per_h: float, level: float = 0.5) -> int:
    """Fewest agents with Erlang C service level >= level (15 s, AHT 240 s), at least 1."""
    traffic = rate_per_h * 240 / 3600
    n = max(1, math.floor(traffic) + 1)
    while float(erlang_c_metrics(n, traffic, 240, 15).service_level) < level:
        n += 1
    return n


@pytest.fixture(scope="module")
def plans() -> dict[str, ccsim.StaffingPlan]:
    return {
        "floor": ccsim.staff(city(), workers=1),
        "none": ccsim.staff(city(floor_service_level=None), workers=1),
    }


def test_whole_day_targets_hide_an_empty_night() -> None:
    """The defect the floor prevents: day figures met while the night has nobody."""
    per = [0] * 10 + [erlang_floor(r, 0.8) + 2 for r in NIGHT_DAY[10:]]
    d = copy.deepcopy(CITY)
    d["centers"][0]["groups"][0]["agents"] = per
    res = ccsim.simulate(ccsim.parse_scenario(d), replications=4, seed=3)
    kpis = res.summary()["kpis"]
    assert kpis["service_level"]["mean"] >= 0.8
    assert kpis["abandon_rate"]["mean"] <= 0.05
    night = res.kpi_values(["interval"])["service_level"].groupby(level="interval").mean()
    assert (night.iloc[:10] < 0.5).all()


def test_without_a_floor_the_plan_costs_no_more_and_says_so(plans) -> None:
    plan = plans["none"]
    assert plan.feasible
    need = np.asarray([erlang_floor(r) for r in NIGHT_DAY])
    assert plan.hours(plan.simulated) <= plans["floor"].hours(plans["floor"].simulated)
    assert (plan.summary()["floor"]["service_level"]) is None
    assert (plans["floor"].simulated[0] >= need).all()


def test_the_floor_keeps_every_interval_with_calls_staffed(plans) -> None:
    plan = plans["floor"]
    assert plan.feasible
    need = np.asarray([erlang_floor(r) for r in NIGHT_DAY])
    assert (plan.simulated[0] >= need).all(), list(zip(plan.simulated[0], need, strict=True))
    doc = plan.summary()
    assert doc["floor"] == {"service_level": 0.5, "threshold_s": 15.0, "below": []}


def test_min_agents_per_group_and_per_interval() -> None:
    plan = ccsim.staff(city(min_agents={"agents": 3}, max_evaluations=6), workers=1)
    assert plan.simulated.min() >= 3
    per = [4] * 12 + [0] * 36
    plan = ccsim.staff(city(min_agents={"agents": per}, max_evaluations=6), workers=1)
    assert (plan.simulated[0, :12] >= 4).all()


def test_min_agents_names_groups_and_fits_the_horizon() -> None:
    d = copy.deepcopy(CITY)
    d["staffing"]["min_agents"] = {"agnets": 2, "agents": [1, 2, 3]}
    found = problems(d)
    assert any(p.startswith("staffing.min_agents.agnets: names no group") for p in found), found
    assert any(p.startswith("staffing.min_agents.agents: must have 48") for p in found), found
    d["staffing"] = {"floor_service_level": 1.0}
    assert problems(d) == ["staffing.floor_service_level: must be < 1, got 1.0"]
