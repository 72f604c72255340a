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
    out: dict[str, NDArray[np.float64]] = {"queue_area_s": area, "queue_max": qmax}
    if samples["t"].size:
        t = np.asarray(samples["t"], dtype=float)
        q = np.asarray(samples["waiting"], dtype=float)
        ok = t >= m.warmup_s
        sidx = np.minimum((t[ok] // step).astype(np.int64), n - 1)
        out["sampled_count"] = np.bincount(sidx, minlength=n).astype(float)
        out["sampled_sum"] = np.bincount(sidx, weights=q[ok], minlength=n).astype(float)
    return out
