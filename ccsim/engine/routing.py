"""Routing of inbound calls to agent groups: the queues, answering, freeing agents.

Agent groups are counts (staffed, busy), not processes. A call that finds no idle
agent in the groups its plan makes eligible at once waits in a FIFO queue shared
by callers with the same call type, tier priority and routing plan; further groups
of the plan become eligible after their overflow delay. A freed agent looks at its
group's queues in the order the routing policy gives (``compile.py``): bucket by
bucket, the longest waiting call eligible for it wins; only if none waits may it
take outbound work.

Staffing changes at interval boundaries come first among same-time events (SimPy
priority URGENT): new agents take waiting calls at once.

These methods run several times per call. They cache lists in locals and inline
small steps instead of calling helpers: keep them flat. Features a scenario may leave
out hook in with one check each and cost nothing else when unused: proficiency
(``proficiency.py``), selection policies other than the defaults (``selection.py``)
and transfers after the first talk (``transfers.py``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from heapq import heappush as push
from typing import Any

from simpy.events import NORMAL, URGENT, Event

from ccsim.engine import loop
from ccsim.engine.backoffice import BackOffice
from ccsim.engine.call import DONE, INF, WAITING, Call
from ccsim.engine.capacity import Lines, QueueLimit
from ccsim.engine.compile import Compiled
from ccsim.engine.exits import MaxWaitRule
from ccsim.engine.outbound import Outbound
from ccsim.engine.proficiency import Skill
from ccsim.engine.records import ROW, Kind, Outcome, Recorder
from ccsim.engine.selection import AgedServe, IdleChoice
from ccsim.engine.streams import Buffered, Streams
from ccsim.engine.transfers import Transfers

# looked up once: the inner loop uses them per call
ANSWERED, ABANDONED, RETURN = Outcome.ANSWERED, Outcome.ABANDONED, Kind.RETURN
pack = ROW.pack


class Routing:
    """The agent groups and queues of one replication: the base of ``Simulation``.

    Parameters
    ----------
    m : Compiled
        The compiled scenario: queues, plans, staffing.
    """

    # set up by Simulation
    m: Compiled
    env: loop.Environment
    rec: Recorder
    horizon_s: float
    bo: BackOffice | None
    ob: Outbound | None
    lines: Lines | None  # lines (trunks), when the scenario limits them
    queue_limit: QueueLimit | None  # queue capacity per call type, when the scenario sets one
    max_wait: MaxWaitRule | None  # maximum wait per call type, when the scenario sets one
    _fcr: list[float]  # per call type: first-contact resolution probability
    _prof: list[list[Skill | None]] | None  # per group and type: proficiency (None: none)
    streams: Streams
    _return_delay: list[Buffered]  # per call type: when an unresolved caller calls again
    # provided by Simulation: scheduling, and a caller calling again
    after: Callable[[float, Callable[[Any], None], Any], None]
    _on_repeat: Callable[[Call], None]
    _maybe_redial: Callable[[Call, str], None]

    def __init__(self, m: Compiled) -> None:
        sc = m.scenario
        G = len(m.group_ids)
        # the event queue and the recorder, looked up once (callbacks are pushed
        # directly where ``after`` would cost a call per event: ``loop.due``)
        self._queue = self.env._queue
        self._eid = self.env._eid
        self._row = self.rec.rows.append
        self.staffed = [0] * G
        self.busy = [0] * G
        self.waiting = [0] * G  # live waiting calls in queues this group serves
        self.qcalls: list[deque[Call]] = [deque() for _ in m.queues]
        self.qlive = [0] * len(m.queues)
        self.q_immediate = [q.immediate for q in m.queues]
        self.q_groups = [tuple(g for g, _ in q.plan) for q in m.queues]
        self.q_delayed = [tuple((g, d) for g, d in q.plan if d > 0.0) for q in m.queues]
        self.buckets = m.buckets
        self.route = m.route.tolist()
        self.speaks = m.group_speaks
        self.g_centre = m.group_center_index
        self.q_site = [q.first_site for q in m.queues]
        self._dialect_talk = sc.dialect.handle_time_factor
        self._dialect_fcr = sc.dialect.fcr_factor
        self._transfer_s = sc.routing.transfer_delay_s
        self.fcr_window_s = sc.kpi.fcr_window_h * 3600.0
        # the blending guard: each group's service level in the interval so far
        sl = sc.sl
        self._sl_guard = bool(sc.campaigns) and sc.blending.sl_guard
        self._sl_target = sl.target if sl.target is not None else 0.8
        self._sl_threshold = sl.threshold_s
        self._sl_req = [0] * G
        self._sl_ok = [0] * G
        self.last_sl_ok = [True] * G
        # selection policies other than the defaults (``selection.py``); None: defaults
        policies = [q.select for q in m.queues]
        self._choice = (
            IdleChoice(self, self.streams, policies)
            if any(p != "order" for p in policies)
            else None
        )
        self._picks = self._choice.pickers if self._choice is not None else None
        self._idle_log = self._choice if self._choice and self._choice.idle_log else None
        # transfers after the first talk (``transfers.py``); None: no group transfers
        self._xfer = Transfers(self, self.streams) if "transfer_queues" in m.extras else None
        aging = sc.routing.aging
        if sc.routing.policy == "aging" and aging is not None:
            base = [
                float(q.priority + aging.call_type_priority.get(m.type_ids[q.call_type], 0))
                for q in m.queues
            ]
            self._serve_next = AgedServe(self, base, aging.weight_per_s).serve  # type: ignore[method-assign]

    # -- the agent queue -----------------------------------------------------------------

    def _request(self, call: Call) -> None:
        now = self.env._now
        call.t_queue = now
        q = self.route[call.ctype][call.tier][call.net][call.dialect]
        call.queue = q
        picks = self._picks
        if picks is None or picks[q] is None:
            busy = self.busy
            staffed = self.staffed
            for g in self.q_immediate[q]:
                if busy[g] < staffed[g]:
                    self._answer(call, g, now)
                    return
        else:
            g = picks[q](q)
            if g >= 0:
                self._answer(call, g, now)
                return
        if self.queue_limit is not None and self.queue_limit.refuses(call, q):
            return
        call.state = WAITING
        self.qcalls[q].append(call)
        self.qlive[q] += 1
        waiting = self.waiting
        for g in self.q_groups[q]:
            waiting[g] += 1
        if call.patience < INF:  # as ``after(call.patience, self._on_patience, call)``
            push(self._queue, (now + call.patience, NORMAL, next(self._eid), self._on_patience, call))  # fmt: skip
        if self.max_wait is not None:
            self.max_wait.arm(call)
        for g, delay in self.q_delayed[q]:
            self.after(delay, self._on_eligible, (call, g))

    def _answer(self, call: Call, g: int, now: float) -> None:
        self.busy[g] += 1
        call.state = DONE
        call.group = g
        talk = call.talk
        wrap = call.wrap
        k = call.ctype
        fcr = self._fcr[k]
        if self._prof is not None:
            skill = self._prof[g][k]
            if skill is not None:
                talk, wrap, fcr = skill.apply(talk, wrap, fcr)
        if call.dialect and call.net not in self.speaks[g]:
            talk *= self._dialect_talk
            fcr *= self._dialect_fcr
        moved = self.g_centre[g] != self.q_site[call.queue]  # answered at another site
        transfer = self._transfer_s if moved else 0.0
        if self._xfer is not None and self._xfer.divert(
            call, g, now, talk, wrap, fcr, transfer, moved
        ):
            return
        # a chaser (or its redial) is about an existing order: it raises none and is not
        # a new matter
        chaser = call.chase
        order = -1 if self.bo is None or chaser else self.bo.raise_for(call, now + transfer + talk)
        # resolved: 1 yes (or a work order follows it up); 0 no, the caller calls again;
        # 2 no, but the return falls after the horizon within the FCR window (not
        # simulated; still counts against FCR)
        resolved = 1
        if order < 0 and not chaser and call.u_fcr >= fcr:
            t = now + transfer + talk + self._return_delay[k]()
            if t < self.horizon_s:
                resolved = 0
                again = call.follow_up(k, RETURN, 0, t)
                self.after(t - now, self._on_repeat, again)
            else:
                resolved = 2 if t - now <= self.fcr_window_s else 1
        t_queue = call.t_queue
        self._row(
            pack(
                call.caller, k, call.tier, call.net, call.kind, call.attempt, call.t_arrival,
                ANSWERED, g, t_queue, now + transfer - t_queue, talk, wrap, resolved,
                call.dialect, order, transfer, moved,
            )
        )  # fmt: skip
        # as ``after(transfer + talk + wrap, self._on_release, g)``; times are >= 0
        push(self._queue, (self.env._now + (transfer + talk + wrap), NORMAL, next(self._eid), self._on_release, g))  # fmt: skip
        if self.lines is not None:  # the caller hangs up at the end of the talk
            self.after(transfer + talk, self.lines.on_hang_up, call)
        if self._sl_guard:
            self._sl_req[g] += 1
            self._sl_ok[g] += now + transfer - t_queue <= self._sl_threshold

    def _on_release(self, g: int) -> None:
        self.free_agent(g)

    def free_agent(self, g: int) -> None:
        """An agent of ``g`` finishes its work: a waiting inbound call first, then outbound."""
        b = self.busy[g] - 1
        self.busy[g] = b
        if b < self.staffed[g]:
            if self.waiting[g] and self._serve_next(g):
                return
            if self._idle_log is not None:
                self._idle_log.went_idle(g, self.env._now)
            if self.ob is not None:
                self.ob.fill(g)

    def _serve_next(self, g: int) -> bool:
        """A free agent of group ``g`` takes the next eligible call, if any."""
        now = self.env._now
        qlive = self.qlive
        qcalls = self.qcalls
        for bucket in self.buckets[g]:
            best: Call | None = None
            for q, delay in bucket:
                if not qlive[q]:
                    continue
                dq = qcalls[q]
                head = dq[0]
                while head.state != WAITING:
                    dq.popleft()
                    head = dq[0]
                if head.t_queue + delay > now:
                    continue
                if best is None or head.t_queue < best.t_queue:
                    best = head
            if best is not None:
                q = best.queue
                qcalls[q].popleft()
                self._unqueue(best)
                self._answer(best, g, now)
                if self.ob is not None:
                    self._refill(q)
                return True
        return False

    def _unqueue(self, call: Call) -> None:
        q = call.queue
        self.qlive[q] -= 1
        waiting = self.waiting
        for g in self.q_groups[q]:
            waiting[g] -= 1

    def _refill(self, q: int) -> None:
        """A call left queue ``q``: idle agents of groups it leaves empty may take outbound work.

        Callers check ``self.ob`` first, so the inner loop pays nothing without campaigns.
        """
        assert self.ob is not None
        waiting = self.waiting
        for g in self.q_groups[q]:
            if not waiting[g] and self.busy[g] < self.staffed[g]:
                self.ob.fill(g)

    def _on_patience(self, call: Call) -> None:
        if call.state != WAITING:
            return
        call.state = DONE
        self._unqueue(call)
        if self.lines is not None:
            self.lines.release(call)
        now = self.env._now
        self._row(
            pack(
                call.caller, call.ctype, call.tier, call.net, call.kind, call.attempt,
                call.t_arrival, ABANDONED, self.q_groups[call.queue][0], call.t_queue,
                now - call.t_queue, 0.0, 0.0, 0, call.dialect, -1, 0.0, False,
            )
        )  # fmt: skip
        if self._sl_guard:
            self._sl_req[self.q_groups[call.queue][0]] += 1
        if self.ob is not None:
            if self.ob.feed_abandoned:
                self.ob.feed_caller(call)
            self._refill(call.queue)
        self._maybe_redial(call, "queue_abandon")

    def _on_eligible(self, item: tuple[Call, int]) -> None:
        call, g = item
        if call.state != WAITING or self.busy[g] >= self.staffed[g]:
            return
        # an idle agent in g means no older call eligible for g waits: this one is at
        # the head of its queue once cancelled entries are dropped
        dq = self.qcalls[call.queue]
        while dq[0].state != WAITING:
            dq.popleft()
        if dq[0] is call:
            dq.popleft()
        else:  # pragma: no cover - guarded by the invariant above
            raise RuntimeError(
                f"t={self.env.now}: call of caller {call.caller} is not at the head of its queue"
            )
        self._unqueue(call)
        self._answer(call, g, self.env.now)
        if self.ob is not None:
            self._refill(call.queue)

    # -- staffing changes ---------------------------------------------------------------

    def _schedule_staffing(self) -> None:
        m = self.m
        for i in range(m.n_intervals):
            ev = Event(self.env)
            ev._ok = True
            ev._value = i
            ev.callbacks.append(self._on_staffing)
            self.env.schedule(ev, URGENT, i * m.interval_s)

    def _on_staffing(self, ev: Event) -> None:
        i: int = ev._value
        if self._sl_guard:  # the last interval's service level per group, for blending
            for g in range(len(self.staffed)):
                req, ok = self._sl_req[g], self._sl_ok[g]
                self.last_sl_ok[g] = req == 0 or ok >= self._sl_target * req
                self._sl_req[g] = self._sl_ok[g] = 0
        self.rec.compact()  # the interval's rows into the typed columns
        col = self.m.staffing[:, i].tolist()
        for g, n in enumerate(col):
            old = self.staffed[g]
            self.staffed[g] = n
            if n > old:
                while self.busy[g] < n and self.waiting[g] and self._serve_next(g):
                    pass
            if self._idle_log is not None:
                self._idle_log.logged_in(g, self.env.now)
            if self.ob is not None:  # more agents, or the blending guard may have turned
                self.ob.fill(g)
