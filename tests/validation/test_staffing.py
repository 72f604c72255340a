"""The staffing planner against Erlang, and its plans on fresh seeds."""

import numpy as np
import pytest
from scipy import stats

from ccsim.runner import simulate
from ccsim.scenario import load_scenario, parse_scenario
from ccsim.staffing import staff
from ccsim.staffing.search import enforced_checks
from tests.cli.test_run_cli import ROOT

RATES = [120, 160, 200, 260, 300, 300, 260, 200, 160, 120]


def single(patience=None, abandon=None):
    ct = {
        "id": "a",
        "arrivals": {"per_interval": RATES},
        "handle_time": {"dist": "exponential", "mean_s": 180},
    }
    targets = {"service_level": {"threshold_s": 20, "target": 0.8, "interval_target": 0.8}}
    if patience:
        ct["patience"] = {"dist": "exponential", "mean_s": patience}
        targets["abandon_rate"] = abandon
    return parse_scenario(
        {
            "name": "single",
            "seed": 2,
            "replications": 20,
            "horizon": {"duration_h": 5, "interval_min": 30},
            "call_types": [ct],
            "centers": [{"id": "c", "groups": [{"id": "g", "skills": ["a"], "agents": 1}]}],
            "targets": targets,
            "staffing": {"replications": 32, "max_evaluations": 80},
        }
    )


def meets_on_fresh_seeds(plan, seed=991, reps=30):
    """Every target of the plan, re-simulated with other seeds.

    The search claims each target holds at 95 % one-sided confidence; the fresh estimate
    then lies above the target less its own 99.9 % margin (a failure rate of about one in
    a thousand per check if the claim is right). Per-interval targets are checked in
    every interval with calls.
    """
    sc = plan.staffed_scenario("sim")
    res = simulate(sc, replications=reps, seed=seed)
    t999 = stats.t.ppf(0.999, reps - 1)
    bad = []
    total = res.kpi_values()
    per = res.kpi_values(["interval"])["service_level"].unstack("interval")
    for check in enforced_checks(sc):
        values = (
            [total[check.kpi].to_numpy()]
            if check.scope == "period"
            else [per[i].to_numpy() for i in per.columns]
        )
        for v in values:
            v = v[~np.isnan(v)]
            margin = t999 * v.std(ddof=1) / np.sqrt(v.size)
            ok = (
                v.mean() >= check.target - margin
                if check.rule == ">="
                else v.mean() <= check.target + margin
            )
            if not ok:
                bad.append(
                    (check.name, round(float(v.mean()), 4), check.target, round(float(margin), 4))
                )
    return bad


@pytest.mark.parametrize(
    ("patience", "abandon"), [(None, None), (150.0, 0.05)], ids=["erlang_c", "erlang_a"]
)
def test_single_group_plan_agrees_with_erlang_within_one_agent(patience, abandon):
    plan = staff(single(patience, abandon))
    assert plan.feasible
    diff = plan.simulated[0] - plan.erlang[0]
    assert np.abs(diff).max() <= 1, (plan.erlang[0], plan.simulated[0])
    assert meets_on_fresh_seeds(plan) == []


def test_multi_skill_plan_meets_targets_and_beats_separate_erlang():
    sc = load_scenario(ROOT / "scenarios" / "two_skill_overflow.yaml")
    plan = staff(sc)
    assert plan.feasible
    assert plan.hours(plan.simulated) < plan.hours(plan.erlang)
    assert meets_on_fresh_seeds(plan) == []
