"""Sequential sampling of candidate plans keeps the promised confidence.

A plan is declared to meet a target only with every configured replication, by the
stated rule; early verdicts only reject. Over many seeds of a KPI stream whose true
mean is exactly the target, the target is declared met at most 1 - confidence of the
time (within the Monte Carlo error); a stream comfortably on the right side is seldom
rejected early, and a hopeless one is rejected on its first look.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from ccsim.staffing.checks import Check
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
    met, used = _runs(0.8 + 2 * 2.015 * 0.04 / math.sqrt(6), 0.04, 6, c, seed=3)
    assert met > 0.8 and used > 5.9
    # a plan far below: never met, and rejected on its first look but when its two
    # replications happen to agree so little that even t with 1 degree of freedom
    # (6.31) reaches the target (about 1 time in 20 here)
    met, used = _runs(0.5, 0.04, 6, c, seed=4)
    assert met == 0.0 and used < 2.3
