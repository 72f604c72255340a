"""Work orders open at a live state's ``at`` (intraday): put in the back office, and read back.

An open order is in one of three stages: queued for a handler, being worked (for the
residual of its work time given the work so far, ``residual.py``), or worked and waiting
for its callback (attempts so far kept; where a campaign calls the order type back, the
order is a new record of that campaign, dialled from its first attempt; with that
campaign paused or done for the day, it stays open, uncalled). It keeps its deadline, measured from its real
creation; it is counted as created at ``at``, as the callers of the state are counted as
arriving then (the day's morning is counted from the state). A chaser follows as for any
order still open past its limit.
"""

from __future__ import annotations

import math
from typing import Any

from ccsim.engine.call import Call
from ccsim.engine.orders import Order
from ccsim.engine.records import Kind
from ccsim.engine.residual import residual

QUEUED, IN_WORK, CALLBACK = 0, 1, 2
STAGES = ("queued", "in_work", "callback")

# (order type, call type, tier, network, age s, stage, work s so far, callback attempts)
OpenRow = tuple[int, int, int, int, float, int, float, int]


def put_open_orders(sim: Any, rows: tuple[OpenRow, ...], now: float, rng: Any) -> None:
    """Open orders into ``sim``'s back office at ``now``, oldest first in each queue."""
    bo = sim.bo
    assert bo is not None  # the state is checked: orders need a back office
    groups = set()
    for oi, k, tier, net, age, stage, work_s, attempts in sorted(rows, key=lambda r: -r[4]):
        sim._callers += 1
        call = Call(sim._callers, k, tier, net, Kind.FRESH, 0, now)
        g = bo.order_group[oi][net]
        deadline = bo.limit_cal[oi].add_open_time(now - age, bo.limit_s[oi][tier])
        order = Order(call, oi, g, now, deadline)
        bo.open[id(order)] = order
        if stage == IN_WORK:
            order.t_closed = math.nan
            rest = residual(bo.orders[oi].handle_time, work_s, rng)
            bo.busy[g] += 1
            sim.after(rest, bo._on_work_end, order)
            bo.task_group.append(g)
            bo.task_start.append(now)
            bo.task_end.append(now + rest)
        elif stage == CALLBACK:
            order.t_closed = now
            order.attempts = attempts
            if sim.ob is not None and oi in sim.ob.feed_orders:
                sim.ob.feed_order(order)  # a campaign calls it back: a new record of it
            elif bo.orders[oi].callback is not None:
                bo.callbacks[g].append(order)
            # else its campaign is paused or done for the day: it stays open, uncalled
        else:
            bo.queues[g][oi].append(order)
        groups.add(g)
        if bo.orders[oi].chaser is not None:
            sim.after(max(deadline - now, 0.0) + bo.ch_gap[oi](), bo._on_chaser, order)
    for g in sorted(groups):
        bo._dispatch(g)


def read_open_orders(sim: Any, now: float) -> list[dict[str, Any]]:
    """The orders open in ``sim``'s back office at ``now`` (indexes as compiled)."""
    bo = sim.bo
    if bo is None:
        return []
    working: dict[int, float] = {}  # order -> when its work ends
    for when, _prio, _eid, fn, order in sim.env._queue:
        if fn == bo._on_work_end:
            working[id(order)] = when
    ends = {(g, e): s for g, s, e in zip(bo.task_group, bo.task_start, bo.task_end, strict=True)}
    queued = {id(o) for q in bo.queues for d in q.values() for o in d}
    out = []
    for order in bo.open.values():
        if order.done:
            continue
        if id(order) in working:
            stage = IN_WORK
            start = ends.get((order.group, working[id(order)]), now)
            work_s = now - start
        elif id(order) in queued:
            stage, work_s = QUEUED, 0.0
        elif order.t_closed == order.t_closed:  # worked: its callback is under way or to come
            stage, work_s = CALLBACK, 0.0
        else:
            stage, work_s = QUEUED, 0.0
        c = order.call
        out.append(
            {
                "order_type": order.otype, "call_type": c.ctype, "tier": c.tier,
                "network": c.net, "age_s": now - order.t_created, "stage": STAGES[stage],
                "work_s": work_s, "attempts": order.attempts,
            }
        )  # fmt: skip
    return out
