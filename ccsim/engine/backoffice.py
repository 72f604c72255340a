"""Back office: work orders raised by calls, worked on a calendar, closed by a callback.

An answered call may raise a work order (工单) at the end of its talk. The order queues
at a back-office group (the caller's local centre or the provincial one); handlers work
only while their calendar is open and while staffed, take callbacks before new orders,
and new orders in the group's order-type preference, first come first served. A worked
order is closed; its callback attempts follow (reach probability, spacing, attempts at
most). An order still not finished when its time limit passes (measured on its limit
calendar) may make the customer call again: a chaser (催单), which enters the inbound
flow like any call. After the horizon ends, handlers start no new task.
"""

from __future__ import annotations

import math
from array import array
from collections import deque
from typing import Any

import numpy as np
from numpy.typing import NDArray
from simpy.events import NORMAL, URGENT, Event

from ccsim.engine.call import Call
from ccsim.engine.distributions import sampler
from ccsim.engine.interfaces import InboundForBackOffice
from ccsim.engine.orders import ORDER_COLUMNS, Order
from ccsim.engine.records import Kind
from ccsim.engine.streams import uniform
from ccsim.scenario.calendar import Calendar

__all__ = ["ORDER_COLUMNS", "BackOffice", "Order"]


class BackOffice:
    """The back-office part of one replication (owned by its ``Simulation``)."""

    def __init__(self, sim: InboundForBackOffice) -> None:
        self.sim = sim
        m = sim.m
        sc = m.scenario
        self.env = sim.env
        self.orders = sc.work_orders
        self.horizon_s = m.horizon_s
        self.order_group = m.order_group.tolist()
        B = len(m.bo_ids)
        self.staffing = m.bo_staffing
        self.calendar = m.bo_calendar
        self.avail = [0] * B
        self.busy = [0] * B
        self.callbacks: list[deque[Order]] = [deque() for _ in range(B)]
        bos = sc.back_office_groups
        order_ids = m.order_ids
        # per group: its order types in preference order
        self.prefs = [[order_ids.index(o) for o in b.order_types] for _, b in bos]
        self.queues: list[dict[int, deque[Order]]] = [{o: deque() for o in p} for p in self.prefs]
        # which order type a call of (call type, tier) may raise: cumulative probabilities
        tiers = m.tier_ids
        self.raise_table: list[list[list[tuple[float, int]]]] = [
            [[] for _ in tiers] for _ in m.type_ids
        ]
        for oi, wo in enumerate(self.orders):
            for rb in wo.raised_by:
                k = m.type_ids.index(rb.call_type)
                for ri, tid in enumerate(tiers):
                    if rb.tiers is None or tid in rb.tiers:
                        row = self.raise_table[k][ri]
                        row.append(((row[-1][0] if row else 0.0) + rb.probability, oi))
        self.limit_s = []
        for wo in self.orders:
            by_tier = wo.limit_by_tier or {}
            self.limit_s.append([by_tier.get(t, wo.limit_h) * 3600.0 for t in tiers])
        self.limit_cal = [c or Calendar.always() for c in m.order_limit_calendar]
        st = sim.streams
        self.work = [
            st.buffered(f"orders/{w.id}/work", sampler(w.handle_time)) for w in self.orders
        ]
        self.cb_u = [st.buffered(f"orders/{w.id}/callback_u", uniform) for w in self.orders]
        self.cb_talk = [
            st.buffered(
                f"orders/{w.id}/callback_talk",
                sampler(w.callback.talk_time if w.callback else None),
            )
            for w in self.orders
        ]
        self.cb_try = [
            st.buffered(
                f"orders/{w.id}/callback_try",
                sampler(w.callback.attempt_time if w.callback else None),
            )
            for w in self.orders
        ]
        self.cb_gap = [
            st.buffered(
                f"orders/{w.id}/callback_spacing",
                sampler(w.callback.spacing if w.callback else None),
            )
            for w in self.orders
        ]
        self.ch_u = [st.buffered(f"orders/{w.id}/chaser_u", uniform) for w in self.orders]
        self.ch_gap = [
            st.buffered(
                f"orders/{w.id}/chaser_delay", sampler(w.chaser.delay if w.chaser else None)
            )
            for w in self.orders
        ]
        self.chaser_type = [
            m.type_ids.index(w.chaser.call_type) if w.chaser and w.chaser.call_type else -1
            for w in self.orders
        ]
        self.cols: dict[str, array[Any]] = {k: array(t) for k, t in ORDER_COLUMNS.items()}
        self.task_group: array[int] = array("h")
        self.task_start: array[float] = array("d")
        self.task_end: array[float] = array("d")
        self.open: dict[int, Order] = {}
        self._schedule_availability()

    # -- raising and queueing -----------------------------------------------------------

    def raise_for(self, call: Call, at: float) -> int:
        """Whether the answered ``call`` raises an order (created at time ``at``): its type or -1."""
        row = self.raise_table[call.ctype][call.tier]
        if not row:
            return -1
        u = call.u_order
        for cum, oi in row:
            if u < cum:
                delay = at - self.env.now
                ev = Event(self.env)
                ev._ok = True
                ev._value = (call, oi)
                ev.callbacks.append(self._on_create)
                self.env.schedule(ev, NORMAL, delay)
                return oi
        return -1

    def raise_order(self, call: Call, oi: int) -> None:
        """A work order of type ``oi`` for ``call``, created now (a caller's message)."""
        ev = Event(self.env)
        ev._ok = True
        ev._value = (call, oi)
        ev.callbacks.append(self._on_create)
        self.env.schedule(ev, NORMAL, 0.0)

    def _on_create(self, ev: Event) -> None:
        call, oi = ev._value
        now = self.env.now
        g = self.order_group[oi][call.net]
        deadline = self.limit_cal[oi].add_open_time(now, self.limit_s[oi][call.tier])
        order = Order(call, oi, g, now, deadline)
        self.open[id(order)] = order
        self.queues[g][oi].append(order)
        self._dispatch(g)
        if self.orders[oi].chaser is not None:
            self.sim.after(max(deadline - now, 0.0) + self.ch_gap[oi](), self._on_chaser, order)

    # -- handlers ---------------------------------------------------------------------------

    def _next_task(self, g: int) -> tuple[Order, bool] | None:
        if self.callbacks[g]:
            return self.callbacks[g].popleft(), True
        for oi in self.prefs[g]:
            q = self.queues[g][oi]
            if q:
                return q.popleft(), False
        return None

    def _dispatch(self, g: int) -> None:
        while self.busy[g] < self.avail[g]:
            task = self._next_task(g)
            if task is None:
                return
            order, is_callback = task
            self.busy[g] += 1
            oi = order.otype
            if is_callback:
                cb = self.orders[oi].callback
                assert cb is not None
                order.attempts += 1
                reached = self.cb_u[oi]() < cb.reach_prob
                t = self.cb_talk[oi]() if reached else self.cb_try[oi]()
                self.sim.after(t, self._on_callback_end, (order, reached))
            else:
                t = self.work[oi]()
                self.sim.after(t, self._on_work_end, order)
            now = self.env.now
            self.task_group.append(g)
            self.task_start.append(now)
            self.task_end.append(now + t)

    def _on_work_end(self, order: Order) -> None:
        g = order.group
        self.busy[g] -= 1
        now = self.env.now
        order.t_closed = now
        ob = self.sim.ob
        if ob is not None and order.otype in ob.feed_orders:
            # a campaign calls it back (called_back); after the horizon nobody does: it
            # stays open, worked but not called back
            ob.feed_order(order)
        elif self.orders[order.otype].callback is None:
            self._finish(order, now)
        else:
            self.callbacks[g].append(order)
        self._dispatch(g)

    def _on_callback_end(self, item: tuple[Order, bool]) -> None:
        order, reached = item
        g = order.group
        self.busy[g] -= 1
        now = self.env.now
        cb = self.orders[order.otype].callback
        assert cb is not None
        if reached:
            order.reached = 1
            self._finish(order, now, called=True)
        elif order.attempts >= cb.attempts:
            self._finish(order, math.nan, called=True)
        else:
            self.sim.after(self.cb_gap[order.otype](), self._on_retry, order)
        self._dispatch(g)

    def called_back(self, order: Order, t: float, attempts: int) -> None:
        """A campaign reached the customer at ``t`` (NaN: it gave up) after ``attempts``."""
        order.attempts = attempts
        order.reached = 0 if t != t else 1
        self._finish(order, t, called=True)

    def _on_retry(self, order: Order) -> None:
        self.callbacks[order.group].append(order)
        self._dispatch(order.group)

    def _finish(self, order: Order, t_done: float, called: bool = False) -> None:
        order.done = True
        order.called = called
        order.t_done = t_done
        self._record(order)
        self.open.pop(id(order), None)

    # -- chasers ----------------------------------------------------------------------------

    def _on_chaser(self, order: Order) -> None:
        now = self.env.now
        chaser = self.orders[order.otype].chaser
        if order.done or chaser is None or now >= self.horizon_s:
            return
        # whether the customer chases is decided once, when the limit has passed; one who
        # does calls again every delay while the order stays open, up to max_chasers
        if order.chasers == 0 and self.ch_u[order.otype]() >= chaser.probability:
            return
        order.chasers += 1
        call = order.call
        k = self.chaser_type[order.otype]
        self.sim.inject(call, call.ctype if k < 0 else k, Kind.CHASER, now)
        if order.chasers < chaser.max_chasers:
            self.sim.after(self.ch_gap[order.otype](), self._on_chaser, order)

    # -- availability -----------------------------------------------------------------------

    def _schedule_availability(self) -> None:
        m = self.sim.m
        step = m.interval_s
        times: set[float] = {i * step for i in range(m.n_intervals)} | {self.horizon_s}
        for cal in self.calendar:
            if cal is not None:
                times.update(cal.changes(0.0, self.horizon_s))
        for t in sorted(times):
            ev = Event(self.env)
            ev._ok = True
            ev._value = t
            ev.callbacks.append(self._on_availability)
            self.env.schedule(ev, URGENT, t)

    def _on_availability(self, ev: Event) -> None:
        t: float = ev._value
        m = self.sim.m
        i = min(int(t // m.interval_s), m.n_intervals - 1)
        for g in range(len(self.avail)):
            cal = self.calendar[g]
            on = (
                0
                if t >= self.horizon_s or (cal is not None and not cal.is_open(t))
                else int(self.staffing[g][i])
            )
            self.avail[g] = on
            self._dispatch(g)

    # -- records -------------------------------------------------------------------------------

    def _record(self, o: Order) -> None:
        c = self.cols
        call = o.call
        for k, v in (
            ("caller", call.caller), ("order_type", o.otype), ("call_type", call.ctype),
            ("tier", call.tier), ("network", call.net), ("bo_group", o.group),
            ("t_created", o.t_created), ("deadline", o.deadline), ("t_closed", o.t_closed),
            ("t_done", o.t_done), ("attempts", o.attempts), ("reached", o.reached), ("called", o.called),
            ("chasers", o.chasers),
        ):  # fmt: skip
            c[k].append(v)

    def arrays(self) -> dict[str, NDArray[Any]]:
        """Every order (finished ones, then those still open) as columns."""
        for o in list(self.open.values()):
            self._record(o)
        self.open.clear()
        return {
            k: np.frombuffer(v, dtype=np.dtype(v.typecode)).copy()
            if len(v)
            else np.empty(0, dtype=np.dtype(v.typecode))
            for k, v in self.cols.items()
        }

    def task_arrays(self) -> dict[str, NDArray[Any]]:
        """Back-office tasks (work and callback attempts) as columns: group, start, end."""
        return {
            "group": np.frombuffer(self.task_group, dtype=np.int16).astype(np.int64)
            if len(self.task_group)
            else np.empty(0, dtype=np.int64),
            "start": np.frombuffer(self.task_start, dtype=np.float64).copy()
            if len(self.task_start)
            else np.empty(0),
            "end": np.frombuffer(self.task_end, dtype=np.float64).copy()
            if len(self.task_end)
            else np.empty(0),
        }
