"""Sequential sampling of candidate plans keeps the promised confidence.

A plan is declared to meet a target only with every configured replication, by the
stated rule; early verdicts only reject. Over many seeds of a KPI stream whose true
mean is exactly the target, the target is declared met at most 1 - confidence of the
time (within the Monte Carlo error); a stream comfortably on the right side is seldom
rejected early, and a hopeless one is rejected on its first look. After a failed
removal, the secant between the best plan and the failed one sizes the next step.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from ccsim.results.kpis import t_quantile
from ccsim.staffing.checks import Check
from ccsim.staffing.evaluation import Evaluation
from ccsim.staffing.secant import DAMPING, step_caps
from ccsim.staffing.sequential import looks, sequential_verdict

SEEDS = 10_000


def _runs(mean: float, sd: float, reps: int, c: Check, seed: int) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    streams = rng.normal(mean, sd, size=(SEEDS, reps))
    out = [sequential_verdict(s, c, 0.95) for s in streams]
    return float(np.mean([m for m, _ in out])), float(np.mean([n for _, n in out]))


def test_the_looks() -> None:
    assert looks(6) == [2, 4, 6] and looks(8) == [2, 4, 6, 8] and looks(5) == [2, 4, 5]
    assert looks(2) == [2] and looks(1) == [1]


@pytest.mark.parametrize("rule", [">=", "<="])
@pytest.mark.parametrize("reps", [6, 8])
def test_a_stream_at_the_target_is_declared_met_at_most_five_times_in_a_hundred(rule, reps) -> None:
    c = Check("x", "service_level", rule, 0.8, "period")
    met, used = _runs(0.8, 0.04, reps, c, seed=reps)
    assert met <= 0.05 + 3 * math.sqrt(0.05 * 0.95 / SEEDS), met
    assert used < reps  # some streams stop early


def test_early_verdicts_spare_good_plans_and_stop_hopeless_ones() -> None:
    c = Check("x", "service_level", ">=", 0.8, "period")
    # a plan two margins above the target: met most of the time, rarely cut short
    met, used = _runs(0.8 + 2 * t_quantile(0.95, 5) * 0.04 / math.sqrt(6), 0.04, 6, c, seed=3)
    assert met > 0.8 and used > 5.9
    # a plan far below: never met, and rejected on its first look but when its two
    # replications happen to agree so little that even t with 1 degree of freedom
    # (6.31) reaches the target (about 1 time in 20 here)
    met, used = _runs(0.5, 0.04, 6, c, seed=4)
    assert met == 0.0 and used < 2.3


def _ev(plan: np.ndarray, values: dict[str, np.ndarray]) -> Evaluation:
    return Evaluation(plan, None, {}, [], values=values)  # type: ignore[arg-type]


def test_the_secant_sizes_the_next_step_between_the_best_plan_and_a_failed_one() -> None:
    period = Check("service_level", "service_level", ">=", 0.8, "period")
    interval = Check("service_level_interval", "service_level", ">=", 0.8, "interval")
    t = 2.0
    best = _ev(
        np.full((1, 3), 10, dtype=np.int64),
        {"service_level": np.full(4, 0.90), "service_level_interval": np.full((4, 3), 0.85)},
    )
    # 30 agents removed (10 per interval): the period slack goes 0.10 -> -0.05, the
    # middle interval's 0.05 -> -0.15; the others still pass
    isl = np.array([0.82, 0.65, 0.82])
    miss = _ev(
        np.full((1, 3), 0, dtype=np.int64),
        {"service_level": np.full(4, 0.75), "service_level_interval": np.tile(isl, (4, 1))},
    )
    total, per = step_caps(best, miss, [period, interval], t)
    # sd 0: the bounds are the means, slack 0.10 -> -0.05 (period), 0.05 -> -0.15 (interval)
    # in exact arithmetic (the float root is a hair below 18)
    exact = Fraction(30) * Fraction(1, 10) / Fraction(15, 100) * Fraction(str(DAMPING))
    assert total == math.floor(exact) == 18
    exact = Fraction(10) * Fraction(5, 100) / Fraction(20, 100) * Fraction(str(DAMPING))
    assert per is not None and per[1] == math.floor(exact) == 2
    assert per[0] > 1000 and per[2] > 1000  # intervals that held: no cap
    # a failed plan whose targets all hold gives no secant
    ok = _ev(best.plan - 1, best.values)
    assert step_caps(best, ok, [period, interval], t) == (None, None)
