"""Lines (trunks) in use in one replication: time-weighted per interval, and the peak.

From the engine's log of line seizures and releases (``ccsim.engine.capacity``), a
sweep gives the number of lines in use at every moment: its time-integral
(line-seconds) and maximum per interval, for the hotline and for each centre. Calls
still holding a line when the horizon ends count up to the horizon. Numpy only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ccsim.engine.compile import Compiled


def _level(
    m: Compiled, t: NDArray[np.float64], delta: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Time-integral and maximum of a level per interval, from its +1/-1 steps."""
    n, step = m.n_intervals, m.interval_s
    bounds = np.arange(n + 1, dtype=float) * step
    times = np.concatenate([np.minimum(t, m.horizon_s), bounds])
    d = np.concatenate([delta.astype(float), np.zeros(bounds.size)])
    # at equal times, releases before seizures (the log's order) and boundaries last
    rank = np.concatenate([np.arange(t.size), np.full(bounds.size, t.size)])
    order = np.lexsort((rank, times))
    times, d = times[order], d[order]
    level = np.cumsum(d)
    idx = np.minimum((times // step).astype(np.int64), n - 1)
    area = np.bincount(idx[:-1], weights=np.diff(times) * level[:-1], minlength=n).astype(float)
    top = np.zeros(n)
    np.maximum.at(top, idx, level)
    warm = m.warmup_intervals
    area[:warm] = 0.0
    top[:warm] = 0.0
    return area, top


def lines_in_use(m: Compiled, log: dict[str, NDArray[Any]]) -> dict[str, NDArray[np.float64]]:
    """Lines in use per interval, for the hotline and per centre.

    ``lines_area_s`` and ``lines_max`` (intervals) for the hotline,
    ``center_lines_area_s`` and ``center_lines_max`` (centres x intervals) per centre;
    ``lines_seized`` and ``lines_refused`` (and ``center_...``): attempts that took a line
    and that found none, by interval of the attempt and the site the call reached.
    """
    t = np.asarray(log["t"], dtype=float)
    delta = np.asarray(log["delta"], dtype=np.int64)
    centre = np.asarray(log["center"], dtype=np.int64)
    area, top = _level(m, t, delta)
    n_c = len(m.center_ids)
    c_area = np.zeros((n_c, m.n_intervals))
    c_top = np.zeros((n_c, m.n_intervals))
    for ci in range(n_c):
        mine = centre == ci
        c_area[ci], c_top[ci] = _level(m, t[mine], delta[mine])
    n = m.n_intervals
    idx = np.minimum((t // m.interval_s).astype(np.int64), n - 1)
    keep = t >= m.warmup_s
    cell = centre[keep] * n + idx[keep]
    size = (n_c + 1) * n
    seized = np.bincount(cell[delta[keep] > 0], minlength=size).reshape(n_c + 1, n)
    refused = np.bincount(cell[delta[keep] == 0], minlength=size).reshape(n_c + 1, n)
    return {
        "lines_area_s": area,
        "lines_max": top,
        "lines_seized": seized.sum(axis=0).astype(float),
        "lines_refused": refused.sum(axis=0).astype(float),
        "center_lines_area_s": c_area,
        "center_lines_max": c_top,
        "center_lines_seized": seized[:n_c].astype(float),
        "center_lines_refused": refused[:n_c].astype(float),
    }


def lines_kpis(
    m: Compiled,
    reps: Sequence[Any],
    by: list[str],
    index: Any,
    interval_day: NDArray[np.int64],
) -> dict[str, NDArray[np.float64]]:
    """``lines_busy`` (average lines in use) and ``max_lines`` per replication.

    Rows in the order of ``index``: replication, then the labels of ``by`` (nothing,
    ``interval``, ``day`` or ``center``). A centre without lines of its own counts the
    lines its calls hold all the same; ``(none)`` has none (NaN).
    """
    n0 = m.warmup_intervals
    measured = m.horizon_s - n0 * m.interval_s
    avg, top = [], []
    for rep in reps:
        ln = rep.lines
        area, mx = ln["lines_area_s"][n0:], ln["lines_max"][n0:]
        if not by:
            avg.append(np.array([area.sum() / measured]))
            top.append(np.array([mx.max() if mx.size else 0.0]))
        elif by == ["interval"]:
            avg.append(area / m.interval_s)
            top.append(mx)
        elif by == ["day"]:
            day = interval_day[n0:]
            k = int(day.max()) + 1
            secs = np.bincount(day, minlength=k) * m.interval_s
            a = np.bincount(day, weights=area, minlength=k)
            t = np.zeros(k)
            np.maximum.at(t, day, mx)
            with np.errstate(invalid="ignore", divide="ignore"):
                avg.append(a / secs)
            top.append(t)
        else:
            a = ln["center_lines_area_s"][:, n0:].sum(axis=1) / measured
            t = ln["center_lines_max"][:, n0:].max(axis=1, initial=0.0)
            avg.append(a)
            top.append(t)
    a_all = np.concatenate(avg)
    t_all = np.concatenate(top)
    if by == ["day"] or by == ["center"]:
        # pick each row's label out of the per-replication arrays
        labels = index.get_level_values(by[0])
        reps_ix = index.get_level_values("replication")
        pos = {r.replication: i for i, r in enumerate(reps)}
        if by == ["center"]:
            names = {c: i for i, c in enumerate(m.center_ids)}
            width = len(m.center_ids)
            col = [names.get(str(x), -1) for x in labels]
        else:
            width = len(avg[0])
            col = [int(x) for x in labels]
        a_rows = np.asarray(
            [
                a_all[pos[r] * width + c] if c >= 0 else np.nan
                for r, c in zip(reps_ix, col, strict=True)
            ]
        )
        t_rows = np.asarray(
            [
                t_all[pos[r] * width + c] if c >= 0 else np.nan
                for r, c in zip(reps_ix, col, strict=True)
            ]
        )
        return {"lines_busy": a_rows, "max_lines": t_rows}
    return {"lines_busy": a_all, "max_lines": t_all}
