"""The event loop of a replication: SimPy's, with a short path for the engine's own callbacks.

Most events of a run are callbacks due at a time (an arrival, the end of an IVR stay, an
agent's release): the engine schedules them with ``Simulation.after``. A SimPy
``Timeout`` for each costs an ``__init__`` chain, ``Environment.schedule`` and
``Environment.step`` per event. Here such a callback is an entry of the event queue
and nothing more: ``(time, priority, id, fn, value)``, run as ``fn(value)``, with no
event object made for it. SimPy's own events (processes, staffing changes, ``until``)
are queued by ``Environment.schedule`` as ``(time, priority, id, None, event)`` and
handled exactly as ``Environment.step`` does.

The cyclic garbage collector is paused while the loop runs (and restored after): a run
makes no reference cycles of its own, its calls are freed by reference counting, and a
collection walks every object of the process (the loaded libraries included) dozens of
times per run for nothing.

A callback may return the entry of its own next occurrence instead of queueing it
(fresh arrivals: one is due at a time, and each schedules the next). ``run`` holds that
entry beside the queue and takes whichever of the two comes first, which spares the
queue a push and a pop per arrival; the entry goes into the queue when the loop stops.

Every entry gets its id from the environment's counter when it is scheduled, as a
``Timeout`` would, so same-time events run in SimPy's order (time, priority, id) and
every number of a run is the same as with ``Environment.run``.
"""

from __future__ import annotations

import gc
from heapq import heappop, heappush
from typing import Any

import simpy
from simpy.core import EmptySchedule, StopSimulation
from simpy.events import NORMAL, URGENT, Event

__all__ = ["NORMAL", "Entry", "Environment", "due", "run"]

#: an entry of the event queue: (time, priority, id, callback or None, value or event)
Entry = tuple[float, int, int, Any, Any]


class Environment(simpy.Environment):
    """SimPy's environment whose queue also holds the engine's bare callbacks (``due``).

    Entries are ``(time, priority, id, fn, value)``: ``fn`` is ``None`` for a SimPy
    event (``value``). ``step`` (and so ``Environment.run``) runs both kinds; the
    engine runs its replications with ``run`` below.
    """

    _queue: list[Any]  # entries of both kinds

    def schedule(self, event: Event, priority: int = NORMAL, delay: float = 0) -> None:
        """Schedule ``event`` with ``priority`` after ``delay`` (as SimPy's)."""
        heappush(self._queue, (self._now + delay, priority, next(self._eid), None, event))

    def step(self) -> None:
        """Process the next entry (as SimPy's, for the engine's callbacks too)."""
        try:
            self._now, _, _, fn, event = heappop(self._queue)
        except IndexError:
            raise EmptySchedule() from None
        if fn is not None:
            nxt = fn(event)
            if nxt is not None:  # its next occurrence (see ``run``)
                heappush(self._queue, nxt)
            return
        callbacks, event.callbacks = event.callbacks, None
        try:
            for callback in callbacks:
                callback(event)
        except StopSimulation:  # as SimPy: the rest of the callbacks run on resuming
            event.callbacks = callbacks[callbacks.index(callback) + 1 :]
            self.schedule(event, -1)
            raise
        if not event._ok and not hasattr(event, "_defused"):
            exc = type(event._value)(*event._value.args)
            exc.__cause__ = event._value
            raise exc


def due(env: Environment, delay: float, fn: Any, value: Any) -> None:
    """Call ``fn(value)`` in ``delay`` seconds (a cheap ``Timeout`` with a callback).

    The time is ``env.now + delay`` and the entry takes the next id, as a ``Timeout``'s.
    """
    if delay < 0:
        raise ValueError(f"Negative delay {delay}")
    heappush(env._queue, (env._now + delay, NORMAL, next(env._eid), fn, value))


def run(env: Environment, until: float | None = None) -> None:
    """``env.run(until)``: the same events in the same order, ``due`` callbacks called directly."""
    if until is not None:  # as Environment.run: a stop event before the timeouts of that time
        at = float(until)
        if at <= env._now:
            raise ValueError(f"until ({at}) must be greater than the current simulation time")
        stop = Event(env)
        stop._ok = True
        stop._value = None
        env.schedule(stop, URGENT, at - env._now)
        stop.callbacks.append(StopSimulation.callback)
    queue = env._queue
    pop, push = heappop, heappush
    held: Entry | None = None  # an entry returned by its predecessor's callback
    collecting = gc.isenabled()
    gc.disable()
    try:
        while True:
            if held is not None and (not queue or held < queue[0]):
                now, _, _, fn, ev = held
                held = None
            elif queue:
                now, _, _, fn, ev = pop(queue)
            else:
                break
            env._now = now
            if fn is not None:  # the engine's own callback
                nxt = fn(ev)
                if nxt is not None:
                    if held is not None:
                        push(queue, held)
                    held = nxt
                continue
            callbacks = ev.callbacks
            ev.callbacks = None  # processed, as in Environment.step
            for cb in callbacks:
                cb(ev)
            if not ev._ok and not hasattr(ev, "_defused"):
                exc = type(ev._value)(*ev._value.args)
                exc.__cause__ = ev._value
                raise exc
    except StopSimulation:
        return
    finally:
        if held is not None:  # back into the queue: the run may be resumed, or read
            push(queue, held)
        if collecting:
            gc.enable()
    if until is not None:
        raise RuntimeError(f'No scheduled events left but "until" event was not triggered: {until}')
