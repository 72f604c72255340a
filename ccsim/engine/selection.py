"""Selection policies beyond the defaults: idle agent for a call, call for a freed agent.

Which idle agent takes an arriving call, and which waiting call a freed agent takes
when priority grows with waiting.

Idle-agent selection (``routing.agent_selection``, or a rule's own) applies when an
arriving call finds idle agents in more than one group eligible at once:

- ``order``: the first such group in the plan's order (the default; handled inline in
  ``Routing._request``, never here);
- ``longest_idle``: the group whose longest-idle agent has been idle longest;
- ``random``: an idle agent at random, so each group in proportion to its idle agents
  (one uniform of the stream ``routing/agent_selection`` per choice);
- ``most_idle``: the group with the most idle agents.

Ties go to the group earlier in the plan. Within a group agents are interchangeable:
the group's longest-idle agent is the one that takes a call (also outbound work), so a
group's idle times are a FIFO of the moments its agents became idle, trimmed from the
front to the group's idle count when read.

Waiting-call selection ``aging``: a freed agent takes, among the calls eligible for it,
the one with the highest ``priority + weight_per_s x wait``, where priority is the
tier's plus the call type's (``routing.aging.call_type_priority``). Ties go to the call
that entered the queue first, then to the queue compiled first. A call of lower
priority that has waited ``(difference of priorities) / weight_per_s`` longer than a
higher one passes it, so no call waits for ever behind a stream of higher ones.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from ccsim.engine.call import WAITING, Call
from ccsim.engine.streams import Buffered, Streams, uniform

# the routing (``routing.Routing``) passes itself in, not imported: it imports this module
Routing = Any

Picker = Callable[[int], int]  # queue -> group with an idle agent (-1: none)


class IdleChoice:
    """The non-default idle-agent selection policies of one replication."""

    def __init__(self, r: Routing, streams: Streams, policies: list[str]) -> None:
        self.busy: list[int] = r.busy  # the routing's own lists, updated in place
        self.staffed: list[int] = r.staffed
        self.immediate: list[tuple[int, ...]] = r.q_immediate
        self.idle_log: list[deque[float]] | None = (
            [deque() for _ in r.staffed] if "longest_idle" in policies else None
        )
        self.u: Buffered | None = (
            streams.buffered("routing/agent_selection", uniform) if "random" in policies else None
        )
        by_name: dict[str, Picker] = {
            "longest_idle": self.longest_idle,
            "random": self.random,
            "most_idle": self.most_idle,
        }
        self.pickers: list[Picker | None] = [by_name.get(p) for p in policies]

    def longest_idle(self, q: int) -> int:
        """The eligible group whose longest-idle agent became idle first."""
        log = self.idle_log
        assert log is not None
        busy, staffed = self.busy, self.staffed
        best, since = -1, 0.0
        for g in self.immediate[q]:
            n = staffed[g] - busy[g]
            if n <= 0:
                continue
            dq = log[g]
            while len(dq) > n:  # agents taken since: the longest idle went first
                dq.popleft()
            t = dq[0] if len(dq) == n else float("-inf")
            if best < 0 or t < since:
                best, since = g, t
        return best

    def random(self, q: int) -> int:
        """An idle agent of the eligible groups at random: a group in proportion to its idle."""
        busy, staffed = self.busy, self.staffed
        groups = self.immediate[q]
        idle = [max(staffed[g] - busy[g], 0) for g in groups]
        total = sum(idle)
        if total == 0:
            return -1
        assert self.u is not None
        x = self.u() * total
        for g, n in zip(groups, idle, strict=True):
            if x < n:
                return g
            x -= n
        return next(g for g, n in zip(groups, idle, strict=True) if n > 0)  # rounding

    def most_idle(self, q: int) -> int:
        """The eligible group with the most idle agents."""
        busy, staffed = self.busy, self.staffed
        best, most = -1, 0
        for g in self.immediate[q]:
            n = staffed[g] - busy[g]
            if n > most:
                best, most = g, n
        return best

    def went_idle(self, g: int, now: float) -> None:
        """An agent of ``g`` is idle from ``now`` (freed with nothing waiting)."""
        assert self.idle_log is not None
        self.idle_log[g].append(now)

    def logged_in(self, g: int, now: float) -> None:
        """Staffing of ``g`` changed at ``now``: new idle agents are idle from now."""
        assert self.idle_log is not None
        dq = self.idle_log[g]
        n = self.staffed[g] - self.busy[g]
        while len(dq) > max(n, 0):
            dq.popleft()
        while len(dq) < n:
            dq.append(now)


class AgedServe:
    """Policy ``aging``: a freed agent takes the eligible call of highest aged priority."""

    def __init__(self, r: Routing, base: list[float], weight: float) -> None:
        self.r = r
        # score = base + weight x (now - t_queue); ranking by base - weight x t_queue
        # is the same at any moment and free of the clock's rounding
        self.base = base
        self.w = weight

    def serve(self, g: int) -> bool:
        """A free agent of group ``g`` takes the eligible call of highest score, if any."""
        r = self.r
        now = r.env.now
        qlive, qcalls, base, w = r.qlive, r.qcalls, self.base, self.w
        best: Call | None = None
        top = 0.0
        for bucket in r.buckets[g]:
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
                s = base[q] - w * head.t_queue
                if best is None or s > top or (s == top and head.t_queue < best.t_queue):
                    best, top = head, s
        if best is None:
            return False
        qcalls[best.queue].popleft()
        r._unqueue(best)
        r._answer(best, g, now)
        if r.ob is not None:
            r._refill(best.queue)
        return True
