"""From one replication's per-call records to counts per cell, and the replication's counts.

``RepCounts`` gathers the cells with the other reductions of a replication, each in its
own module: agent time, back-office time, queue length, callers (FCR, repeat callers),
work orders and outbound campaigns.

A cell is (interval of arrival, call type, tier, local network, group). Counts are
additive, so any roll-up is a sum; ratios (service level, ASA, occupancy) are computed
from summed counts at whatever level is asked (``ccsim.results.kpis``). Numpy only.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ccsim.engine.compile import Compiled
from ccsim.engine.records import Kind, Outcome, RunRecord
from ccsim.results.agent_time import agent_time, integrate_busy
from ccsim.results.back_office_time import back_office_time
from ccsim.results.caller_waits import chain_flags
from ccsim.results.callers import caller_flags, callers_per_type
from ccsim.results.lines import lines_in_use
from ccsim.results.outbound_counts import CAMPAIGN_COUNTERS, LIST_COUNTERS, outbound_counts
from ccsim.results.queue_length import queue_length
from ccsim.results.transfer_counts import leg_busy, transfer_counts, with_legs
from ccsim.results.unique import unique_ints
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
    "blocked",  # heard busy: no line, no IVR port, or the queue full
    "lines_blocked",  # found every line busy at arrival
    "queue_full",  # asked for an agent when the call type's queue was full (in requests)
    "timed_out",  # cut off at the call type's maximum wait
    "messages",  # left a message: at the maximum wait, or at closing time
    "callbacks_requested",  # accepted a callback: at the maximum wait or on joining the queue
    "virtual_holds",  # ... of which on joining the queue (expected wait too long)
    "closed",  # cut off at closing time, in the IVR or waiting
    "chains_requesting",  # attempt chains (a call and its redials) that asked for an agent
    "chains_answered_within",  # ... answered with a total wait across attempts of at most T
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
    # CELL_KEYS (int) + COUNTERS (float; a folded run's in compact types: cell_store.py)
    cells: dict[str, NDArray[np.float64] | NDArray[np.int64]]
    agents: dict[str, NDArray[np.float64]]  # AGENT_COUNTERS, each intervals x groups
    callers: dict[str, NDArray[np.float64]]  # per call type: requesting, answered, lost
    queue: dict[str, NDArray[np.float64]]  # per interval: samples, sum and max of queue length
    work_orders: dict[str, NDArray[np.float64]]  # counts per order type x centre, backlog per day
    back_office: dict[str, NDArray[np.float64]]  # handler-seconds on duty and busy
    outbound: dict[str, NDArray[np.float64]]  # campaign counts per campaign x interval, lists
    end_s: float
    calls: dict[str, NDArray[Any]] | None = None  # per-call records, when kept
    lines: dict[str, NDArray[np.float64]] = field(default_factory=dict)  # lines in use (if limited)
    transfers: dict[str, NDArray[np.float64]] = field(default_factory=dict)  # per group x type


def aggregate(m: Compiled, run: RunRecord, keep_calls: bool = False) -> RepCounts:
    """Counts per cell, agent time per interval and group, caller figures."""
    c = run.calls
    outcome = c["outcome"]  # small integer codes, compared as they are
    answered = outcome == Outcome.ANSWERED
    requests = agent_requests(c)
    fcr_ok, repeat = caller_flags(m, c, answered)
    cells = cell_counts(m, c, fcr_ok, repeat)
    keep = c["t_arrival"] >= m.warmup_s
    legs = run.transfers  # second legs of transferred calls (empty without transfers)
    agents = agent_time(
        m, c, answered, run.end_s, run.outbound.get("attempts") if run.outbound else None,
        leg_busy(legs) if legs else None,
    )  # fmt: skip
    callers = callers_per_type(m, c, requests, answered, keep)
    queue = queue_length(m, with_legs(c, legs) if legs else c, run.samples)
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
        lines_in_use(m, run.lines) if run.lines else {},
        transfer_counts(m, legs) if legs else {},
    )


def agent_requests(c: dict[str, NDArray[Any]]) -> NDArray[np.bool_]:
    """Calls that asked for an agent.

    Answered, abandoned, waiting at the end, refused by a full queue, or leaving the
    queue by one of its exits (maximum wait, closing time).
    """
    outcome = c["outcome"]
    exits = outcome >= Outcome.TIMED_OUT
    queued = ~np.isnan(c["t_queue"])
    out: NDArray[np.bool_] = (
        (outcome == Outcome.ANSWERED)
        | (outcome == Outcome.ABANDONED)
        | (outcome == Outcome.WAITING_AT_END)
        | (outcome == Outcome.QUEUE_FULL)
        | (exits & queued)
    )
    return out


def _within(
    mask: NDArray[np.bool_], wait: NDArray[np.float64], threshold_s: float
) -> NDArray[np.bool_]:
    return mask & (wait <= threshold_s)


def cell_counts(
    m: Compiled,
    c: dict[str, NDArray[Any]],
    fcr_ok: NDArray[np.bool_],
    repeat: NDArray[np.bool_],
) -> dict[str, NDArray[np.float64] | NDArray[np.int64]]:
    """Counts per cell of some per-call rows: keys (``CELL_KEYS``) and counters.

    Every counter is a sum over the rows of its cell, so the counts of a run are the
    sums of the counts of any split of its rows. The two caller flags (first-contact
    resolution, repeat caller) depend on the caller's other calls: they are given.
    """
    sc = m.scenario
    T = sc.sl.threshold_s
    short = sc.kpi.short_abandon_s
    outcome = c["outcome"]  # small integer codes, compared as they are
    t_arr = c["t_arrival"]
    wait = c["wait"]
    kind = c["kind"]
    ivr_types = np.asarray([ct.ivr is not None for ct in sc.call_types])
    ctype = c["call_type"]

    answered = outcome == Outcome.ANSWERED
    abandoned = outcome == Outcome.ABANDONED
    w_end = outcome == Outcome.WAITING_AT_END
    lines_blocked = outcome == Outcome.LINES_BUSY
    queue_full = outcome == Outcome.QUEUE_FULL
    not_entered = (outcome == Outcome.BLOCKED) | lines_blocked  # never reached the IVR
    requests = agent_requests(c)
    # attempt chains (a call and its redials); in a run folded as it goes, a chain is
    # counted within the rows handed over together
    chains, chains_within = chain_flags(c, requests, answered, T)
    via_ivr = ivr_types[ctype] if ctype.size else np.zeros(0, dtype=bool)
    dialect = c["dialect"].astype(bool)
    group = c["group"]
    net = c["network"]
    speaks_tab = np.zeros((len(m.group_ids) + 1, len(m.network_ids)), dtype=bool)
    for gi, nets in enumerate(m.group_speaks):
        speaks_tab[gi, list(nets)] = True
    speaks = speaks_tab[group, net] if group.size else np.zeros(0, dtype=bool)

    # Each counter's per-call column is built just before it is counted and then
    # dropped, so that the 30-odd columns of a long run never sit in memory together.
    cols: dict[str, Callable[[], NDArray[Any]]] = {
        "calls": lambda: np.ones(outcome.size),
        "blocked": lambda: not_entered | queue_full,
        "lines_blocked": lambda: lines_blocked,
        "queue_full": lambda: queue_full,
        "timed_out": lambda: outcome == Outcome.TIMED_OUT,
        "messages": lambda: outcome == Outcome.MESSAGE,
        "callbacks_requested": lambda: (
            (outcome == Outcome.CALLBACK) | (outcome == Outcome.VIRTUAL_HOLD)
        ),
        "virtual_holds": lambda: outcome == Outcome.VIRTUAL_HOLD,
        "closed": lambda: outcome == Outcome.CLOSED,
        "chains_requesting": lambda: chains,
        "chains_answered_within": lambda: chains_within,
        "ivr_entries": lambda: via_ivr & ~not_entered,
        "ivr_requests": lambda: via_ivr & requests,
        "contained": lambda: outcome == Outcome.CONTAINED,
        "ivr_abandoned": lambda: outcome == Outcome.IVR_ABANDONED,
        "disconnected": lambda: outcome == Outcome.DISCONNECTED,
        "ivr_at_end": lambda: outcome == Outcome.IVR_AT_END,
        "requests": lambda: requests,
        "answered": lambda: answered,
        "answered_within": lambda: answered & (wait <= T),
        "abandoned": lambda: abandoned,
        "abandoned_within": lambda: abandoned & (wait <= T),
        "abandoned_short": lambda: abandoned & (wait <= short),
        "waiting_at_end": lambda: w_end,
        "waited": lambda: requests & (wait > 0),
        "wait_answered_s": lambda: np.where(answered, wait, 0.0),
        "wait_abandoned_s": lambda: np.where(abandoned, wait, 0.0),
        "talk_s": lambda: np.where(answered, c["talk"], 0.0),
        "wrap_s": lambda: np.where(answered, c["wrap"], 0.0),
        "fresh": lambda: kind == Kind.FRESH,
        "redials": lambda: kind == Kind.REDIAL,
        "returns": lambda: kind == Kind.RETURN,
        "chasers": lambda: kind == Kind.CHASER,
        "dialect_requests": lambda: requests & dialect,
        "answered_in_dialect": lambda: answered & dialect & speaks,
        "answered_without_dialect": lambda: answered & dialect & ~speaks,
        "transfers": lambda: answered & c["transferred"].astype(bool),
        "orders_raised": lambda: c["order"] >= 0,
        "fcr_resolved": lambda: fcr_ok,
        "repeat_calls": lambda: repeat,
    }
    for extra in sc.sl_thresholds()[1:]:
        cols[f"answered_within@{extra:g}"] = partial(_within, answered, wait, extra)
        cols[f"abandoned_within@{extra:g}"] = partial(_within, abandoned, wait, extra)
    keep = t_arr >= m.warmup_s
    interval = np.minimum((t_arr // m.interval_s).astype(np.int64), m.n_intervals - 1)
    dims: tuple[Callable[[], NDArray[np.int64]], ...] = (
        lambda: interval[keep],
        lambda: ctype[keep],
        lambda: c["tier"].astype(np.int64)[keep],
        lambda: c["network"].astype(np.int64)[keep],
        lambda: c["group"].astype(np.int64)[keep] + 1,  # -1 (no group) -> 0
    )
    sizes = [
        m.n_intervals,
        len(m.type_ids),
        len(m.tier_ids),
        len(m.network_ids),
        len(m.group_ids) + 1,
    ]
    key = np.zeros(int(keep.sum()), dtype=np.int64)
    for d, s in zip(dims, sizes, strict=True):
        key = key * s + d()
    uniq, inv = unique_ints(key, math.prod(sizes), inverse=True)
    del key
    cells: dict[str, NDArray[np.float64] | NDArray[np.int64]] = {}
    rest = uniq.copy()
    decoded = []
    for s in reversed(sizes):
        decoded.append(rest % s)
        rest = rest // s
    for name, arr in zip(CELL_KEYS, reversed(decoded), strict=True):
        cells[name] = arr
    cells["group"] = cells["group"] - 1
    every = bool(keep.all())  # no warm-up to leave out: the columns as they are
    for name, column in cols.items():
        col = np.asarray(column())
        if not every:
            col = col[keep]
        if col.dtype == np.bool_:  # a count: the cells of the calls it holds (exact)
            cells[name] = np.bincount(inv[col], minlength=uniq.size).astype(float)
        else:
            cells[name] = np.bincount(
                inv, weights=col.astype(float, copy=False), minlength=uniq.size
            )
    return cells
