"""From one replication's per-call records to counts per cell and agent time per interval.

A cell is (interval of arrival, call type, tier, local network, group). Counts are
additive, so any roll-up is a sum; ratios (service level, ASA, occupancy) are computed
from summed counts at whatever level is asked (``ccsim.results.kpis``). Numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ccsim.engine.compile import Compiled
from ccsim.engine.records import Kind, Outcome, RunRecord

CELL_KEYS = ("interval", "call_type", "tier", "network", "group")

COUNTERS = (
    "calls",  # every attempt, blocked included
    "blocked",
    "ivr_entries",
    "ivr_requests",  # agent requests of calls that came through the IVR
    "contained",
    "ivr_abandoned",
    "disconnected",
    "ivr_at_end",
    "requests",  # R: calls offered to agents
    "answered",
    "answered_within",  # A_T
    "abandoned",
    "abandoned_within",  # Ab_T
    "abandoned_short",  # Ab within the short-abandon threshold
    "waiting_at_end",
    "waited",  # requests that waited longer than 0 s
    "wait_answered_s",
    "wait_abandoned_s",
    "talk_s",
    "wrap_s",
    "fresh",
    "redials",
    "returns",
    "fcr_resolved",  # answered calls whose caller reaches no agent again within the window
    "repeat_calls",  # answered calls of repeat callers
    "chasers",  # calls chasing a work order past its limit
    "dialect_requests",  # requests of callers who prefer a dialect
    "answered_in_dialect",
    "answered_without_dialect",
    "transfers",  # answered at another site than the first of their plan
    "orders_raised",
)

AGENT_COUNTERS = ("staffed_s", "busy_s", "logged_in_s")


@dataclass
class RepCounts:
    """Counts of one replication."""

    replication: int
    cells: dict[str, NDArray[np.float64] | NDArray[np.int64]]  # CELL_KEYS (int) + COUNTERS (float)
    agents: dict[str, NDArray[np.float64]]  # AGENT_COUNTERS, each intervals x groups
    callers: dict[str, NDArray[np.float64]]  # per call type: requesting, answered, lost
    queue: dict[str, NDArray[np.float64]]  # per interval: samples, sum and max of queue length
    work_orders: dict[str, NDArray[np.float64]]  # counts per order type x centre, backlog per day
    back_office: dict[str, NDArray[np.float64]]  # handler-seconds on duty and busy
    outbound: dict[str, NDArray[np.float64]]  # campaign counts per campaign x interval, lists
    end_s: float
    calls: dict[str, NDArray[Any]] | None = None  # per-call records, when kept


def aggregate(m: Compiled, run: RunRecord, keep_calls: bool = False) -> RepCounts:
    """Counts per cell, agent time per interval and group, caller figures."""
    sc = m.scenario
    c = run.calls
    T = sc.sl.threshold_s
    short = sc.kpi.short_abandon_s
    outcome = c["outcome"].astype(np.int64)
    t_arr = c["t_arrival"]
    wait = c["wait"]
    kind = c["kind"].astype(np.int64)
    ivr_types = np.asarray([ct.ivr is not None for ct in sc.call_types])
    ctype = c["call_type"].astype(np.int64)

    answered = outcome == Outcome.ANSWERED
    abandoned = outcome == Outcome.ABANDONED
    w_end = outcome == Outcome.WAITING_AT_END
    blocked = outcome == Outcome.BLOCKED
    requests = answered | abandoned | w_end
    via_ivr = ivr_types[ctype] if ctype.size else np.zeros(0, dtype=bool)
    fcr_ok, repeat = _caller_flags(m, c, answered)
    dialect = c["dialect"].astype(bool)
    group = c["group"].astype(np.int64)
    net = c["network"].astype(np.int64)
    speaks_tab = np.zeros((len(m.group_ids) + 1, len(m.network_ids)), dtype=bool)
    for gi, nets in enumerate(m.group_speaks):
        speaks_tab[gi, list(nets)] = True
    speaks = speaks_tab[group, net] if group.size else np.zeros(0, dtype=bool)

    cols: dict[str, NDArray[Any]] = {
        "calls": np.ones(outcome.size),
        "blocked": blocked,
        "ivr_entries": via_ivr & ~blocked,
        "ivr_requests": via_ivr & requests,
        "contained": outcome == Outcome.CONTAINED,
        "ivr_abandoned": outcome == Outcome.IVR_ABANDONED,
        "disconnected": outcome == Outcome.DISCONNECTED,
        "ivr_at_end": outcome == Outcome.IVR_AT_END,
        "requests": requests,
        "answered": answered,
        "answered_within": answered & (wait <= T),
        "abandoned": abandoned,
        "abandoned_within": abandoned & (wait <= T),
        "abandoned_short": abandoned & (wait <= short),
        "waiting_at_end": w_end,
        "waited": requests & (wait > 0),
        "wait_answered_s": np.where(answered, wait, 0.0),
        "wait_abandoned_s": np.where(abandoned, wait, 0.0),
        "talk_s": np.where(answered, c["talk"], 0.0),
        "wrap_s": np.where(answered, c["wrap"], 0.0),
        "fresh": kind == Kind.FRESH,
        "redials": kind == Kind.REDIAL,
        "returns": kind == Kind.RETURN,
        "chasers": kind == Kind.CHASER,
        "dialect_requests": requests & dialect,
        "answered_in_dialect": answered & dialect & speaks,
        "answered_without_dialect": answered & dialect & ~speaks,
        "transfers": answered & c["transferred"].astype(bool),
        "orders_raised": c["order"] >= 0,
        "fcr_resolved": fcr_ok,
        "repeat_calls": repeat,
    }
    for extra in sc.sl_thresholds()[1:]:
        cols[f"answered_within@{extra:g}"] = answered & (wait <= extra)
        cols[f"abandoned_within@{extra:g}"] = abandoned & (wait <= extra)
    keep = t_arr >= m.warmup_s
    interval = np.minimum((t_arr // m.interval_s).astype(np.int64), m.n_intervals - 1)
    dims = [
        interval[keep],
        ctype[keep],
        c["tier"].astype(np.int64)[keep],
        c["network"].astype(np.int64)[keep],
        c["group"].astype(np.int64)[keep] + 1,  # -1 (no group) -> 0
    ]
    sizes = [
        m.n_intervals,
        len(m.type_ids),
        len(m.tier_ids),
        len(m.network_ids),
        len(m.group_ids) + 1,
    ]
    key = np.zeros(int(keep.sum()), dtype=np.int64)
    for d, s in zip(dims, sizes, strict=True):
        key = key * s + d
    uniq, inv = np.unique(key, return_inverse=True)
    cells: dict[str, NDArray[np.float64] | NDArray[np.int64]] = {}
    rest = uniq.copy()
    decoded = []
    for s in reversed(sizes):
        decoded.append(rest % s)
        rest = rest // s
    for name, arr in zip(CELL_KEYS, reversed(decoded), strict=True):
        cells[name] = arr
    cells["group"] = cells["group"] - 1
    for name, v in cols.items():
        cells[name] = np.bincount(
            inv, weights=np.asarray(v, dtype=float)[keep], minlength=uniq.size
        )

    agents = _agent_time(
        m, c, answered, run.end_s, run.outbound.get("attempts") if run.outbound else None
    )
    callers = _callers(m, c, requests, answered, keep)
    queue = _queue(m, c, run.samples)
    orders = _work_orders(m, run.orders) if run.orders else {}
    bo = _back_office(m, run.bo_tasks) if m.bo_ids else {}
    ob = _outbound(m, run.outbound) if run.outbound else {}
    return RepCounts(
        run.replication,
        cells,
        agents,
        callers,
        queue,
        orders,
        bo,
        ob,
        run.end_s,
        dict(c) if keep_calls else None,
    )


CAMPAIGN_COUNTERS = ("attempts", "contacts", "successes", "abandons", "agent_s")
LIST_COUNTERS = ("released", "contacted", "exhausted", "pending")


def _outbound(
    m: Compiled, ob: dict[str, dict[str, NDArray[Any]]]
) -> dict[str, NDArray[np.float64]]:
    """Campaign figures: counts per campaign and interval of the dial, and the lists' ends.

    ``counts``: [counter, campaign, interval]; ``lists``: [counter, campaign] over the
    period; ``completion``: [campaign, day] share of the records released that day that
    were finished (contacted or exhausted) by the day's end (NaN without a release).
    """
    from ccsim.engine.outbound import ABANDONED, CONTACT, SUCCESS

    K, n, step = len(m.scenario.campaigns), m.n_intervals, m.interval_s
    a, r = ob["attempts"], ob["records"]
    camp = a["campaign"].astype(np.int64)
    idx = np.minimum((a["t_dial"] // step).astype(np.int64), n - 1)
    keep = a["t_dial"] >= m.warmup_s
    key = (camp * n + idx)[keep]
    out_c = a["outcome"].astype(np.int64)
    agent = np.nan_to_num(np.minimum(a["agent_end"], m.horizon_s) - a["agent_start"])
    values = {
        "attempts": np.ones(camp.size),
        "contacts": (out_c == CONTACT) | (out_c == SUCCESS),
        "successes": out_c == SUCCESS,
        "abandons": out_c == ABANDONED,
        "agent_s": np.clip(agent, 0.0, None),
    }
    counts = np.zeros((len(CAMPAIGN_COUNTERS), K, n))
    for i, name in enumerate(CAMPAIGN_COUNTERS):
        counts[i] = np.bincount(
            key, weights=np.asarray(values[name], dtype=float)[keep], minlength=K * n
        ).reshape(K, n)
    rc = r["campaign"].astype(np.int64)
    status = r["status"].astype(np.int64)
    lists = np.zeros((len(LIST_COUNTERS), K))
    lists[0] = np.bincount(rc, minlength=K)
    lists[1] = np.bincount(rc, weights=(status == 2).astype(float), minlength=K)
    lists[2] = np.bincount(rc, weights=(status == 3).astype(float), minlength=K)
    lists[3] = lists[0] - lists[1] - lists[2]
    start = m.scenario.horizon.start_s
    day = np.floor((r["released"] + start) / 86_400.0).astype(np.int64)
    day_end = (day + 1) * 86_400.0 - start
    done = np.isin(status, (2, 3)) & (r["t_end"] <= day_end)
    completion = np.full((K, m.n_days), np.nan)
    for k in range(K):
        for d in range(m.n_days):
            sel = (rc == k) & (day == d)
            if sel.any():
                completion[k, d] = float(done[sel].mean())
    return {"counts": counts, "lists": lists, "completion": completion}


ORDER_COUNTERS = (
    "created",
    "closed",
    "open_at_end",
    "due",  # deadline within the horizon
    "on_time",  # due, and closed and called back (closed, without callback) by the deadline
    "callback_attempts",
    "callbacks_reached",
    "callbacks_finished",  # reached, or every attempt used
    "chasers",
)


def _work_orders(m: Compiled, o: dict[str, NDArray[Any]]) -> dict[str, NDArray[np.float64]]:
    """Work-order counts per (order type, back-office centre), and the backlog at each day's end.

    Orders created in the warm-up are left out. The backlog is the number of orders
    created but not yet worked at each midnight within the horizon and at its end.
    """
    sc = m.scenario
    n_orders, n_centres = len(m.order_ids), len(m.center_ids)
    created_t = o["t_created"]
    keep = created_t >= m.warmup_s
    otype = o["order_type"].astype(np.int64)
    centre = np.asarray(m.bo_center_index, dtype=np.int64)[o["bo_group"].astype(np.int64)]
    key = (otype * n_centres + centre)[keep]
    closed = ~np.isnan(o["t_closed"])
    done = ~np.isnan(o["t_done"])
    due = o["deadline"] <= m.horizon_s
    attempts = o["attempts"].astype(np.int64)
    reached = o["reached"].astype(bool)
    values = {
        "created": np.ones(otype.size),
        "closed": closed,
        "open_at_end": ~closed,
        "due": due,
        "on_time": due & done & (o["t_done"] <= o["deadline"]),
        "callback_attempts": attempts,
        "callbacks_reached": reached,
        "callbacks_finished": o["called"].astype(bool),
        "chasers": o["chasers"].astype(np.int64),
    }
    counts = np.zeros((len(ORDER_COUNTERS), n_orders, n_centres))
    for i, name in enumerate(ORDER_COUNTERS):
        counts[i] = np.bincount(
            key, weights=np.asarray(values[name], dtype=float)[keep], minlength=n_orders * n_centres
        ).reshape(n_orders, n_centres)
    # backlog at each midnight in the horizon and at its end
    start = sc.horizon.start_s
    ends = [
        d * 86_400.0 - start
        for d in range(1, m.n_days + 1)
        if 0 < d * 86_400.0 - start < m.horizon_s
    ]
    ends.append(m.horizon_s)
    t_closed = np.where(closed, o["t_closed"], np.inf)
    backlog = np.asarray([float(((created_t <= e) & (t_closed > e) & keep).sum()) for e in ends])
    return {"counts": counts, "backlog": backlog, "backlog_at": np.asarray(ends)}


def _back_office(m: Compiled, tasks: dict[str, NDArray[Any]]) -> dict[str, NDArray[np.float64]]:
    """Handler-seconds on duty (staffed while the calendar is open) and busy, per interval and group."""
    n, B, step = m.n_intervals, len(m.bo_ids), m.interval_s
    on_duty = np.zeros((n, B))
    busy = np.zeros((n, B))
    for b in range(B):
        cal = m.bo_calendar[b]
        for i in range(n):
            t0, t1 = i * step, (i + 1) * step
            open_s = step if cal is None else cal.open_time_between(t0, t1)
            on_duty[i, b] = m.bo_staffing[b, i] * open_s
    if tasks and tasks["group"].size:
        for b in range(B):
            sel = tasks["group"] == b
            busy[:, b], _ = integrate_busy(tasks["start"][sel], tasks["end"][sel], m)
    warm = m.warmup_intervals
    on_duty[:warm] = 0.0
    busy[:warm] = 0.0
    return {"on_duty_s": on_duty, "busy_s": busy}


def _queue(
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


def _agent_time(
    m: Compiled,
    c: dict[str, NDArray[Any]],
    answered: NDArray[np.bool_],
    end_s: float,
    outbound: dict[str, NDArray[Any]] | None = None,
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
    for g in range(G):
        sel = g_all == g
        busy[:, g], logged[:, g] = integrate_busy(start_all[sel], end_all[sel], m, m.staffing[g])
    warm = m.warmup_intervals
    for arr in (staffed, busy, logged):
        arr[:warm] = 0.0
    return {"staffed_s": staffed, "busy_s": busy, "logged_in_s": logged}


def _caller_flags(
    m: Compiled, c: dict[str, NDArray[Any]], answered: NDArray[np.bool_]
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Per call: resolved at first contact (FCR), and answered call of a repeat caller.

    An answered call counts as resolved when its caller reaches no agent again within
    the FCR window. A return the run drew but did not simulate (it fell after the
    horizon, inside the window) counts as reaching an agent again: censoring would
    otherwise flatter the figure on short horizons.
    """
    sc = m.scenario
    window = sc.kpi.fcr_window_h * 3600.0
    n = answered.size
    fcr_ok = np.zeros(n, dtype=bool)
    repeat = np.zeros(n, dtype=bool)
    idx = np.flatnonzero(answered)
    if idx.size == 0:
        return fcr_ok, repeat
    caller = c["caller"][idx]
    t = (c["t_queue"] + c["wait"])[idx]
    order = np.lexsort((t, caller))
    cs, ts, ids = caller[order], t[order], idx[order]
    same_next = np.zeros(cs.size, dtype=bool)
    same_next[:-1] = cs[1:] == cs[:-1]
    gap = np.full(cs.size, np.inf)
    gap[:-1] = ts[1:] - ts[:-1]
    again = same_next & (gap <= window)
    censored = c["resolved"][ids] == 2  # its return fell after the horizon, within the window
    fcr_ok[ids] = ~again & ~censored
    # repeat callers: >= k answered calls in a block of the reporting period
    block = np.floor(ts / (sc.kpi.repeat_caller_window_days * 86_400.0)).astype(np.int64)
    key = cs.astype(np.int64) * (int(block.max()) + 1) + block
    _, inv, counts = np.unique(key, return_inverse=True, return_counts=True)
    repeat[ids] = counts[inv] >= sc.kpi.repeat_caller_calls
    return fcr_ok, repeat


def _callers(
    m: Compiled,
    c: dict[str, NDArray[Any]],
    requests: NDArray[np.bool_],
    answered: NDArray[np.bool_],
    keep: NDArray[np.bool_],
) -> dict[str, NDArray[np.float64]]:
    """Per call type: callers who asked for an agent, were answered, or never were."""
    K = len(m.type_ids)
    ctype = c["call_type"].astype(np.int64)
    caller = c["caller"].astype(np.int64)
    req = requests & keep
    out = {"callers": np.zeros(K), "callers_answered": np.zeros(K), "callers_lost": np.zeros(K)}
    if not req.any():
        return out
    ukey = np.unique(caller[req] * K + ctype[req])
    akey = np.unique(caller[answered & keep] * K + ctype[answered & keep])
    out["callers"] = np.bincount(ukey % K, minlength=K).astype(float)
    out["callers_answered"] = np.bincount(akey % K, minlength=K).astype(float)
    out["callers_lost"] = out["callers"] - out["callers_answered"]
    return out
