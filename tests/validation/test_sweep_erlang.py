"""A sweep over agents on an M/M/n queue against Erlang C, point by point.

The long Erlang C validation is in test_against_theory.py (one point, 150 h x 12
replications); this one checks what a sweep adds: every point's scenario is the one its
vary describes, and its replications are that point's. So: a few points, a shorter
stationary window (a warm-up from empty, then 48 h), and the tolerance the replications
give at the suite's confidence, split over the points (Bonferroni).
"""

from __future__ import annotations

from ccsim.analytics import erlang_c_metrics
from ccsim.runner.sweep import run_sweep
from ccsim.scenario import parse_scenario
from ccsim.scenario.vary import grid, parse_vary, point_scenarios
from tests.validation.stats import agrees

REPS = 12
RATE_PER_H = 200.0
AHT_S = 180.0
THRESHOLD_S = 20.0
TRAFFIC = RATE_PER_H * AHT_S / 3600.0  # 10 Erlangs


def base():
    # M/M/n: Poisson arrivals, exponential handling, callers who never hang up;
    # 3 h of warm-up from an empty centre, then 48 h measured
    return parse_scenario(
        {
            "name": "sweep-theory",
            "seed": 23,
            "replications": REPS,
            "horizon": {"duration_h": 51, "interval_min": 60, "warmup_h": 3},
            "call_types": [
                {
                    "id": "general",
                    "arrivals": {"rate_per_h": RATE_PER_H},
                    "handle_time": {"dist": "exponential", "mean_s": AHT_S},
                }
            ],
            "centers": [{"id": "c", "groups": [{"id": "g", "skills": ["general"], "agents": 11}]}],
            "targets": {"service_level": {"threshold_s": THRESHOLD_S}},
        }
    )


def test_a_sweep_over_agents_matches_erlang_c_at_every_point():
    vary = parse_vary("centers.c.groups.g.agents=11,12,14")
    points = grid([vary])
    res = run_sweep(point_scenarios(base(), [vary], points), points, REPS, seed=23, workers=2)

    table = res.replications
    assert len(table) == len(points) * REPS
    assert sorted(table.groupby("point").size().items()) == [(1, REPS), (2, REPS), (3, REPS)]

    failures = []
    for k, point in enumerate(points, start=1):
        agents = point[vary.label]
        sl = table.loc[table["point"] == k, "service_level"]
        assert (table.loc[table["point"] == k, vary.label] == agents).all()
        theory = erlang_c_metrics(agents, TRAFFIC, AHT_S, THRESHOLD_S).service_level
        # three comparisons together: each at 1 - 0.001/3, the set at 99.9 %
        ok, msg = agrees(sl, theory, comparisons=len(points))
        if not ok:
            failures.append(f"{agents} agents: {msg}")
    assert not failures, "; ".join(failures)

    # and the sweep tells the points apart: more agents, better service
    means = res.summary["service_level_mean"].tolist()
    assert means == sorted(means) and means[0] < means[-1]
