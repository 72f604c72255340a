"""Starting a replication from a live state (intraday): callers waiting, calls in talk.

At ``at_s`` (before any arrival: the compiled arrivals start there) the state is put in
the model: each call in progress keeps an agent of its group busy for the residual of
its talk given the talk already spent, plus its wrap-up; each caller waiting joins its
queue with the wait already spent (its queue entry in the past, so it is served in order
and its wait counts whole) and the residual of its patience given that wait. Waiting
callers are counted as arriving at ``at_s``: the day's morning is counted from the state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simpy.events import URGENT, Event

from ccsim.engine.call import INF, WAITING, Call
from ccsim.engine.records import Kind
from ccsim.engine.residual import residual, residual_patience
from ccsim.scenario.proficiency import proficiency_of

# the simulation (``model.Simulation``) is passed in, not imported: it imports this module
Simulation = Any


@dataclass(frozen=True)
class LiveStart:
    """The state a replication starts from (indexes as compiled)."""

    at_s: float
    waiting: tuple[tuple[int, int, int, float], ...]  # (call type, tier, network, waited s)
    in_progress: tuple[tuple[int, int, float], ...]  # (group, call type, talk elapsed s)


def schedule_live(sim: Simulation, live: LiveStart) -> None:
    """Put the state in at ``live.at_s``, after the staffing change of that moment."""
    ev = Event(sim.env)
    ev._ok = True
    ev._value = live
    ev.callbacks.append(lambda e: _start(sim, e._value))
    sim.env.schedule(ev, URGENT, live.at_s)


def _start(sim: Simulation, live: LiveStart) -> None:
    rng = sim.streams.rng("live")
    now = sim.env.now
    types = sim.m.scenario.call_types
    groups = sim.m.scenario.groups
    for g, k, elapsed in live.in_progress:
        ct = types[k]
        grp = groups[g][1]
        p = proficiency_of(grp.proficiency, grp.skills, ct.id) if grp.proficiency else None
        if p is None:
            rest = residual(ct.handle_time, elapsed, rng) + residual(ct.wrap_time, 0.0, rng)
        else:  # the group's own times: a scaled draw of the type's, or its own law
            f = p.time_factor or 1.0
            talk = p.handle_time or ct.handle_time
            wrap = p.wrap_time or ct.wrap_time
            ft = 1.0 if p.handle_time is not None else f
            fw = 1.0 if p.wrap_time is not None else f
            rest = ft * residual(talk, elapsed / ft, rng) + fw * residual(wrap, 0.0, rng)
        sim.busy[g] += 1
        sim.after(rest, sim._on_release, g)
    # the longest waiting first: queues are kept in order of queue entry
    for k, tier, net, waited in sorted(live.waiting, key=lambda w: -w[3]):
        _enqueue(sim, k, tier, net, waited, now, rng)


def _enqueue(
    sim: Simulation, k: int, tier: int, net: int, waited: float, now: float, rng: Any
) -> None:
    sim._callers += 1
    call = Call(sim._callers, k, tier, net, Kind.FRESH, 0, now)
    d = sim._repeat[k].next()
    call.talk = d[10]
    call.wrap = d[11]
    call.u_fcr = d[6]
    call.u_order = d[8]
    p = sim.m.scenario.call_types[k].patience
    factor = sim.tier_patience[tier]
    call.patience = INF if p is None else residual_patience(p, waited / factor, rng) * factor
    q = sim.route[k][tier][net][0]
    call.queue = q
    call.t_queue = now - waited
    pick = None if sim._picks is None else sim._picks[q]
    if pick is not None:  # the plan's idle-agent selection policy
        g = pick(q)
        if g >= 0:
            sim._answer(call, g, now)
            return
    for g in sim.q_immediate[q] if pick is None else ():
        if sim.busy[g] < sim.staffed[g]:
            sim._answer(call, g, now)
            return
    call.state = WAITING
    sim.qcalls[q].append(call)
    sim.qlive[q] += 1
    for g in sim.q_groups[q]:
        sim.waiting[g] += 1
    if call.patience < INF:
        sim.after(call.patience, sim._on_patience, call)
    for g, delay in sim.q_delayed[q]:
        sim.after(max(0.0, delay - waited), sim._on_eligible, (call, g))
