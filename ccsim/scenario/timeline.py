"""The time structure of a scenario: rate segments and weekday factors, as plain data.

A call type's rate is constant on segments (its scenario intervals, or the slots of an
intraday profile, cut at midnight). Weekday factors multiply whole days of daily-volume
demand. The engine draws arrivals from these segments; the closed forms read the same
segments for offered loads, so both see one definition of the demand over time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ccsim.scenario.common import WEEKDAYS
from ccsim.scenario.schema import CallType, Scenario, per_interval

DAY_S = 86_400.0


@dataclass(frozen=True)
class Segments:
    """Piecewise-constant rate of one call type over the horizon (seconds from start)."""

    t0: NDArray[np.float64]
    t1: NDArray[np.float64]
    rate_per_s: NDArray[np.float64]  # before day multipliers
    day: NDArray[np.int64]  # day index (0 = first day) of each segment
    uses_day_factors: bool

    @property
    def expected(self) -> float:
        """Expected number of arrivals without day multipliers."""
        return float(((self.t1 - self.t0) * self.rate_per_s).sum())


def _cut(points: list[float], horizon_s: float) -> NDArray[np.float64]:
    pts = sorted({p for p in points if 0.0 < p < horizon_s} | {0.0, horizon_s})
    return np.asarray(pts, dtype=float)


def segments(scenario: Scenario, ct: CallType) -> Segments:
    """The rate segments of call type ``ct``."""
    hz = scenario.horizon
    horizon_s = hz.duration_h * 3600.0
    start = hz.start_s
    midnights = [DAY_S * k - start for k in range(1, int((start + horizon_s) // DAY_S) + 2)]
    arr = ct.arrivals
    uses_days = False
    if arr.times_s is not None:  # replayed: no rate
        edges = np.asarray([0.0, horizon_s])
        rates = np.zeros(1)
    elif arr.rate_per_h is not None:
        edges = _cut(midnights, horizon_s)
        rates = np.full(edges.size - 1, arr.rate_per_h / 3600.0)
    elif arr.per_interval is not None:
        n = hz.n_intervals
        step = hz.interval_s
        vals = arr.per_interval
        edges = _cut([i * step for i in range(1, n)] + midnights, horizon_s)
        mids = (edges[:-1] + edges[1:]) / 2.0
        idx = np.minimum((mids // step).astype(np.int64), n - 1)
        per = per_interval(vals, n, hz.start_interval)
        rates = np.asarray([per[i] for i in idx], dtype=float) / 3600.0
    else:
        uses_days = True
        if arr.share is not None:
            demand = scenario.demand
            assert demand is not None and demand.daily_volume is not None
            volume = demand.daily_volume * arr.share
            profile = demand.profile
        else:
            assert arr.daily_volume is not None
            volume = arr.daily_volume
            profile = arr.profile
        weights = np.asarray(profile if profile else [1.0], dtype=float)
        weights = weights / weights.sum()
        slot = DAY_S / weights.size
        # slot boundaries on the clock, expressed in seconds from the start
        first = np.floor(start / slot)
        last = np.ceil((start + horizon_s) / slot)
        bounds = [k * slot - start for k in np.arange(first, last + 1)]
        edges = _cut(bounds + midnights, horizon_s)
        mids = (edges[:-1] + edges[1:]) / 2.0
        slot_idx = (np.floor((mids + start) / slot).astype(np.int64)) % weights.size
        rates = volume * weights[slot_idx] / slot
    mids = (edges[:-1] + edges[1:]) / 2.0
    day = np.floor((mids + start) / DAY_S).astype(np.int64)
    return Segments(edges[:-1].copy(), edges[1:].copy(), rates, day, uses_days)


def weekday_factors(scenario: Scenario, n_days: int) -> NDArray[np.float64]:
    """Demand multiplier of each day of the horizon from ``demand.day_factors`` (1 when unset)."""
    demand = scenario.demand
    first = WEEKDAYS.index(scenario.horizon.start_day)
    factors = np.ones(n_days)
    if demand is not None and demand.day_factors:
        for d in range(n_days):
            factors[d] = demand.day_factors.get(WEEKDAYS[(first + d) % 7], 1.0)
    return factors
