"""Outbound campaigns (外呼) and their blending with inbound work.

A campaign's records come from a daily list (released at a clock time) or are fed by
the simulation (work orders to call back, callers who abandoned). A record is dialled
only inside the campaign's calling windows, at most ``max_attempts`` times,
``retry_after`` apart; every record ends contacted, exhausted (attempts used) or is
still pending when the run ends.

Progressive and preview dialling reserve an agent first: the agent reads the record
(preview), waits through the ringing, and talks if the right party answers. Predictive
dialling dials ahead of free agents at a pacing ratio, without reserving anyone; a
contact finding no free agent within ``connect_wait_s`` is abandoned. The ratio falls
when the share of abandoned contacts nears its cap and rises when it is well below.

Agents are shared with inbound: a freed agent takes a waiting inbound call first; only
if there is none may it take outbound work, and a blended (inbound) group only while
the blending rule says inbound is safe.
"""

from __future__ import annotations

import math
from array import array
from collections import deque
from typing import Any

import numpy as np
from numpy.typing import NDArray
from simpy.events import NORMAL, Event

from ccsim.engine.calendar import Calendar
from ccsim.engine.call import Call
from ccsim.engine.distributions import sampler
from ccsim.engine.interfaces import InboundForOutbound
from ccsim.engine.orders import Order

PENDING, ACTIVE, CONTACTED, EXHAUSTED = 0, 1, 2, 3
NO_CONTACT, CONTACT, SUCCESS, ABANDONED = 0, 1, 2, 3

ATTEMPT_COLUMNS = {
    "campaign": "h",
    "record": "q",
    "attempt": "h",
    "t_dial": "d",
    "group": "h",  # agent's group (-1: no agent, predictive)
    "outcome": "b",  # NO_CONTACT, CONTACT, SUCCESS, ABANDONED
    "agent_start": "d",  # NaN: no agent
    "agent_end": "d",
}
RECORD_COLUMNS = {
    "campaign": "h",
    "record": "q",
    "released": "d",
    "status": "b",
    "t_end": "d",
    "attempts": "h",
}
_RECENT = 100  # contacts the predictive pacing looks back on
_MIN_RATIO = 0.3  # expected contacts per free agent, at the most careful


class Record:
    """A customer to call."""

    __slots__ = ("attempts", "camp", "id", "order", "released", "status", "t_end")

    def __init__(self, rid: int, camp: int, t: float, order: Order | None = None) -> None:
        self.id = rid
        self.camp = camp
        self.released = t
        self.attempts = 0
        self.status = PENDING
        self.t_end = math.nan
        self.order = order


class CampaignRun:
    """One campaign's state during a replication."""

    def __init__(self, index: int, spec: Any, sim: InboundForOutbound, calendar: Calendar) -> None:
        self.index = index
        self.spec = spec
        self.calendar = calendar
        self.predictive = spec.dialing == "predictive"
        self.ready: deque[Record] = deque()
        # contacts on the line waiting for an agent: [record, success, t_dial, taken, t_answer]
        self.connect_q: deque[list[Any]] = deque()
        self.outstanding = 0
        self.last_dial = -math.inf  # when it last dialled (predictive campaigns share fairly)
        self.ratio = spec.pacing.ratio
        self.recent: deque[int] = deque(maxlen=_RECENT)
        self.dials = 0  # predictive dials made, and how many the right party answered
        self.answered = 0
        st = sim.streams
        name = f"campaign/{spec.id}"
        self.u = st.buffered(f"{name}/uniform", _uniform)
        self.ring = st.buffered(f"{name}/ring", sampler(spec.ring_time))
        self.talk = st.buffered(f"{name}/talk", sampler(spec.talk_time))
        self.wrap = st.buffered(f"{name}/wrap", sampler(spec.wrap_time))
        self.preview = st.buffered(f"{name}/preview", sampler(spec.preview_time))
        self.retry = st.buffered(f"{name}/retry", sampler(spec.retry_after))
        self.groups: list[int] = []
        self.connect_order: list[int] = []
        self.callers: set[int] = set()  # callers with a callback request (abandoned feed)

    def contact_est(self) -> float:
        """Running estimate of the contact probability (the scenario's value as a prior)."""
        prior = 20.0
        return float((self.answered + prior * self.spec.contact_prob) / (self.dials + prior))


class Outbound:
    """The outbound side of one replication (owned by its ``Simulation``)."""

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
            run = CampaignRun(i, spec, sim, cal)
            for ref in spec.groups:
                run.groups.append(_group(sc, ref))
            self.camps.append(run)
        # per group: the campaigns it may work, highest priority first
        order = sorted(self.camps, key=lambda c: -c.spec.priority)
        self.by_group: list[list[CampaignRun]] = [
            [c for c in order if g in c.groups] for g in range(len(sc.groups))
        ]
        # per group: the groups whose agents its predictive campaigns may connect to
        self.predictive_groups: list[set[int]] = [
            {x for c in self.by_group[g] if c.predictive for x in c.groups}
            for g in range(len(sc.groups))
        ]
        # per campaign: the other predictive campaigns whose contacts may take its agents
        self.rivals: list[list[CampaignRun]] = [
            [
                c
                for c in self.camps
                if c is not run and c.predictive and set(c.groups) & set(run.groups)
            ]
            for run in self.camps
        ]
        # per campaign and rival: the rival's groups this campaign shares, and its others
        self.splits: list[list[tuple[CampaignRun, list[int], list[int]]]] = [
            [
                (
                    r,
                    [g for g in r.groups if g in run.groups],
                    [g for g in r.groups if g not in run.groups],
                )
                for r in self.rivals[run.index]
            ]
            for run in self.camps
        ]
        for run in self.camps:
            # a contact goes to the first group that may take it, groups no other
            # predictive campaign shares first (as the pacing of those campaigns assumes)
            rivals = self.rivals[run.index]
            run.connect_order = sorted(run.groups, key=lambda g: sum(g in r.groups for r in rivals))
        self.feed_orders: dict[int, CampaignRun] = {}
        self.feed_abandoned: list[CampaignRun] = []
        for run in self.camps:
            f = run.spec.feed
            if f is None:
                continue
            if f.source == "work_orders":
                for oi, wo in enumerate(sc.work_orders):
                    if f.order_types is None or wo.id in f.order_types:
                        self.feed_orders[oi] = run
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

    def _on_release_list(self, ev: Event) -> None:
        run, size = ev._value
        for _ in range(size):
            self._add(run)
        self.dispatch(run)

    def _on_ready(self, ev: Event) -> None:
        rec: Record = ev._value
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

    def _held_for_contacts(self, g: int) -> bool:
        """Whether this free agent should wait for the contacts predictive lines will bring."""
        expected = 0.0
        for run in self.by_group[g]:
            if run.predictive and run.outstanding:
                expected += run.outstanding * run.contact_est()
        if expected <= 0:
            return False
        sim = self.sim
        idle = sum(max(sim.staffed[x] - sim.busy[x], 0) for x in self.predictive_groups[g])
        return idle - 1 < expected

    def fill(self, g: int) -> None:
        """Give outbound work to every idle agent of ``g`` that may take it; pace predictive dialling."""
        while self.offer(g):
            pass
        self._pace_fairly([run for run in self.by_group[g] if run.predictive])

    def _pace_fairly(self, runs: list[CampaignRun]) -> None:
        """Pace predictive campaigns that share agents, in turn.

        The highest priority first; among equals, the one that dialled least recently,
        so that equals share the free agents.
        """
        if len(runs) > 1:
            runs = sorted(runs, key=lambda r: (-r.spec.priority, r.last_dial, r.index))
        for run in runs:
            self._pace(run)

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

    def _on_agent_done(self, ev: Event) -> None:
        run, rec, g, outcome = ev._value
        self._finish(run, rec, outcome)
        self.sim.free_agent(g)

    # -- predictive ------------------------------------------------------------------------------

    def _free(self, g: int) -> int:
        """Agents of ``g`` a predictive contact could have now (beyond ``min_idle`` if blended)."""
        if not self.safe(g):
            return 0
        idle = self.sim.staffed[g] - self.sim.busy[g]
        return idle if not self.inbound[g] else max(0, idle - self.blending.min_idle)

    def _pace(self, run: CampaignRun) -> None:
        """Dial so that the contacts expected from the lines ringing match the free agents."""
        now = self.env.now
        if not run.ready or now >= self.horizon_s or not run.calendar.is_open(now):
            return
        p = max(run.contact_est(), 0.01)
        waiting = sum(1 for e in run.connect_q if not e[3])
        free = max(sum(self._free(g) for g in run.groups) - waiting, 0)
        # contacts other predictive campaigns expect beyond their own free agents, as far
        # as they would take free agents this campaign could have
        others = 0.0
        for r, shared_groups, own_groups in self.splits[run.index]:
            if not r.outstanding:
                continue
            shared = sum(self._free(g) for g in shared_groups)
            if shared:
                own = sum(self._free(g) for g in own_groups)
                expected = r.outstanding * max(r.contact_est(), 0.01)
                others += min(shared, max(0.0, expected - own))
        target = math.floor((run.ratio * free - others) / p) - run.outstanding
        if (
            target <= 0
            and free >= 1
            and not run.outstanding
            and not others
            and any(not self.inbound[g] and self.safe(g) for g in run.groups)
        ):
            # an idle outbound-only agent and nothing ringing for it: one line cannot
            # over-dial, and its answer lets a ratio that fell to dialling nothing recover
            # (an agent of a blended group could be taken by an inbound call meanwhile)
            target = 1
        if target > 0 and run.ready:
            run.last_dial = now
        while target > 0 and run.ready:
            rec = run.ready.popleft()
            rec.status = ACTIVE
            rec.attempts += 1
            run.outstanding += 1
            contact = run.u() < run.spec.contact_prob
            success = run.u() < run.spec.success_prob
            self.sim.after(run.ring(), self._on_answer, (run, rec, contact, success, now))
            target -= 1

    def _on_answer(self, ev: Event) -> None:
        run, rec, contact, success, t_dial = ev._value
        run.outstanding -= 1
        run.dials += 1  # resolved dials only: a line still ringing tells nothing yet
        run.answered += contact
        if not contact:
            self._log(run, rec, t_dial, -1, NO_CONTACT, math.nan, math.nan)
            self._finish(run, rec, NO_CONTACT)
            self._pace_fairly([run, *self.rivals[run.index]])
            return
        for g in run.connect_order:
            if self.safe(g):
                self._connect(run, rec, g, success, t_dial)
                if self.rivals[run.index]:  # the line it held no longer counts for them
                    self._pace_fairly(self.rivals[run.index])
                return
        entry = [rec, success, t_dial, False, self.env.now]
        run.connect_q.append(entry)
        self.sim.after(run.spec.pacing.connect_wait_s, self._on_connect_timeout, (run, entry))

    def _on_connect_timeout(self, ev: Event) -> None:
        run, entry = ev._value
        if entry[3]:
            return
        entry[3] = True
        rec = entry[0]
        self._log(run, rec, entry[2], -1, ABANDONED, math.nan, math.nan)
        self._paced(run, abandoned=True)
        self._finish(run, rec, ABANDONED)
        self._pace_fairly([run, *self.rivals[run.index]])

    def _connect(self, run: CampaignRun, rec: Record, g: int, success: bool, t_dial: float) -> None:
        sim = self.sim
        sim.busy[g] += 1
        now = self.env.now
        dur = run.talk() + run.wrap()
        outcome = SUCCESS if success else CONTACT
        self._log(run, rec, t_dial, g, outcome, now, now + dur)
        self._paced(run, abandoned=False)
        sim.after(dur, self._on_agent_done, (run, rec, g, outcome))

    def _paced(self, run: CampaignRun, abandoned: bool) -> None:
        """Adjust the pacing ratio from the recent share of abandoned contacts."""
        run.recent.append(1 if abandoned else 0)
        if len(run.recent) < 10:
            return
        rate = sum(run.recent) / len(run.recent)
        cap = run.spec.pacing.max_abandon
        if rate > 0.8 * cap:  # back off: abandoned contacts are nuisance calls
            run.ratio = max(min(_MIN_RATIO, run.spec.pacing.max_ratio), run.ratio * 0.9)
        elif rate < 0.4 * cap:
            run.ratio = min(run.spec.pacing.max_ratio, run.ratio * 1.02)

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


def _uniform(rng: np.random.Generator, n: int) -> NDArray[np.float64]:
    return rng.random(n)
