"""From one replication's per-call records to counts per cell, and the replication's counts.

``RepCounts`` gathers the cells with the other reductions of a replication, each in its
own module: agent time, back-office time, queue length, callers (FCR, repeat callers),
work orders and outbound campaigns.

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
from ccsim.results.agent_time import agent_time, integrate_busy
from ccsim.results.back_office_time import back_office_time
from ccsim.results.callers import caller_flags, callers_per_type
from ccsim.results.outbound_counts import CAMPAIGN_COUNTERS, LIST_COUNTERS, outbound_counts
from ccsim.results.queue_length import queue_length
from ccsim.results.work_order_counts import ORDER_COUNTERS, work_order_counts

__all__ = [
    "AGENT_COUNTERS",
    "CAMPAIGN_COUNTERS",
    "CELL_KEYS",
    "COUNTERS",
    "LIST_COUNTERS",
    "ORDER_COUNTERS",
    "RepCounts",
    "aggregate",
    "integrate_busy",
]

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
    fcr_ok, repeat = caller_flags(m, c, answered)
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

    agents = agent_time(
        m, c, answered, run.end_s, run.outbound.get("attempts") if run.outbound else None
    )
    callers = callers_per_type(m, c, requests, answered, keep)
    queue = queue_length(m, c, run.samples)
    orders = work_order_counts(m, run.orders) if run.orders else {}
    bo = back_office_time(m, run.bo_tasks) if m.bo_ids else {}
    ob = outbound_counts(m, run.outbound) if run.outbound else {}
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
