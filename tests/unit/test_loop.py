"""The engine's event loop runs SimPy events and its own in SimPy's order."""

import gc

import pytest
import simpy
from simpy.events import NORMAL, URGENT, Event

from ccsim.engine import loop


def _schedule(env, log, lean):
    """A mix of same-time callbacks, a process, an urgent event and a callback chain."""

    def at(delay, name):
        if lean:  # the engine's callbacks receive the value itself
            loop.due(env, delay, lambda value: log.append((env.now, name, value)), name)
        else:
            fn = lambda ev: log.append((env.now, name, ev._value))  # noqa: E731
            simpy.Timeout(env, delay, name).callbacks.append(fn)

    def proc():
        yield env.timeout(2.0)
        log.append((env.now, "process", None))
        at(0.0, "from process")
        yield env.timeout(3.0)
        log.append((env.now, "process end", None))

    def tick(n):  # a chain, each link scheduling the next (as fresh arrivals do)
        log.append((env.now, "tick", n))
        if n >= 8:
            return None
        if lean:  # handed back to the loop, which holds it beside the queue
            return (env.now + 0.75, NORMAL, next(env._eid), tick, n + 1)
        simpy.Timeout(env, 0.75, n + 1).callbacks.append(lambda ev: tick(ev._value))
        return None

    at(2.0, "a")
    if lean:
        loop.due(env, 0.5, tick, 0)
    else:
        simpy.Timeout(env, 0.5, 0).callbacks.append(lambda ev: tick(ev._value))
    env.process(proc())
    at(2.0, "b")
    urgent = Event(env)
    urgent._ok, urgent._value = True, "urgent"
    urgent.callbacks.append(lambda ev: log.append((env.now, "urgent", ev._value)))
    env.schedule(urgent, URGENT, 2.0)
    at(0.0, "now")
    at(7.5, "late")


@pytest.mark.parametrize("until", [None, 6.0])
def test_loop_runs_events_in_simpys_order(until):
    want, got = [], []
    env = simpy.Environment()
    _schedule(env, want, lean=False)
    env.run(until=until)
    mine = loop.Environment()
    _schedule(mine, got, lean=True)
    loop.run(mine, until)
    assert got == want
    assert mine.now == env.now
    if until is not None:  # a held entry goes back into the queue: the run goes on alike
        assert sorted(str(e[4]) for e in mine._queue) == ["8", "late"]
        env.run()
        loop.run(mine)
        assert got == want


@pytest.mark.parametrize("until", [None, 6.0])
def test_the_environment_steps_its_callbacks_as_simpy_does(until):
    """``Environment.run`` (SimPy's loop over ``step``) runs the engine's entries too."""
    want, got = [], []
    env = simpy.Environment()
    _schedule(env, want, lean=False)
    env.run(until=until)
    mine = loop.Environment()
    _schedule(mine, got, lean=True)
    mine.run(until=until)
    assert got == want
    assert mine.now == env.now


def test_loop_restores_the_garbage_collector_and_fails_loudly():
    env = loop.Environment()
    loop.due(env, 1.0, lambda value: 1 / 0, None)
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError):
        loop.run(env)
    assert gc.isenabled()
    with pytest.raises(ValueError, match="Negative delay"):
        loop.due(env, -1.0, print, None)
