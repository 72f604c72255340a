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

__all__ = ["DAY_S", "ArrivalDays", "Segments", "day_multipliers", "draw_arrivals", "segments"]


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


SPENT = 1_000_000  # arrivals of a call type merged before its array is trimmed


class ArrivalDays:
    """Arrival times of all call types, merged one simulated day at a time.

    A day's arrivals come in time order (ties: call type order, then draw order): the
    order of one stable sort of the whole horizon, without holding every arrival of a
    long run as a Python float; arrivals already merged are let go as the run goes.

    Parameters
    ----------
    times : list of arrays
        Sorted arrival times (s) per call type.
    forced : list of (n, 2) int arrays or None
        Per call type: replayed tier and network index per arrival (-1: draw), or None.
    """

    def __init__(self, times: list[NDArray[np.float64]], forced: list[NDArray[np.int64] | None]):
        self.times = times
        self.pos = [0] * len(times)
        self.forced = forced if any(f is not None for f in forced) else None
        self.end_s = 0.0

    def next_day(self) -> tuple[list[float], list[int], list[list[int]] | None] | None:
        """Times, call types and replayed (tier, network) of the next day with arrivals, or None."""
        times, pos = self.times, self.pos
        while any(p < t.size for p, t in zip(pos, times, strict=True)):
            self.end_s += DAY_S
            parts, kinds, fparts = [], [], []
            for k, t in enumerate(times):
                hi = int(np.searchsorted(t, self.end_s, side="left"))
                parts.append(t[pos[k] : hi])
                kinds.append(np.full(hi - pos[k], k, dtype=np.int16))
                if self.forced is not None:
                    f = self.forced[k]
                    fparts.append(
                        f[pos[k] : hi] if f is not None else np.full((hi - pos[k], 2), -1)
                    )
                pos[k] = hi
                if hi >= SPENT or hi == t.size:  # let the arrivals already merged go
                    times[k] = t[hi:].copy()
                    fk = self.forced[k] if self.forced is not None else None
                    if self.forced is not None and fk is not None:
                        self.forced[k] = fk[hi:].copy()
                    pos[k] = 0
            t_all = np.concatenate(parts)
            if not t_all.size:
                continue
            order = np.argsort(t_all, kind="stable")
            f_all = np.concatenate(fparts)[order] if fparts else None
            return (
                t_all[order].tolist(),
                np.concatenate(kinds)[order].tolist(),
                f_all.tolist() if f_all is not None and (f_all >= 0).any() else None,
            )
        return None
