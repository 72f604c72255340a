"""The inbound simulation: arrivals, IVR, patience, redials and returns; one replication.

One ``Simulation`` owns a replication's state: the SimPy environment, the named
streams and the recorder. It routes calls to agent groups as a ``Routing``
(``routing.py``), and creates the back office and the outbound side, which reach it
through the protocols of ``interfaces.py``.

Events are callbacks due at a time (``loop.due``: an entry of the event queue) rather than
processes: a process per call costs a generator and several extra events, and this loop
runs once per call. ``loop.run`` runs them, and any other SimPy event, in SimPy's order.

Same-time events run in a fixed order: staffing changes at an interval boundary first
(SimPy priority URGENT), then all other events in the order they were scheduled.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_right
from collections.abc import Callable
from heapq import heappush as push
from typing import Any

import numpy as np
from simpy.events import NORMAL, URGENT, Event

from ccsim.engine import loop, proficiency
from ccsim.engine.arrivals import ArrivalDays, arrival_days
from ccsim.engine.backoffice import BackOffice
from ccsim.engine.call import (
    CONTAINED,
    DONE,
    IN_IVR,
    LOST,
    TO_AGENT,
    WAITING,
    Call,
)
from ccsim.engine.capacity import blocked_redials
from ccsim.engine.compile import Compiled, compile_scenario
from ccsim.engine.draws import CallDraws, ivr_streams, repeat_streams
from ccsim.engine.exits import queue_rules
from ccsim.engine.ivr_rest import password_step
from ccsim.engine.loop import Entry, due
from ccsim.engine.outbound import Outbound
from ccsim.engine.records import ROW, Kind, Outcome, Recorder, RunRecord
from ccsim.engine.routing import Routing
from ccsim.engine.streams import Streams
from ccsim.scenario.schema import Scenario

# looked up once: the inner loop uses them per call
FRESH = Kind.FRESH
O_BLOCKED, O_CONTAINED, O_IVR_ABANDONED = Outcome.BLOCKED, Outcome.CONTAINED, Outcome.IVR_ABANDONED
NAN = math.nan
pack = ROW.pack


class Simulation(Routing):
    """One replication of a scenario.

    Parameters
    ----------
    scenario : Scenario or Compiled
        What to simulate.
    replication : int
        Replication number (selects the random streams).
    seed : int, optional
        Overrides the scenario's seed.
    """

    def __init__(
        self, scenario: Scenario | Compiled, replication: int = 0, seed: int | None = None
    ) -> None:
        m = scenario if isinstance(scenario, Compiled) else compile_scenario(scenario)
        self.m = m
        sc = m.scenario
        self.seed = sc.seed if seed is None else seed
        self.replication = replication
        self.env = loop.Environment()
        self.streams = Streams(self.seed, replication)
        self.rec = Recorder()
        super().__init__(m)
        self.tier_cum = m.tier_cum.tolist()
        self.net_cum = m.network_cum.tolist()
        self._tier_last = len(self.tier_cum) - 1
        self._net_last = len(self.net_cum) - 1
        self.tier_patience = m.tier_patience
        self.horizon_s = m.horizon_s
        self.net_dialect = m.network_dialect
        self.ivr_ports = sc.ivr_ports
        self.ivr_active = 0
        self._callers = 0
        closing = sc.at_closing != "serve"
        self._ivr_open: dict[int, Call] | None = (
            {} if m.drain_limit_s is not None or closing else None
        )
        self._ivrs = [ct.ivr for ct in sc.call_types]
        # per call type with a password step: (share asked, failure probability, its
        # log, tries, exit after the last failure), read once per call in the IVR
        self._pw = [password_step(ct.ivr.password if ct.ivr else None) for ct in sc.call_types]
        self._fresh = [
            CallDraws(self.streams, f"fresh/{ct.id}", ct, m.tier_patience) for ct in sc.call_types
        ]
        self._repeat = [
            CallDraws(self.streams, f"repeat/{ct.id}", ct, m.tier_patience) for ct in sc.call_types
        ]
        self._ivr_time = ivr_streams(self.streams, sc.call_types)
        self._redial_u, self._redial_delay, self._return_delay = repeat_streams(
            self.streams, sc.call_types
        )
        self._redial_after = [set(ct.redial.after) if ct.redial else set() for ct in sc.call_types]
        self._redial_p = [
            list(ct.redial.probabilities) if ct.redial else [] for ct in sc.call_types
        ]
        self._fcr = [ct.fcr for ct in sc.call_types]
        self._redial_blocked = blocked_redials(self.streams, sc.call_types)
        self.lines, self.queue_limit, self.max_wait, self.closing = queue_rules(self, closing)
        self._prof = proficiency.table(sc, m.group_ids, self.streams)
        self.bo: BackOffice | None = None
        self.ob: Outbound | None = None
        # arrivals: drawn per call type up front, merged one day at a time into lists
        self._arr_days = ArrivalDays([])
        self._arr_t: list[float] = []
        self._arr_k: list[int] = []
        self._arr_forced: list[list[int]] | None = None
        self._arr_i = 0
        self._sample_s = sc.kpi.queue_sample_s
        self._arrive = self._on_arrival  # one bound method for every arrival's entry
        self._samples_t = array("d")
        self._samples_q = array("l")

    # -- scheduling helpers ---------------------------------------------------------

    def after(self, delay: float, fn: Callable[[Any], Any], value: Any) -> None:
        """Call ``fn(value)`` in ``delay`` seconds."""
        due(self.env, delay, fn, value)

    # -- set-up -----------------------------------------------------------------------

    def _draw_arrivals(self) -> None:
        self._arr_days = arrival_days(self.m, self.streams)
        self._next_arrivals()

    def _next_arrivals(self) -> bool:
        """Load the next simulated day of arrivals into the lists; False if none are left."""
        day = self._arr_days.next_day()
        if day is None:
            return False
        self._arr_t, self._arr_k, self._arr_forced = day
        self._arr_i = 0
        return True

    def _on_sample(self, _: None) -> None:
        now = self.env.now
        self._samples_t.append(now)
        self._samples_q.append(sum(self.qlive))
        step = self._sample_s
        assert step is not None
        if now + step < self.horizon_s:
            self.after(step, self._on_sample, None)

    # -- arrivals and IVR ---------------------------------------------------------------

    def _on_arrival(self, _: None) -> Entry | None:
        """A fresh caller arrives; returns the next arrival's entry (``loop.run`` holds it)."""
        i = self._arr_i
        self._arr_i = i + 1
        k = self._arr_k[i]
        forced = self._arr_forced[i] if self._arr_forced is not None else None
        now = self.env._now
        arr_t = self._arr_t
        # the next arrival, as ``after`` would schedule it (gaps are >= 0: times sorted),
        # handed to the loop, which keeps it beside the queue
        nxt: Entry | None = None
        if i + 1 < len(arr_t):
            nxt = (now + (arr_t[i + 1] - now), NORMAL, next(self._eid), self._arrive, None)
        elif self._next_arrivals():
            nxt = (now + (self._arr_t[0] - now), NORMAL, next(self._eid), self._arrive, None)
        d = self._fresh[k].next()
        self._callers += 1
        tier = bisect_right(self.tier_cum, d[1])
        if tier > self._tier_last:
            tier = self._tier_last
        net = bisect_right(self.net_cum, d[0])
        if net > self._net_last:
            net = self._net_last
        if forced is not None:
            ft, fn = forced
            tier = tier if ft < 0 else ft
            net = net if fn < 0 else fn
        call = Call(self._callers, k, tier, net, FRESH, 0, now)
        call.dialect = d[7] < self.net_dialect[net]
        try:
            self._enter(call, d, True)
        except BaseException:  # the next arrival stays scheduled, as if pushed first
            if nxt is not None:
                push(self._queue, nxt)
            raise
        return nxt

    def inject(self, caller: Call, ctype: int, kind: int, t: float) -> None:
        """A further call by the same caller, arriving now (chasers from the back office)."""
        call = caller.follow_up(ctype, kind, 0, t)
        self._enter(call, self._repeat[ctype].next(), fresh=False)

    def _on_repeat(self, call: Call) -> None:
        call.t_arrival = self.env._now
        self._enter(call, self._repeat[call.ctype].next(), fresh=False)

    def _enter(self, call: Call, d: list[float], fresh: bool) -> None:
        if self.lines is not None and not self.lines.seize(call):
            return
        k = call.ctype
        call.patience = d[9] * self.tier_patience[call.tier]
        call.talk = d[10]
        call.wrap = d[11]
        call.u_fcr = d[6]
        call.u_order = d[8]
        times = self._ivr_time[k]
        if times is None:
            self._request(call)
            return
        if self.ivr_ports is not None:
            if self.ivr_active >= self.ivr_ports:
                self._finish(call, O_BLOCKED)
                self._maybe_redial(call, "blocked")
                return
            self.ivr_active += 1
        ivr = self._ivrs[k]
        assert ivr is not None  # it has IVR times
        if not fresh:
            exit_, t = TO_AGENT, times[0]()
        elif d[2] < ivr.abandon:
            exit_, t = LOST, times[2]()
        else:
            exit_ = -1
            t = 0.0
            pw = self._pw[k]
            if pw is not None and d[3] < pw[0]:
                _, fail_prob, log_fail, tries, after_last = pw
                if fail_prob <= 0.0:
                    failures = 0
                elif fail_prob >= 1.0:
                    failures = tries
                else:
                    failures = int(math.log(max(d[4], 1e-300)) / log_fail)
                for _ in range(min(failures + 1, tries)):
                    t += times[3]()
                if failures >= tries:
                    exit_ = after_last
            if exit_ == -1:
                exit_ = CONTAINED if d[5] < ivr.containment else TO_AGENT
            if exit_ == CONTAINED:
                t += times[1]()
            elif exit_ == TO_AGENT:
                t += times[0]()
        call.exit = exit_
        call.state = IN_IVR
        if self._ivr_open is not None:
            self._ivr_open[id(call)] = call
        # as ``after(t, self._on_ivr_end, call)``; IVR times are draws >= 0
        push(self._queue, (self.env._now + t, NORMAL, next(self._eid), self._on_ivr_end, call))  # fmt: skip

    def _on_ivr_end(self, call: Call) -> None:
        if self.ivr_ports is not None:
            self.ivr_active -= 1
        if self._ivr_open is not None:
            self._ivr_open.pop(id(call), None)
            if call.state == DONE:  # ended at closing time while in the IVR
                return
        e = call.exit
        if e == TO_AGENT:
            self._request(call)
        elif e == CONTAINED:
            self._finish(call, O_CONTAINED)
        elif e == LOST:
            self._finish(call, O_IVR_ABANDONED)
            self._maybe_redial(call, "ivr_abandon")
        else:
            self._finish(call, Outcome.DISCONNECTED)

    # -- endings -------------------------------------------------------------------------

    def _finish(self, call: Call, outcome: int) -> None:
        call.state = DONE
        if self.lines is not None:
            self.lines.release(call)
        self._row(
            pack(
                call.caller, call.ctype, call.tier, call.net, call.kind, call.attempt,
                call.t_arrival, outcome, -1, NAN, NAN, 0.0, 0.0, 0, call.dialect, -1, 0.0, False,
            )
        )  # fmt: skip

    def _maybe_redial(self, call: Call, reason: str) -> None:
        k = call.ctype
        if reason not in self._redial_after[k]:
            return
        probs = self._redial_p[k]
        u, delay = self._redial_u[k], self._redial_delay[k]
        if reason == "blocked" and self._redial_blocked[k] is not None:
            probs, u, delay = self._redial_blocked[k]  # type: ignore[misc]
        a = call.attempt
        if a >= len(probs) or u() >= probs[a]:
            return
        t = self.env.now + delay()
        if t < self.horizon_s:
            again = call.follow_up(k, Kind.REDIAL, a + 1, t)
            self.after(t - self.env.now, self._on_repeat, again)

    # -- handing rows over during the run --------------------------------------------------

    def _schedule_folds(self) -> None:
        """At each interval boundary, after the staffing change: hand rows over if enough gathered.

        The check reads the state and changes nothing, so the run's events and draws are
        the same with or without it.
        """
        m = self.m
        for i in range(1, m.n_intervals):
            ev = Event(self.env)
            ev._ok = True
            ev._value = None
            ev.callbacks.append(self._on_fold)
            self.env.schedule(ev, URGENT, i * m.interval_s)

    def _on_fold(self, ev: Event) -> None:
        rec = self.rec
        if len(rec) < rec.every:
            return
        waiting = [c.t_queue for dq in self.qcalls for c in dq if c.state == WAITING]
        rec.flush(self.env.now, np.asarray(waiting, dtype=float))

    # -- running ---------------------------------------------------------------------------

    def run(self) -> RunRecord:
        """Simulate the horizon and let callers in the system finish; return the records."""
        self._draw_arrivals()
        self._schedule_staffing()
        if self.m.order_ids:
            self.bo = BackOffice(self)
        if self.m.scenario.campaigns:
            self.ob = Outbound(self)
        live = self.m.extras.get("live")
        if live is not None:
            from ccsim.engine.live import LiveStart, schedule_live

            assert isinstance(live, LiveStart)
            schedule_live(self, live)
        if self.rec.sink is not None:
            self._schedule_folds()
        if self._arr_t:
            self.after(self._arr_t[0], self._arrive, None)
        if self.closing is not None:
            self.closing.schedule()
        if self._sample_s is not None:
            # queue-length samples at the midpoints of sampling periods, in the horizon
            self.after(self._sample_s / 2.0, self._on_sample, None)
        limit = self.m.drain_limit_s
        loop.run(self.env, None if limit is None else self.m.horizon_s + limit)
        end = self.env.now
        if self._xfer is not None:  # transferred callers still on their second leg
            self._xfer.at_end(end)
        for dq in self.qcalls:
            for call in dq:
                if call.state == WAITING:
                    call.state = DONE
                    self.rec.add(
                        call.caller, call.ctype, call.tier, call.net, call.kind, call.attempt,
                        call.t_arrival, Outcome.WAITING_AT_END, self.q_groups[call.queue][0],
                        call.t_queue, end - call.t_queue, 0.0, 0.0, 0, call.dialect, -1, 0.0, False,
                    )  # fmt: skip
        if self._ivr_open:
            for call in self._ivr_open.values():
                self._finish(call, Outcome.IVR_AT_END)
        if self.rec.flushed:  # the last rows, with nobody left waiting
            self.rec.flush(end, np.empty(0))
        samples = {
            "t": np.frombuffer(self._samples_t, dtype=np.float64).copy(),
            "waiting": np.frombuffer(self._samples_q, dtype=np.int64).copy(),
        }
        orders = self.bo.arrays() if self.bo is not None else {}
        tasks = self.bo.task_arrays() if self.bo is not None else {}
        outbound = self.ob.arrays() if self.ob is not None else {}
        lines = self.lines.arrays() if self.lines is not None else {}
        return RunRecord(
            self.rec.arrays(), end, self.replication, self.seed, samples, orders, tasks, outbound,
            lines, self._xfer.arrays() if self._xfer is not None else {},
        )  # fmt: skip


def simulate_once(
    scenario: Scenario | Compiled, replication: int = 0, seed: int | None = None
) -> RunRecord:
    """Run one replication and return its records."""
    return Simulation(scenario, replication, seed).run()


__all__ = ["NORMAL", "URGENT", "Call", "Simulation", "simulate_once"]
