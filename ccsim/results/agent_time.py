"""Agent time of one replication: staffed, busy and logged-in agent-seconds per interval and group."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ccsim.engine.compile import Compiled


def integrate_busy(
    starts: NDArray[np.float64],
    ends: NDArray[np.float64],
    m: Compiled,
    on: NDArray[np.int64] | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Busy seconds per interval of tasks [start, end), and the integral of max(busy, on).

    A sweep over start and end times and the interval bounds; time after the horizon
    is not counted.
    """
    n, step = m.n_intervals, m.interval_s
    s = np.minimum(starts, m.horizon_s)
    e = np.minimum(ends, m.horizon_s)
    bounds = np.arange(n + 1, dtype=float) * step
    times = np.concatenate([s, e, bounds])
    delta = np.concatenate([np.ones(s.size), -np.ones(e.size), np.zeros(bounds.size)])
    order = np.argsort(times, kind="stable")
    times, delta = times[order], delta[order]
    level = np.cumsum(delta)[:-1]
    seg = np.diff(times)
    idx = np.minimum((times[:-1] // step).astype(np.int64), n - 1)
    busy = np.bincount(idx, weights=seg * level, minlength=n).astype(float)
    if on is None:
        return busy, busy
    logged = np.bincount(idx, weights=seg * np.maximum(level, on[idx]), minlength=n).astype(float)
    return busy, logged


def agent_time(
    m: Compiled,
    c: dict[str, NDArray[Any]],
    answered: NDArray[np.bool_],
    end_s: float,
    outbound: dict[str, NDArray[Any]] | None = None,
    legs: tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]] | None = None,
) -> dict[str, NDArray[np.float64]]:
    """Staffed, busy and logged-in agent-seconds per interval and group.

    Busy time is swept from answer and release times; logged-in time is the larger of
    staffed and busy agents at each moment (agents finish their call after their shift
    drops). Warm-up intervals are zeroed; time after the horizon is not counted, unless
    ``kpi.occupancy`` is ``until_last_call``.
    """
    n, G = m.n_intervals, len(m.group_ids)
    step = m.interval_s
    staffed = m.staffing.T.astype(float) * step  # intervals x groups
    busy = np.zeros((n, G))
    logged = np.zeros((n, G))
    group = c["group"].astype(np.int64)
    start_all = (c["t_queue"] + c["wait"] - c["transfer"])[answered]
    end_all = start_all + (c["transfer"] + c["talk"] + c["wrap"])[answered]
    g_all = group[answered]
    if outbound is not None and outbound["group"].size:  # outbound work occupies agents too
        worked = outbound["group"] >= 0
        start_all = np.concatenate([start_all, outbound["agent_start"][worked]])
        end_all = np.concatenate([end_all, outbound["agent_end"][worked]])
        g_all = np.concatenate([g_all, outbound["group"][worked].astype(np.int64)])
    if legs is not None:  # second agents of transferred calls (start, end, group)
        start_all = np.concatenate([start_all, legs[0]])
        end_all = np.concatenate([end_all, legs[1]])
        g_all = np.concatenate([g_all, legs[2]])
    for g in range(G):
        sel = g_all == g
        busy[:, g], logged[:, g] = integrate_busy(start_all[sel], end_all[sel], m, m.staffing[g])
    if m.scenario.kpi.occupancy == "until_last_call":
        _after_horizon(m, start_all, end_all, g_all, busy, logged)
    warm = m.warmup_intervals
    for arr in (staffed, busy, logged):
        arr[:warm] = 0.0
    return {"staffed_s": staffed, "busy_s": busy, "logged_in_s": logged}


class BusyWindows:
    """Busy and logged-in agent-seconds of a run whose rows are folded as it goes.

    Busy time is additive over calls, but logged-in time (the larger of staffed and busy
    agents at each moment) is not: it needs every call in talk at once. Rows are
    written when a call is answered, so at time ``now`` every call answered before it
    is known; each window [last fold, now) is integrated with the calls answered in it
    and those still in talk from before (carried to the next window).
    """

    def __init__(self, m: Compiled) -> None:
        self.m = m
        n, G = m.n_intervals, len(m.group_ids)
        self.busy = np.zeros((n, G))
        self.logged = np.zeros((n, G))
        self.start_s = 0.0
        empty = np.empty(0)
        self.carry = (empty, empty, np.empty(0, dtype=np.int64))  # start, end, group

    def add(self, c: dict[str, NDArray[Any]], answered: NDArray[np.bool_], now: float) -> None:
        """Integrate the window up to ``now`` with the rows recorded since the last call."""
        m = self.m
        start = (c["t_queue"] + c["wait"] - c["transfer"])[answered]
        end = start + (c["transfer"] + c["talk"] + c["wrap"])[answered]
        starts = np.concatenate([self.carry[0], start])
        ends = np.concatenate([self.carry[1], end])
        groups = np.concatenate([self.carry[2], c["group"][answered].astype(np.int64)])
        for g in range(len(m.group_ids)):
            sel = groups == g
            busy, logged = _integrate_window(
                starts[sel], ends[sel], m, m.staffing[g], self.start_s, now
            )
            self.busy[:, g] += busy
            self.logged[:, g] += logged
        on = ends > now
        self.carry = (starts[on], ends[on], groups[on])
        self.start_s = now

    def result(self) -> dict[str, NDArray[np.float64]]:
        """Staffed, busy and logged-in agent-seconds per interval and group, as ``agent_time``."""
        m = self.m
        staffed = m.staffing.T.astype(float) * m.interval_s
        warm = m.warmup_intervals
        for arr in (staffed, self.busy, self.logged):
            arr[:warm] = 0.0
        return {"staffed_s": staffed, "busy_s": self.busy, "logged_in_s": self.logged}


def _integrate_window(
    starts: NDArray[np.float64],
    ends: NDArray[np.float64],
    m: Compiled,
    on: NDArray[np.int64],
    a: float,
    b: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``integrate_busy`` restricted to the window [a, b) (and to the horizon)."""
    n, step = m.n_intervals, m.interval_s
    lo, hi = min(a, m.horizon_s), min(b, m.horizon_s)
    s = np.clip(starts, lo, hi)
    e = np.clip(ends, lo, hi)
    bounds = np.arange(n + 1, dtype=float) * step
    bounds = np.concatenate([[lo], bounds[(bounds > lo) & (bounds < hi)], [hi]])
    times = np.concatenate([s, e, bounds])
    delta = np.concatenate([np.ones(s.size), -np.ones(e.size), np.zeros(bounds.size)])
    order = np.argsort(times, kind="stable")
    times, delta = times[order], delta[order]
    level = np.cumsum(delta)[:-1]
    seg = np.diff(times)
    idx = np.minimum((times[:-1] // step).astype(np.int64), n - 1)
    busy = np.bincount(idx, weights=seg * level, minlength=n).astype(float)
    logged = np.bincount(idx, weights=seg * np.maximum(level, on[idx]), minlength=n).astype(float)
    return busy, logged


def _after_horizon(
    m: Compiled,
    starts: NDArray[np.float64],
    ends: NDArray[np.float64],
    groups: NDArray[np.int64],
    busy: NDArray[np.float64],
    logged: NDArray[np.float64],
) -> None:
    """Agent time after the horizon, until the last call ends, added to the last interval.

    ``kpi.occupancy: until_last_call``: the agents of the last interval stay logged in
    until the last agent task of the centre ends (kept after closing to finish the
    calls); at each moment, logged-in agents are the larger of those and the busy ones.
    """
    h = m.horizon_s
    last = float(ends.max(initial=h))
    if last <= h:
        return
    for g in range(len(m.group_ids)):
        sel = (groups == g) & (ends > h)
        s = np.maximum(starts[sel], h)
        e = ends[sel]
        times = np.concatenate([s, e, [h, last]])
        delta = np.concatenate([np.ones(s.size), -np.ones(e.size), [0.0, 0.0]])
        order = np.argsort(times, kind="stable")
        times, delta = times[order], delta[order]
        level = np.cumsum(delta)[:-1]
        seg = np.diff(times)
        on = float(m.staffing[g, -1])
        busy[-1, g] += float((seg * level).sum())
        logged[-1, g] += float((seg * np.maximum(level, on)).sum())
