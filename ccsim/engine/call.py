"""A call in flight: who calls, about what, and where it stands in the centre.

Finished calls live on only as rows of the recorder (``records.py``).
"""

from __future__ import annotations

import math

from ccsim.engine.records import Kind

INF = math.inf

# where a call stands while in the system
IN_IVR, WAITING, DONE = 0, 1, 2
# how a call leaves the IVR
TO_AGENT, CONTAINED, LOST, DISCONNECT = 0, 1, 2, 3


class Call:
    """A call in flight (records keep the finished ones)."""

    __slots__ = (
        "attempt",
        "caller",
        "chase",
        "ctype",
        "dialect",
        "exit",
        "group",
        "kind",
        "net",
        "patience",
        "queue",
        "state",
        "t_arrival",
        "t_queue",
        "talk",
        "tier",
        "u_fcr",
        "u_order",
        "wrap",
    )

    def __init__(
        self, caller: int, ctype: int, tier: int, net: int, kind: int, attempt: int, t: float
    ) -> None:
        self.caller = caller
        self.ctype = ctype
        self.tier = tier
        self.net = net
        self.kind = kind
        self.attempt = attempt
        self.t_arrival = t
        self.t_queue = math.nan
        self.state = IN_IVR
        self.queue = -1
        self.group = -1
        self.exit = TO_AGENT
        self.patience = INF
        self.talk = 0.0
        self.wrap = 0.0
        self.u_fcr = 0.0
        self.u_order = 1.0
        self.dialect = False
        self.chase = False

    def follow_up(self, ctype: int, kind: int, attempt: int, t: float) -> Call:
        """Another call by the same caller (redial, return, chaser)."""
        again = Call(self.caller, ctype, self.tier, self.net, kind, attempt, t)
        again.dialect = self.dialect
        again.chase = self.chase or kind == Kind.CHASER
        return again
