"""Outbound campaigns (外呼) and their blending with inbound work.

A campaign's records come from a daily list (released at a clock time) or are fed by
the simulation (work orders to call back, callers who abandoned). A record is dialled
only inside the campaign's calling windows, at most ``max_attempts`` times,
``retry_after`` apart; every record ends contacted, exhausted (attempts used) or is
still pending when the run ends.

Progressive and preview dialling reserve an agent first: the agent reads the record
(preview), waits through the ringing, and talks if the right party answers. Predictive
dialling dials ahead of free agents at a pacing ratio, without reserving anyone
(``pacing.py``).

Agents are shared with inbound: a freed agent takes a waiting inbound call first; only
if there is none may it take outbound work, and a blended (inbound) group only while
the blending rule says inbound is safe.
"""

from __future__ import annotations

import math
from array import array
from typing import Any

import numpy as np
from numpy.typing import NDArray
from simpy.events import NORMAL, Event

from ccsim.engine.call import Call
from ccsim.engine.campaigns import (
    ABANDONED,
    ACTIVE,
    ATTEMPT_COLUMNS,
    CONTACT,
    CONTACTED,
    EXHAUSTED,
    NO_CONTACT,
    PENDING,
    RECORD_COLUMNS,
    SUCCESS,
    CampaignRun,
    Record,
)
from ccsim.engine.interfaces import InboundForOutbound
from ccsim.engine.orders import Order
from ccsim.engine.pacing import PredictivePacing
from ccsim.scenario.calendar import Calendar

# the results layer and tests import the codes and columns from here
__all__ = [
    "ABANDONED",
    "ACTIVE",
    "ATTEMPT_COLUMNS",
    "CONTACT",
    "CONTACTED",
    "EXHAUSTED",
    "NO_CONTACT",
    "PENDING",
    "RECORD_COLUMNS",
    "SUCCESS",
    "CampaignRun",
    "Outbound",
    "Record",
]


class Outbound(PredictivePacing):
    """The outbound side of one replication (owned by its ``Simulation``).

    Progressive and preview dialling, feeds and calling windows are here; the
    predictive dialling comes from its base, ``PredictivePacing``.
    """

    def __init__(self, sim: InboundForOutbound) -> None:
        self.sim = sim
        self.env = sim.env
        m = sim.m
        sc = m.scenario
        hz = sc.horizon
        self.horizon_s = m.horizon_s
        self.blending = sc.blending
        self.inbound = [bool(g.skills) for _, g in sc.groups]
        self.camps: list[CampaignRun] = []
        for i, spec in enumerate(sc.campaigns):
            cal = Calendar.weekly(
                {d: list(spec.windows) for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
                hz.start_s,
                hz.start_day,
            )
            run = CampaignRun(i, spec, sim.streams, cal)
            for ref in spec.groups:
                run.groups.append(_group(sc, ref))
            self.camps.append(run)
        # per group: the campaigns it may work, highest priority first
        order = sorted(self.camps, key=lambda c: -c.spec.priority)
        self.by_group: list[list[CampaignRun]] = [
            [c for c in order if g in c.groups] for g in range(len(sc.groups))
        ]
        self._init_pacing(len(sc.groups))
        self.feed_orders: dict[int, CampaignRun] = {}
        self.feed_abandoned: list[CampaignRun] = []
        # per call type: the campaign that makes its callbacks (the first that takes it)
        self.feed_callbacks: list[CampaignRun | None] = [None] * len(sc.call_types)
        for run in self.camps:
            f = run.spec.feed
            if f is None:
                continue
            if f.source == "work_orders":
                for oi, wo in enumerate(sc.work_orders):
                    if f.calls_back(wo.id):
                        self.feed_orders[oi] = run
            elif f.source == "callbacks":
                for k, ct in enumerate(sc.call_types):
                    if self.feed_callbacks[k] is None and (
                        f.call_types is None or ct.id in f.call_types
                    ):
                        self.feed_callbacks[k] = run
            else:
                self.feed_abandoned.append(run)
        self._next_id = 0
        self.att: dict[str, array[Any]] = {k: array(t) for k, t in ATTEMPT_COLUMNS.items()}
        self.records: list[Record] = []
        self._schedule()

    # -- records ------------------------------------------------------------------------------

    def _add(self, run: CampaignRun, order: Order | None = None) -> None:
        self._next_id += 1
        rec = Record(self._next_id, run.index, self.env.now, order)
        self.records.append(rec)
        run.ready.append(rec)

    def feed_order(self, order: Order) -> bool:
        """A worked order to call back: True if a campaign takes it."""
        run = self.feed_orders.get(order.otype)
        if run is None or self.env.now >= self.horizon_s:
            return False
        self._add(run, order)
        self.dispatch(run)
        return True

    def feed_caller(self, call: Call) -> None:
        """An inbound caller who abandoned; some ask for a call back."""
        for run in self.feed_abandoned:
            if call.caller in run.callers:  # one callback request per caller
                continue
            share = run.spec.feed.share if run.spec.feed else 0.0
            if self.env.now < self.horizon_s and run.u() < share:
                run.callers.add(call.caller)
                self._add(run)
                self.dispatch(run)

    def feed_callback(self, call: Call) -> None:
        """A caller accepted a callback in the queue: a record for its campaign, if any."""
        run = self.feed_callbacks[call.ctype]
        if run is not None and self.env.now < self.horizon_s:
            self._add(run)
            self.dispatch(run)

    def _on_release_list(self, ev: Event) -> None:
        run, size = ev._value
        for _ in range(size):
            self._add(run)
        self.dispatch(run)

    def _on_ready(self, rec: Record) -> None:
        run = self.camps[rec.camp]
        run.ready.append(rec)
        self.dispatch(run)

    def _on_window(self, ev: Event) -> None:
        for run in self.camps:
            self.dispatch(run)

    def _schedule(self) -> None:
        sc = self.sim.m.scenario
        hz = sc.horizon
        days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
        first = days.index(hz.start_day)
        n_days = int((hz.start_s + self.horizon_s) // 86_400) + 1
        times: set[float] = set()
        for run in self.camps:
            times.update(run.calendar.changes(0.0, self.horizon_s))
            lst = run.spec.list
            if lst is None:
                continue
            hh, mm = int(lst.release[:2]), int(lst.release[3:])
            for d in range(n_days):
                t = d * 86_400.0 + hh * 3600.0 + mm * 60.0 - hz.start_s
                if 0.0 <= t < self.horizon_s and (
                    lst.days is None or days[(first + d) % 7] in lst.days
                ):
                    self._event(t, self._on_release_list, (run, lst.daily_size))
        for t in sorted(times):
            if t < self.horizon_s:
                self._event(t, self._on_window, None)

    def _event(self, t: float, fn: Any, value: Any) -> None:
        ev = Event(self.env)
        ev._ok = True
        ev._value = value
        ev.callbacks.append(fn)
        self.env.schedule(ev, NORMAL, max(t - self.env.now, 0.0))

    # -- agents ---------------------------------------------------------------------------------

    def safe(self, g: int) -> bool:
        """Whether an idle agent of group ``g`` may take outbound work now."""
        sim = self.sim
        idle = sim.staffed[g] - sim.busy[g]
        if idle <= 0:
            return False
        if not self.inbound[g]:
            return True
        b = self.blending
        if b.require_empty_queue and sim.waiting[g] > 0:
            return False
        if idle - 1 < b.min_idle:
            return False
        return not (b.sl_guard and not sim.last_sl_ok[g])

    def offer(self, g: int) -> bool:
        """An agent of ``g`` is free and no inbound call waits for it: give it outbound work."""
        if not self.by_group[g] or self.env.now >= self.horizon_s or not self.safe(g):
            return False
        now = self.env.now
        # a customer already on the line (predictive contact) comes before any new dial:
        # the highest campaign priority first, then the one waiting longest
        first: CampaignRun | None = None
        for run in self.by_group[g]:  # highest priority first
            q = run.connect_q
            while q and q[0][3]:  # hung up already
                q.popleft()
            if q and (
                first is None
                or (run.spec.priority == first.spec.priority and q[0][4] < first.connect_q[0][4])
            ):
                first = run
        if first is not None:
            entry = first.connect_q.popleft()
            entry[3] = True
            self._connect(first, entry[0], g, entry[1], entry[2])
            return True
        if self._held_for_contacts(g):
            return False
        for run in self.by_group[g]:
            if not run.predictive and run.ready and run.calendar.is_open(now):
                self._attempt(run, run.ready.popleft(), g)
                return True
        return False

    def fill(self, g: int) -> None:
        """Give outbound work to every idle agent of ``g`` that may take it; pace predictive dialling."""
        while self.offer(g):
            pass
        self._pace_fairly([run for run in self.by_group[g] if run.predictive])

    def dispatch(self, run: CampaignRun) -> None:
        """New records or an opened window: put free agents to work."""
        for g in run.groups:
            self.fill(g)
        if run.predictive:
            self._pace(run)

    # -- progressive and preview -----------------------------------------------------------------

    def _attempt(self, run: CampaignRun, rec: Record, g: int) -> None:
        sim = self.sim
        sim.busy[g] += 1
        rec.status = ACTIVE
        rec.attempts += 1
        now = self.env.now
        pre = run.preview() if run.spec.dialing == "preview" else 0.0
        ring = run.ring()
        contact = run.u() < run.spec.contact_prob
        success = run.u() < run.spec.success_prob
        dur = pre + ring
        outcome = NO_CONTACT
        if contact:
            dur += run.talk() + run.wrap()
            outcome = SUCCESS if success else CONTACT
        self._log(run, rec, now + pre, g, outcome, now, now + dur)
        sim.after(dur, self._on_agent_done, (run, rec, g, outcome))

    def _on_agent_done(self, item: tuple[Any, ...]) -> None:
        run, rec, g, outcome = item
        self._finish(run, rec, outcome)
        self.sim.free_agent(g)

    # -- endings ---------------------------------------------------------------------------------

    def _finish(self, run: CampaignRun, rec: Record, outcome: int) -> None:
        now = self.env.now
        bo = self.sim.bo
        if outcome in (CONTACT, SUCCESS):
            rec.status = CONTACTED
            rec.t_end = now
            if rec.order is not None and bo is not None:
                bo.called_back(rec.order, now, rec.attempts)
        elif rec.attempts >= run.spec.max_attempts:
            rec.status = EXHAUSTED
            rec.t_end = now
            if rec.order is not None and bo is not None:
                bo.called_back(rec.order, math.nan, rec.attempts)
        else:
            rec.status = PENDING
            self.sim.after(run.retry(), self._on_ready, rec)

    def _log(
        self,
        run: CampaignRun,
        rec: Record,
        t_dial: float,
        g: int,
        outcome: int,
        a0: float,
        a1: float,
    ) -> None:
        a = self.att
        for k, v in (
            ("campaign", run.index), ("record", rec.id), ("attempt", rec.attempts), ("t_dial", t_dial),
            ("group", g), ("outcome", outcome), ("agent_start", a0), ("agent_end", a1),
        ):  # fmt: skip
            a[k].append(v)

    def arrays(self) -> dict[str, dict[str, NDArray[Any]]]:
        """Attempts and records as columns."""
        att = {k: _np(v) for k, v in self.att.items()}
        recs: dict[str, array[Any]] = {k: array(t) for k, t in RECORD_COLUMNS.items()}
        for r in self.records:
            for k, v in (("campaign", r.camp), ("record", r.id), ("released", r.released), ("status", r.status),
                         ("t_end", r.t_end), ("attempts", r.attempts)):  # fmt: skip
                recs[k].append(v)
        return {"attempts": att, "records": {k: _np(v) for k, v in recs.items()}}


def _np(a: array[Any]) -> NDArray[Any]:
    dt = np.dtype(a.typecode)
    return np.frombuffer(a, dtype=dt).copy() if len(a) else np.empty(0, dtype=dt)


def _group(sc: Any, ref: str) -> int:
    centre, sep, gid = ref.partition("/")
    for i, (c, g) in enumerate(sc.groups):
        if (sep and c.id == centre and g.id == gid) or (not sep and g.id == ref):
            return i
    raise KeyError(ref)
