"""Capacity limits at the door: lines (trunks) and queue capacity per call type.

A call holds a line from its arrival through the IVR, the queue and its talk (not the
agent's wrap-up); one that finds every line busy, of the hotline (``lines``) or of its
centre (``centers[].lines``), hears busy at once. Its centre is the site of the first
group of its routing plan: the site its call reaches, even when another site answers
it (the transfer keeps the line). A caller who asks for an agent when as many callers
of its type wait as the type's ``queue_capacity`` allows hears busy too. Both count as
blocked and may redial (``redial.after`` with ``blocked``).

The limits are objects the simulation holds only when the scenario sets them, so the
event loop pays one ``is not None`` check per call without them. Each line seizure,
release and refusal is logged (time, centre, +1, -1 or 0) for the time-weighted lines
in use and the offered line load (``ccsim.results.lines``).
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ccsim.engine.call import DONE, Call
from ccsim.engine.distributions import sampler
from ccsim.engine.records import Outcome
from ccsim.engine.streams import Buffered, Streams, uniform

# the simulation (``model.Simulation``) is passed in, not imported: it imports this module
Simulation = Any

UNLIMITED = 1 << 62


class Lines:
    """Lines in use, hotline-wide and per centre (the last index: calls with no site)."""

    def __init__(self, sim: Simulation) -> None:
        m = sim.m
        sc = m.scenario
        self.sim = sim
        n = len(m.center_ids)
        self.cap = [UNLIMITED if c.lines is None else c.lines for c in sc.centers] + [UNLIMITED]
        self.total_cap = UNLIMITED if sc.lines is None else sc.lines
        self.used = [0] * (n + 1)
        self.total = 0
        self.site = [n if q.first_site < 0 else q.first_site for q in m.queues]
        self.held: dict[Call, int] = {}
        self._t = array("d")
        self._c = array("h")
        self._d = array("b")

    def seize(self, call: Call) -> bool:
        """Take a line for ``call``; without one free, the call ends blocked (False)."""
        sim = self.sim
        q = sim.route[call.ctype][call.tier][call.net][call.dialect]
        c = self.site[q]
        if self.total >= self.total_cap or self.used[c] >= self.cap[c]:
            call.state = DONE
            groups = sim.q_groups[q]  # recorded with its plan's first group, as abandons are
            sim.rec.add(
                call.caller, call.ctype, call.tier, call.net, call.kind, call.attempt,
                call.t_arrival, Outcome.LINES_BUSY, groups[0] if groups else -1, math.nan,
                math.nan, 0.0, 0.0, 0, call.dialect, -1, 0.0, False,
            )  # fmt: skip
            self._log(c, 0)  # a refused attempt, for the offered load per site
            sim._maybe_redial(call, "blocked")
            return False
        self.total += 1
        self.used[c] += 1
        self.held[call] = c
        self._log(c, 1)
        return True

    def release(self, call: Call) -> None:
        """The call hangs up: its line, if it holds one, is free again."""
        c = self.held.pop(call, -1)
        if c < 0:
            return
        self.total -= 1
        self.used[c] -= 1
        self._log(c, -1)

    def on_hang_up(self, call: Call) -> None:
        """An answered call ends its talk (scheduled by routing)."""
        self.release(call)

    def _log(self, c: int, delta: int) -> None:
        self._t.append(self.sim.env.now)
        self._c.append(c)
        self._d.append(delta)

    def arrays(self) -> dict[str, NDArray[Any]]:
        """Every seizure (+1), release (-1) and refusal (0) in time order, with the call's centre."""
        return {
            "t": np.asarray(self._t, dtype=np.float64),
            "center": np.asarray(self._c, dtype=np.int64),
            "delta": np.asarray(self._d, dtype=np.int64),
        }


class QueueLimit:
    """Per call type, a queue capacity and a longest expected wait: callers beyond hear busy."""

    def __init__(self, sim: Simulation) -> None:
        m = sim.m
        self.sim = sim
        types = m.scenario.call_types
        self.cap = [UNLIMITED if ct.queue_capacity is None else ct.queue_capacity for ct in types]
        self.max_wait = [ct.max_expected_wait_s for ct in types]
        self.aht = [
            ct.handle_time.mean + (ct.wrap_time.mean if ct.wrap_time is not None else 0.0)
            for ct in types
        ]
        self.type_queues = [
            [qi for qi, q in enumerate(m.queues) if q.call_type == k]
            for k in range(len(m.type_ids))
        ]

    def refuses(self, call: Call, q: int) -> bool:
        """Whether ``call``, about to wait in queue ``q``, finds its type's queue full.

        A refused call ends blocked (counted as a request to agents that was not
        answered), frees its line and may redial.
        """
        sim = self.sim
        k = call.ctype
        qlive = sim.qlive
        full = self.cap[k] < UNLIMITED and sum(qlive[x] for x in self.type_queues[k]) >= self.cap[k]
        if not full and not self._too_long(call, q):
            return False
        call.state = DONE
        groups = sim.q_groups[q]
        g = groups[0] if groups else -1
        sim.rec.add(
            call.caller, call.ctype, call.tier, call.net, call.kind, call.attempt, call.t_arrival,
            Outcome.QUEUE_FULL, g, call.t_queue, 0.0, 0.0, 0.0, 0, call.dialect, -1, 0.0, False,
        )  # fmt: skip
        if sim._sl_guard and g >= 0:
            sim._sl_req[g] += 1
        if sim.lines is not None:
            sim.lines.release(call)
        sim._maybe_redial(call, "blocked")
        return True

    def _too_long(self, call: Call, q: int) -> bool:
        """Whether the expected wait of ``call`` joining queue ``q`` exceeds its type's limit.

        (callers ahead + 1) x mean talk + wrap / agents staffed in the plan's groups, as
        ``exits.MaxWaitRule.expected_wait`` announces it.
        """
        limit = self.max_wait[call.ctype]
        if limit is None:
            return False
        sim = self.sim
        agents = sum(sim.staffed[g] for g in sim.q_groups[q])
        if agents <= 0:
            return True
        return bool((sim.qlive[q] + 1) * self.aht[call.ctype] / agents > limit)


def blocked_redials(
    streams: Streams, call_types: Sequence[Any]
) -> list[tuple[list[float], Buffered, Buffered] | None]:
    """Per call type: blocked callers' own redial chances and draws (``redial.blocked``).

    Streams only for the types that set them, so the others' draws do not move.
    """
    return [
        (
            list(ct.redial.blocked.probabilities),
            streams.buffered(f"redial/{ct.id}/blocked/u", uniform),
            streams.buffered(f"redial/{ct.id}/blocked/delay", sampler(ct.redial.blocked.delay)),
        )
        if ct.redial is not None and ct.redial.blocked is not None
        else None
        for ct in call_types
    ]
