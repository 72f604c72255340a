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

from ccsim.engine.compile import Compiled
from ccsim.engine.streams import Streams
from ccsim.scenario.schema import Scenario
from ccsim.scenario.timeline import DAY_S, Segments, segments, weekday_factors

__all__ = [
    "DAY_S",
    "ArrivalDays",
    "DrawnArrivals",
    "ReplayedArrivals",
    "Segments",
    "day_multipliers",
    "draw_arrivals",
    "segments",
]


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


class DrawnArrivals:
    """Arrival times of one call type drawn a stretch at a time: the times of ``draw_arrivals``.

    The Poisson counts of every segment are drawn first, as there; the uniform
    placements are drawn segment after segment when the run reaches them (one stream
    gives the same numbers in one call or several), and points of different segments
    never interleave, so sorting each stretch sorts the whole.
    """

    forced = None

    def __init__(
        self,
        seg: Segments,
        day_factor: NDArray[np.float64],
        busy: NDArray[np.float64],
        rng: np.random.Generator,
    ) -> None:
        mult = busy[seg.day] * (day_factor[seg.day] if seg.uses_day_factors else 1.0)
        self.length = seg.t1 - seg.t0
        self.counts = rng.poisson(seg.rate_per_s * mult * self.length)
        self.t0 = seg.t0
        self.rng = rng
        self.next_seg = 0
        self.drawn = np.empty(0)  # drawn, not yet taken (sorted)

    def left(self) -> bool:
        """Whether arrivals remain to be taken."""
        return self.next_seg < self.t0.size or self.drawn.size > 0

    def take(self, end_s: float) -> tuple[NDArray[np.float64], None]:
        """The arrival times before ``end_s`` not taken yet, sorted."""
        j0 = self.next_seg
        j1 = int(np.searchsorted(self.t0, end_s, side="left"))
        if j1 > j0:
            counts = self.counts[j0:j1]
            total = int(counts.sum())
            if total:
                # t0 + u * length, in place (the same sums as draw_arrivals)
                t = self.rng.random(total)
                t *= np.repeat(self.length[j0:j1], counts)
                t += np.repeat(self.t0[j0:j1], counts)
                t.sort(kind="stable")
                self.drawn = np.concatenate([self.drawn, t]) if self.drawn.size else t
            self.next_seg = j1
        hi = int(np.searchsorted(self.drawn, end_s, side="left"))
        out, self.drawn = self.drawn[:hi], self.drawn[hi:].copy()
        return out, None


class ReplayedArrivals:
    """Arrival times given by the scenario (sorted), with replayed tier and network (-1: draw)."""

    def __init__(self, times: NDArray[np.float64], forced: NDArray[np.int64] | None) -> None:
        self.times = times
        self.forced = forced
        self.pos = 0

    def left(self) -> bool:
        """Whether arrivals remain to be taken."""
        return self.pos < self.times.size

    def take(self, end_s: float) -> tuple[NDArray[np.float64], NDArray[np.int64] | None]:
        """The arrival times before ``end_s`` not taken yet, and their (tier, network)."""
        lo = self.pos
        hi = self.pos = int(np.searchsorted(self.times, end_s, side="left"))
        return self.times[lo:hi], None if self.forced is None else self.forced[lo:hi]


class ArrivalDays:
    """Arrival times of all call types, merged one simulated day at a time.

    A day's arrivals come in time order (ties: call type order, then draw order): the
    order of one stable sort of the whole horizon, without drawing or holding every
    arrival of a long run at once.

    Parameters
    ----------
    sources : list of DrawnArrivals or ReplayedArrivals
        Per call type, in call type order.
    """

    def __init__(self, sources: list[DrawnArrivals | ReplayedArrivals]) -> None:
        self.sources = sources
        self.replayed = any(s.forced is not None for s in sources)
        self.end_s = 0.0

    def next_day(self) -> tuple[list[float], list[int], list[list[int]] | None] | None:
        """Times, call types and replayed (tier, network) of the next day with arrivals, or None."""
        while any(s.left() for s in self.sources):
            self.end_s += DAY_S
            parts, kinds, fparts = [], [], []
            for k, src in enumerate(self.sources):
                t, f = src.take(self.end_s)
                parts.append(t)
                kinds.append(np.full(t.size, k, dtype=np.int16))
                if self.replayed:
                    fparts.append(f if f is not None else np.full((t.size, 2), -1))
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


def arrival_days(m: Compiled, streams: Streams) -> ArrivalDays:
    """The arrivals of a replication, by day: drawn per call type, or replayed as given."""
    factors, busy = day_multipliers(m.scenario, m.n_days, streams.rng("busyness"))
    sources: list[DrawnArrivals | ReplayedArrivals] = []
    tier_ix = {t: i for i, t in enumerate(m.tier_ids)}
    net_ix = {x: i for i, x in enumerate(m.network_ids)}
    for k, seg in enumerate(m.segments):
        arr = m.scenario.call_types[k].arrivals
        if arr.times_s is not None:
            t = np.asarray(arr.times_s, dtype=float)
            n = t.size
            ft = np.asarray(
                [tier_ix[x] for x in arr.tiers] if arr.tiers else [-1] * n, dtype=np.int64
            )
            fn = np.asarray(
                [net_ix[x] for x in arr.networks] if arr.networks else [-1] * n, dtype=np.int64
            )
            forced = np.stack([ft, fn], axis=1).reshape(n, 2)  # replayed (-1: draw)
            sources.append(ReplayedArrivals(t, forced))
        else:
            rng = streams.rng(f"arrivals/{m.type_ids[k]}")
            sources.append(DrawnArrivals(seg, factors, busy, rng))
    return ArrivalDays(sources)
