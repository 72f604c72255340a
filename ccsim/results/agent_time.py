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
    drops). Warm-up intervals are zeroed; time after the horizon is not counted.
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
    warm = m.warmup_intervals
    for arr in (staffed, busy, logged):
        arr[:warm] = 0.0
    return {"staffed_s": staffed, "busy_s": busy, "logged_in_s": logged}
