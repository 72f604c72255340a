"""The caller's exits from the queue: a maximum wait per call type, and closing time.

- **Maximum wait** (``call_types[].max_wait``): a caller still waiting for an agent
  ``after_s`` after joining the queue is cut off (``disconnect``), leaves a message
  (``message``) or is offered a callback (``callback``): with probability ``accept`` it
  accepts and leaves the queue; otherwise it keeps waiting (``otherwise: wait``) or
  hangs up (``leave``, an abandon). With ``offer_at_arrival_s``, the callback is offered
  on joining the queue too, when the expected wait exceeds it (virtual hold). A caller
  cut off, or hanging up after declining,
  redials as an abandoner does (``redial.after`` with ``queue_abandon``).
- **Callbacks** accepted become records of the campaign fed by ``callbacks`` for the
  call type, if any (``campaigns[].feed``), dialled as its other records.
- **Messages** raise the work order their call type names (``message_order``), if any.
- **Closing time** (``at_closing``): at the end of the horizon, callers still in the
  IVR or waiting for an agent are cut off (``disconnect``) or sent to leave a message
  (``message``); ``serve`` (the default) lets them be served as before.

Each exit ends the call with its own outcome (``records.Outcome``), counted in the
results. The rules are objects the simulation holds only when the scenario sets them:
without them the event loop pays one ``is not None`` check per queued call.
"""

from __future__ import annotations

import math
from typing import Any

from ccsim.engine.call import DONE, WAITING, Call
from ccsim.engine.capacity import Lines, QueueLimit
from ccsim.engine.records import Outcome
from ccsim.engine.streams import uniform

# the simulation (``model.Simulation``) is passed in, not imported: it imports this module
Simulation = Any


def message_order(sim: Simulation, call: Call) -> int:
    """The work order a caller's message raises (created now), or -1."""
    name = sim.m.scenario.call_types[call.ctype].message_order
    if name is None or sim.bo is None:
        return -1
    oi: int = sim.m.order_ids.index(name)
    sim.bo.raise_order(call, oi)
    return oi


def leave_queue(sim: Simulation, call: Call, outcome: int) -> None:
    """End a waiting call now with ``outcome``: out of its queue, its line freed, recorded."""
    call.state = DONE
    sim._unqueue(call)
    if sim.lines is not None:
        sim.lines.release(call)
    now = sim.env.now
    groups = sim.q_groups[call.queue]
    g = groups[0] if groups else -1
    order = message_order(sim, call) if outcome == Outcome.MESSAGE else -1
    sim.rec.add(
        call.caller, call.ctype, call.tier, call.net, call.kind, call.attempt, call.t_arrival,
        outcome, g, call.t_queue, now - call.t_queue, 0.0, 0.0, 0, call.dialect, order, 0.0,
        False,
    )  # fmt: skip
    if sim._sl_guard and g >= 0:
        sim._sl_req[g] += 1
    if sim.ob is not None:
        sim._refill(call.queue)
        if outcome == Outcome.CALLBACK or outcome == Outcome.VIRTUAL_HOLD:
            sim.ob.feed_callback(call)  # outbound work for a campaign fed by callbacks


class MaxWaitRule:
    """Each call type's maximum wait and what happens at it."""

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        types = sim.m.scenario.call_types
        self.rules = [ct.max_wait for ct in types]
        self.aht = [
            ct.handle_time.mean + (ct.wrap_time.mean if ct.wrap_time is not None else 0.0)
            for ct in types
        ]
        # a stream only for the call types that offer callbacks
        self.accept_u = [
            sim.streams.buffered(f"max_wait/{ct.id}/accept", uniform)
            if ct.max_wait is not None and ct.max_wait.action == "callback"
            else None
            for ct in types
        ]

    def arm(self, call: Call) -> None:
        """The call starts waiting: its limit, if its type has one, is set.

        With ``offer_at_arrival_s``, a caller whose expected wait exceeds it is offered
        the callback at once (virtual hold); one who declines waits as any other.
        """
        mw = self.rules[call.ctype]
        if mw is None:
            return
        if mw.offer_at_arrival_s is not None:
            if self.expected_wait(call) > mw.offer_at_arrival_s:
                u = self.accept_u[call.ctype]
                assert u is not None
                if u() < mw.accept:
                    leave_queue(self.sim, call, Outcome.VIRTUAL_HOLD)
                    return
        self.sim.after(mw.after_s, self._on_limit, call)

    def expected_wait(self, call: Call) -> float:
        """Seconds a caller joining the queue can expect to wait, as an ACD announces it.

        (callers ahead + 1) x the call type's mean handling time / the agents staffed
        in the groups of its plan: every agent frees once per handling time. Infinite
        without agents.
        """
        sim = self.sim
        q = call.queue
        agents = sum(sim.staffed[g] for g in sim.q_groups[q])
        if agents <= 0:
            return math.inf
        return float(sim.qlive[q] * self.aht[call.ctype] / agents)  # qlive counts the caller

    def _on_limit(self, call: Call) -> None:
        if call.state != WAITING:
            return
        sim = self.sim
        mw = self.rules[call.ctype]
        assert mw is not None
        if mw.action == "disconnect":
            leave_queue(sim, call, Outcome.TIMED_OUT)
            sim._maybe_redial(call, "queue_abandon")
        elif mw.action == "message":
            leave_queue(sim, call, Outcome.MESSAGE)
        else:
            u = self.accept_u[call.ctype]
            assert u is not None
            if u() < mw.accept:
                leave_queue(sim, call, Outcome.CALLBACK)
            elif mw.otherwise == "leave":
                leave_queue(sim, call, Outcome.ABANDONED)
                sim._maybe_redial(call, "queue_abandon")


class Closing:
    """Closing time: callers in the IVR or the queue at the end of the horizon."""

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        action = sim.m.scenario.at_closing
        self.outcome = Outcome.MESSAGE if action == "message" else Outcome.CLOSED

    def schedule(self) -> None:
        """Act at the end of the horizon."""
        self.sim.after(self.sim.horizon_s, self._on_close, None)

    def _on_close(self, _: None) -> None:
        sim = self.sim
        for dq in sim.qcalls:
            for call in list(dq):
                if call.state == WAITING:
                    leave_queue(sim, call, self.outcome)
        ivr = sim._ivr_open
        assert ivr is not None
        for key, call in list(ivr.items()):
            del ivr[key]
            # its IVR end, still scheduled, finds it done
            call.state = DONE
            if sim.lines is not None:
                sim.lines.release(call)
            order = message_order(sim, call) if self.outcome == Outcome.MESSAGE else -1
            sim.rec.add(
                call.caller, call.ctype, call.tier, call.net, call.kind, call.attempt,
                call.t_arrival, self.outcome, -1, math.nan, math.nan, 0.0, 0.0, 0, call.dialect,
                order, 0.0, False,
            )  # fmt: skip


def queue_rules(
    sim: Simulation, closing: bool
) -> tuple[Lines | None, QueueLimit | None, MaxWaitRule | None, Closing | None]:
    """The limits and exits a scenario sets (None for each it does not use).

    Lines (trunks), queue capacity or a maximum expected wait, a maximum wait, and the
    closing-time rule: the engine's inner loop checks only whether each is there.
    """
    sc = sim.m.scenario
    has_lines = sc.lines is not None or any(c.lines is not None for c in sc.centers)
    has_cap = any(
        ct.queue_capacity is not None or ct.max_expected_wait_s is not None for ct in sc.call_types
    )
    has_max_wait = any(ct.max_wait is not None for ct in sc.call_types)
    return (
        Lines(sim) if has_lines else None,
        QueueLimit(sim) if has_cap else None,
        MaxWaitRule(sim) if has_max_wait else None,
        Closing(sim) if closing else None,
    )
