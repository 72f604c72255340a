"""Callers waiting for an agent in one replication: queue length per interval, exact and sampled."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ccsim.engine.compile import Compiled


def queue_length(
    m: Compiled, c: dict[str, NDArray[Any]], samples: dict[str, NDArray[Any]]
) -> dict[str, NDArray[np.float64]]:
    """Callers waiting for an agent, per interval: time-integral (caller-seconds) and maximum.

    Exact, from the queue entry and exit times of every call (a sweep). When the run
    also sampled the queue (``kpi.queue_sample_s``), the samples' count and sum are
    kept too, an independent measurement used to check the exact one.
    """
    n, step = m.n_intervals, m.interval_s
    tq = c["t_queue"]
    queued = ~np.isnan(tq)
    enter = np.minimum(tq[queued], m.horizon_s)
    # a transfer to another site is part of the wait, not of the queue
    leave = np.minimum(tq[queued] + c["wait"][queued] - c["transfer"][queued], m.horizon_s)
    bounds = np.arange(n + 1, dtype=float) * step
    times = np.concatenate([enter, leave, bounds])
    # at equal times, leave before enter so that the maximum is not overstated
    delta = np.concatenate([np.ones(enter.size), -np.ones(leave.size), np.zeros(bounds.size)])
    order = np.lexsort((delta, times))
    times, delta = times[order], delta[order]
    level = np.cumsum(delta)
    idx = np.minimum((times // step).astype(np.int64), n - 1)
    area = np.bincount(idx[:-1], weights=np.diff(times) * level[:-1], minlength=n).astype(float)
    qmax = np.zeros(n)
    np.maximum.at(qmax, idx, level)
    warm = m.warmup_intervals
    area[:warm] = 0.0
    qmax[:warm] = 0.0
    return {"queue_area_s": area, "queue_max": qmax, **sampled_queue(m, samples)}


def sampled_queue(m: Compiled, samples: dict[str, NDArray[Any]]) -> dict[str, NDArray[np.float64]]:
    """Count and sum of the queue-length samples per interval (none when the run took none)."""
    if not samples["t"].size:
        return {}
    n, step = m.n_intervals, m.interval_s
    t = np.asarray(samples["t"], dtype=float)
    q = np.asarray(samples["waiting"], dtype=float)
    ok = t >= m.warmup_s
    sidx = np.minimum((t[ok] // step).astype(np.int64), n - 1)
    return {
        "sampled_count": np.bincount(sidx, minlength=n).astype(float),
        "sampled_sum": np.bincount(sidx, weights=q[ok], minlength=n).astype(float),
    }


class QueueWindows:
    """Queue length of a run whose rows are folded as it goes: area and maximum per interval.

    The area is additive over callers, the maximum is not: it needs every caller in the
    queue at once. A row is written when its caller leaves the queue, so at a fold at
    time ``now`` the queue over [last fold, now) is the rows written since the last fold
    plus the callers still waiting (given by the engine). Callers already waiting at the
    window's start enter it first and their ramp is not a level of the queue; levels at
    ``now`` itself belong to the next window (rows leaving exactly then are carried),
    except at the end of the run, where the sweep stops at the horizon as ``queue_length``.
    """

    def __init__(self, m: Compiled) -> None:
        self.m = m
        self.area = np.zeros(m.n_intervals)
        self.qmax = np.zeros(m.n_intervals)
        self.start_s = 0.0
        self.carry = (np.empty(0), np.empty(0))  # enter, leave of rows leaving at the fold

    def add(self, c: dict[str, NDArray[Any]], now: float, waiting: NDArray[np.float64]) -> None:
        """Sweep the window up to ``now`` with the rows since the last call and who still waits."""
        m = self.m
        n, step, H = m.n_intervals, m.interval_s, m.horizon_s
        tq = c["t_queue"]
        queued = ~np.isnan(tq)
        enter = np.concatenate([self.carry[0], tq[queued], waiting])
        # a transfer to another site is part of the wait, not of the queue
        leave = np.concatenate(
            [
                self.carry[1],
                tq[queued] + c["wait"][queued] - c["transfer"][queued],
                np.full(waiting.size, np.inf),
            ]
        )
        lo, hi = min(self.start_s, H), min(now, H)
        last = now >= H  # the run's last window: levels at the horizon count, as in queue_length
        before = enter < lo  # already waiting when the window opens
        e_in = np.clip(enter, lo, hi)
        l_in = np.clip(leave, lo, hi)
        bounds = np.arange(n + 1, dtype=float) * step
        bounds = bounds[(bounds >= lo) & (bounds <= hi)]
        if bounds.size == 0 or bounds[-1] < hi:
            bounds = np.append(bounds, hi)
        times = np.concatenate([e_in, l_in, bounds])
        delta = np.concatenate([np.ones(enter.size), -np.ones(leave.size), np.zeros(bounds.size)])
        # at equal times: callers already waiting, then leave, then enter
        rank = np.concatenate(
            [np.where(before, -2, 1), -np.ones(leave.size), np.zeros(bounds.size)]
        )
        order = np.lexsort((rank, times))
        times, delta, rank = times[order], delta[order], rank[order]
        level = np.cumsum(delta)
        idx = np.minimum((times // step).astype(np.int64), n - 1)
        self.area += np.bincount(idx[:-1], weights=np.diff(times) * level[:-1], minlength=n)
        seen = rank > -2
        if not last:
            seen &= times < hi
        np.maximum.at(self.qmax, idx[seen], level[seen])
        if last:
            self.carry = (np.empty(0), np.empty(0))
        else:
            out = (leave >= hi) & np.isfinite(leave)  # rows leaving at the fold
            self.carry = (enter[out], leave[out])
        self.start_s = now

    def result(self, samples: dict[str, NDArray[Any]]) -> dict[str, NDArray[np.float64]]:
        """Area and maximum per interval (and the samples' count and sum), as ``queue_length``."""
        warm = self.m.warmup_intervals
        self.area[:warm] = 0.0
        self.qmax[:warm] = 0.0
        return {
            "queue_area_s": self.area,
            "queue_max": self.qmax,
            **sampled_queue(self.m, samples),
        }
