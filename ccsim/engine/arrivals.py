"""Arrival processes: non-homogeneous Poisson, piecewise-constant rates.

The rates come from the scenario's time structure (``ccsim.scenario.timeline``).
Arrivals of a segment are a Poisson count placed uniformly: exactly a Poisson process
with that rate. Day-to-day variation multiplies whole days: weekday factors (for
daily-volume demand) and a random "busyness" factor per day shared by every call type
(gamma, mean 1).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ccsim.scenario.schema import Scenario
from ccsim.scenario.timeline import DAY_S, Segments, segments, weekday_factors

__all__ = ["DAY_S", "Segments", "day_multipliers", "draw_arrivals", "segments"]


def day_multipliers(
    scenario: Scenario, n_days: int, rng: np.random.Generator
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per day: (weekday factor, busyness factor); busyness is 1 unless ``busyness_cv`` > 0."""
    demand = scenario.demand
    factors = weekday_factors(scenario, n_days)
    cv = demand.busyness_cv if demand is not None else 0.0
    if cv > 0:
        k = 1.0 / (cv * cv)
        busy = rng.gamma(k, 1.0 / k, n_days)
    else:
        busy = np.ones(n_days)
    return factors, busy


def draw_arrivals(
    seg: Segments,
    day_factor: NDArray[np.float64],
    busy: NDArray[np.float64],
    rng: np.random.Generator,
) -> NDArray[np.float64]:
    """Sorted arrival times (seconds from the start) of one call type."""
    mult = busy[seg.day] * (day_factor[seg.day] if seg.uses_day_factors else 1.0)
    length = seg.t1 - seg.t0
    counts = rng.poisson(seg.rate_per_s * mult * length)
    total = int(counts.sum())
    if total == 0:
        return np.empty(0)
    times = np.repeat(seg.t0, counts) + rng.random(total) * np.repeat(length, counts)
    times.sort(kind="stable")
    return times
