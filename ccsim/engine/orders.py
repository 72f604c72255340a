"""A work order (工单) in flight, and the columns a finished or open order is recorded in.

The back office creates and works orders (``backoffice.py``); an outbound campaign
may make an order's callback (``outbound.py``).
"""

from __future__ import annotations

import math

from ccsim.engine.call import Call

ORDER_COLUMNS: dict[str, str] = {
    "caller": "q",
    "order_type": "h",
    "call_type": "h",
    "tier": "h",
    "network": "h",
    "bo_group": "h",
    "t_created": "d",
    "deadline": "d",
    "t_closed": "d",  # worked by the back office (NaN: still open)
    "t_done": "d",  # called back (or closed, without callback); NaN: not yet
    "attempts": "h",
    "reached": "b",
    "called": "b",  # the callback is over: reached, or every attempt used
    "chasers": "h",
}


class Order:
    """A work order in flight."""

    __slots__ = (
        "attempts",
        "call",
        "called",
        "chasers",
        "deadline",
        "done",
        "group",
        "otype",
        "reached",
        "t_closed",
        "t_created",
        "t_done",
    )

    def __init__(self, call: Call, otype: int, group: int, t: float, deadline: float) -> None:
        self.call = call
        self.otype = otype
        self.group = group
        self.t_created = t
        self.deadline = deadline
        self.t_closed = math.nan
        self.t_done = math.nan
        self.attempts = 0
        self.reached = 0
        self.chasers = 0
        self.done = False
        self.called = False
