"""Starting a replication from a live state (intraday): callers waiting, in talk, in the IVR.

At ``at_s`` (before any arrival: the compiled arrivals start there) the state is put in
the model: each call in progress keeps an agent of its group busy for the residual of
its talk given the talk already spent, plus its wrap-up; each caller waiting joins its
queue with the wait already spent (its queue entry in the past, so it is served in order
and its wait counts whole) and the residual of its patience given that wait. Waiting
callers are counted as arriving at ``at_s``: the day's morning is counted from the state.

Each caller in the IVR goes on with it for the rest of its visit given the time spent
(``ivr_rest.py``), then leaves it as any caller does (lost, self-served, cut off, or
asking for an agent); it is counted as arriving at ``at_s`` too. Each redial or return
of a morning caller that falls later arrives at its due time as any repeat call. Work
orders open go back to the back office (``live_orders.py``).

``capture`` is the other direction: what a running replication holds at a moment that
the per-call records cannot tell (callers in the IVR, repeat calls due), for a snapshot.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from simpy.events import URGENT, Event

from ccsim.engine.call import IN_IVR, INF, WAITING, Call
from ccsim.engine.campaigns import ACTIVE, PENDING
from ccsim.engine.ivr_rest import ivr_rest
from ccsim.engine.live_orders import OpenRow, put_open_orders, read_open_orders
from ccsim.engine.records import Kind
from ccsim.engine.residual import residual_patience, residuals
from ccsim.scenario.proficiency import proficiency_of

# the simulation (``model.Simulation``) is passed in, not imported: it imports this module
Simulation = Any


@dataclass(frozen=True)
class LiveStart:
    """The state a replication starts from (indexes as compiled)."""

    at_s: float
    waiting: tuple[tuple[int, int, int, float], ...]  # (call type, tier, network, waited s)
    # (group, call type, talk elapsed s, tier, network, in wrap-up: elapsed is the wrap's)
    in_progress: tuple[tuple[int, int, float, int, int, bool], ...]
    # (call type, tier, network, kind, attempt, dialect, seconds spent in the IVR)
    in_ivr: tuple[tuple[int, int, int, int, int, bool, float], ...] = ()
    # (call type, tier, network, kind, attempt, dialect, due seconds after at_s)
    due: tuple[tuple[int, int, int, int, int, bool, float], ...] = ()
    orders: tuple[OpenRow, ...] = ()  # work orders open (live_orders.py)


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
    # orders the calls in talk raise at the end of their talk: a stream of their own, so
    # that a scenario without work orders draws as before
    orders = sim.bo is not None and any(
        sim.bo.raise_table[k][t] for _, k, _, t, _, _ in live.in_progress
    )
    u_order = sim.streams.rng("live/orders") if orders else None
    laws: list[tuple[Any, float]] = []  # (law, time so far) of each residual, in draw order
    scale: list[tuple[float, float]] = []  # per call: (talk factor, wrap factor)
    for g, k, elapsed, _tier, _net, wrapping in live.in_progress:
        ct = types[k]
        grp = groups[g][1]
        p = proficiency_of(grp.proficiency, grp.skills, ct.id) if grp.proficiency else None
        talk, wrap, ft, fw = ct.handle_time, ct.wrap_time, 1.0, 1.0
        if p is not None:  # the group's own times: a scaled draw of the type's, or its own law
            f = p.time_factor or 1.0
            talk = p.handle_time or ct.handle_time
            wrap = p.wrap_time or ct.wrap_time
            ft = 1.0 if p.handle_time is not None else f
            fw = 1.0 if p.wrap_time is not None else f
        if wrapping:  # the talk is over (and its order raised, if any)
            laws.append((wrap, elapsed / fw))
        else:
            laws += [(talk, elapsed / ft), (wrap, 0.0)]
        scale.append((ft, fw))
    rests = iter(residuals(laws, rng))
    for (g, k, _elapsed, tier, net, wrapping), (ft, fw) in zip(
        live.in_progress, scale, strict=True
    ):
        talk_rest = 0.0 if wrapping else ft * next(rests)
        rest = talk_rest + fw * next(rests)
        sim.busy[g] += 1
        sim.after(rest, sim._on_release, g)
        if u_order is not None and not wrapping:
            _raise_order(sim, k, tier, net, now + talk_rest, u_order)
    # the longest waiting first: queues are kept in order of queue entry
    for k, tier, net, waited in sorted(live.waiting, key=lambda w: -w[3]):
        _enqueue(sim, k, tier, net, waited, now, rng)
    for k, tier, net, kind, attempt, dialect, spent in live.in_ivr:
        _in_ivr(sim, k, tier, net, kind, attempt, dialect, spent, now, rng)
    for k, tier, net, kind, attempt, dialect, due in sorted(live.due, key=lambda d: d[6]):
        sim._callers += 1
        call = Call(sim._callers, k, tier, net, kind, attempt, now + due)
        call.dialect = dialect
        sim.after(due, sim._on_repeat, call)
    if live.orders:
        put_open_orders(sim, live.orders, now, rng)


def _raise_order(sim: Simulation, k: int, tier: int, net: int, end: float, rng: Any) -> None:
    """A call in talk raises its work order at the end of its talk, as an answered call does."""
    sim._callers += 1
    call = Call(sim._callers, k, tier, net, Kind.FRESH, 0, sim.env.now)
    call.u_order = float(rng.random())
    sim.bo.raise_for(call, end)


def _in_ivr(
    sim: Simulation, k: int, tier: int, net: int, kind: int, attempt: int, dialect: bool,
    spent: float, now: float, rng: Any,
) -> None:  # fmt: skip
    ivr = sim.m.scenario.call_types[k].ivr
    assert ivr is not None  # the state is checked: a call type without IVR has nobody there
    sim._callers += 1
    call = Call(sim._callers, k, tier, net, kind, attempt, now)
    call.dialect = dialect
    d = sim._repeat[k].next()
    call.patience = d[9] * sim.tier_patience[tier]
    call.talk = d[10]
    call.wrap = d[11]
    call.u_fcr = d[6]
    call.u_order = d[8]
    call.exit, rest = ivr_rest(ivr, kind == Kind.FRESH, spent, rng)
    call.state = IN_IVR
    if sim.ivr_ports is not None:  # already in: holds its port (may go over, never blocked)
        sim.ivr_active += 1
    if sim._ivr_open is not None:
        sim._ivr_open[id(call)] = call
    sim.after(rest, sim._on_ivr_end, call)


def capture(sim: Simulation, t: float) -> dict[str, Any]:
    """What ``sim`` holds at ``t`` beyond its records: callers in the IVR, repeat calls due, orders.

    Returns a dict filled when the run passes ``t`` (before the other events of that
    moment, when scheduled before the run starts): ``in_ivr`` rows (call type, tier,
    network, kind, attempt, dialect, spent_s), ``due`` rows (the same with due_s, seconds
    after ``t``), the ``orders`` open (``live_orders.read_open_orders``) and, per list
    campaign, the ``campaigns``' records of the day left (``list_records_left``). Reading the
    event queue changes nothing in the run: its draws and events are the same.
    """
    out: dict[str, Any] = {"in_ivr": [], "due": [], "orders": [], "campaigns": {}}

    def look(_: Event) -> None:
        now = sim.env.now
        for when, _prio, _eid, fn, call in sorted(sim.env._queue, key=lambda e: (e[0], e[2])):
            if not isinstance(call, Call):  # a callback on a call (``loop.due``) only
                continue
            row = {
                "call_type": call.ctype, "tier": call.tier, "network": call.net,
                "kind": int(call.kind), "attempt": call.attempt, "dialect": bool(call.dialect),
            }  # fmt: skip
            if fn == sim._on_ivr_end and call.state == IN_IVR:
                out["in_ivr"].append({**row, "spent_s": now - call.t_arrival})
            elif fn == sim._on_repeat:
                out["due"].append({**row, "due_s": when - now})
        out["orders"] = read_open_orders(sim, now)
        out["campaigns"] = list_records_left(sim, now)

    ev = Event(sim.env)
    ev._ok = True
    ev._value = None
    ev.callbacks.append(look)
    sim.env.schedule(ev, URGENT, t)
    return out


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


def list_records_left(sim: Simulation, now: float) -> dict[str, int]:
    """Per list campaign: records released today still to be dialled or under way at ``now``."""
    ob = sim.ob
    if ob is None:
        return {}
    day0 = now - (sim.m.scenario.horizon.start_s + now) % 86400.0
    left = Counter(
        rec.camp for rec in ob.records if rec.status in (PENDING, ACTIVE) and rec.released >= day0
    )
    return {run.spec.id: left[run.index] for run in ob.camps if run.spec.list is not None}
