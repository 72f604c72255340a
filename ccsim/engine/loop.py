"""The event loop of a replication: SimPy's, with a short path for the engine's own callbacks.

Most events of a run are callbacks due at a time (an arrival, the end of an IVR stay, an
agent's release): the engine schedules them with ``Simulation.after``. A SimPy
``Timeout`` for each costs an ``__init__`` chain, ``Environment.schedule`` and
``Environment.step`` per event. ``Due`` is such a timeout reduced to what the callbacks
read (``_value``) and what the intraday readers of the event queue look at
(``callbacks``, an ``Event`` instance); ``run`` pops it and calls its callback directly.

The cyclic garbage collector is paused while the loop runs (and restored after): a run
makes no reference cycles of its own, its calls are freed by reference counting, and a
collection walks every object of the process (the loaded libraries included) dozens of
times per run for nothing.

Everything else (processes of the back office and outbound side, staffing changes,
``until``) is handled exactly as ``Environment.run`` does. Events get their ids from the
environment's counter at the same moments as before, so same-time events run in the same
order (time, priority, id) and every number of a run is unchanged.
"""

from __future__ import annotations

import gc
from heapq import heappop, heappush
from typing import Any

import simpy
from simpy.core import StopSimulation
from simpy.events import NORMAL, URGENT, Event

__all__ = ["NORMAL", "Due", "due", "run"]


class Due(Event):
    """A callback due at a time: a ``Timeout`` that never fails and carries ``_value``.

    Made by ``due`` (not ``Timeout``) and run by ``run``; ``callbacks`` is ``None`` once
    it has run, as for any SimPy event.
    """

    _ok = True  # it never fails: a class constant, not set per event

    def __init__(self, callbacks: list[Any], value: Any) -> None:
        self.callbacks = callbacks
        self._value = value


def due(env: simpy.Environment, delay: float, fn: Any, value: Any) -> None:
    """Call ``fn`` with an event carrying ``value`` in ``delay`` seconds (a cheap ``Timeout``).

    The time is ``env.now + delay`` and the event takes the next id, as a ``Timeout``'s.
    """
    if delay < 0:
        raise ValueError(f"Negative delay {delay}")
    heappush(env._queue, (env._now + delay, NORMAL, next(env._eid), Due([fn], value)))


def run(env: simpy.Environment, until: float | None = None) -> None:
    """``env.run(until)``: the same events in the same order, ``Due`` events called directly."""
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
    pop = heappop
    collecting = gc.isenabled()
    gc.disable()
    try:
        while queue:
            now, _, _, ev = pop(queue)
            env._now = now
            callbacks = ev.callbacks
            ev.callbacks = None  # type: ignore[assignment]  # processed, as in Environment.step
            for fn in callbacks:  # as Environment.step (a Due is always ok)
                fn(ev)
            if not ev._ok and not hasattr(ev, "_defused"):
                exc = type(ev._value)(*ev._value.args)
                exc.__cause__ = ev._value
                raise exc
    except StopSimulation:
        return
    finally:
        if collecting:
            gc.enable()
    if until is not None:
        raise RuntimeError(f'No scheduled events left but "until" event was not triggered: {until}')
