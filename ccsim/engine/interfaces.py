"""What the back office and the outbound dialer see of the inbound simulation, and of each other.

``Simulation`` (``model.py``) owns a replication and creates its ``BackOffice`` and
``Outbound``; these two only need a few of its counters and services. They reach
them through the protocols below, so that neither imports the model (nor each
other). The protocols are static types only: at run time the back office and the
dialer hold the simulation itself and read its lists directly, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Container
from typing import Any, Protocol

import simpy

from ccsim.engine.call import Call
from ccsim.engine.compile import Compiled
from ccsim.engine.orders import Order
from ccsim.engine.streams import Streams


class Replication(Protocol):
    """The clock, scenario and random streams of one replication."""

    @property
    def m(self) -> Compiled:
        """The compiled scenario."""
        ...

    @property
    def env(self) -> simpy.Environment:
        """The SimPy environment."""
        ...

    @property
    def streams(self) -> Streams:
        """The named random streams."""
        ...

    def after(self, delay: float, fn: Callable[[Any], None], value: Any) -> None:
        """Call ``fn(value)`` in ``delay`` seconds."""
        ...


class CallbackCampaigns(Protocol):
    """The outbound side as the back office sees it: campaigns calling worked orders back."""

    @property
    def feed_orders(self) -> Container[int]:
        """Order types (indices) a campaign calls back."""
        ...

    def feed_order(self, order: Order) -> bool:
        """A worked order to call back: True if a campaign takes it."""
        ...


class CallbackDesk(Protocol):
    """The back office as the outbound side sees it: told how an order's callback ended."""

    def called_back(self, order: Order, t: float, attempts: int) -> None:
        """A campaign reached the customer at ``t`` (NaN: it gave up) after ``attempts``."""
        ...


class InboundForBackOffice(Replication, Protocol):
    """The inbound simulation as the back office sees it."""

    @property
    def ob(self) -> CallbackCampaigns | None:
        """The outbound side, if the scenario has campaigns."""
        ...

    def inject(self, caller: Call, ctype: int, kind: int, t: float) -> None:
        """A further call by the same caller, arriving now (a chaser)."""
        ...


class InboundForOutbound(Replication, Protocol):
    """The inbound simulation as the outbound dialer sees it: agents shared with inbound.

    The dialer reads the per-group counters and takes an agent by raising ``busy``;
    it gives the agent back through ``free_agent``, which lets a waiting inbound
    call go first.
    """

    @property
    def staffed(self) -> list[int]:
        """Agents staffed per group."""
        ...

    @property
    def busy(self) -> list[int]:
        """Agents busy per group (inbound and outbound work)."""
        ...

    @property
    def waiting(self) -> list[int]:
        """Inbound calls waiting per group (in queues it serves)."""
        ...

    @property
    def last_sl_ok(self) -> list[bool]:
        """Per group: whether the last interval met the service level (blending guard)."""
        ...

    @property
    def bo(self) -> CallbackDesk | None:
        """The back office, if the scenario has work orders."""
        ...

    def free_agent(self, g: int) -> None:
        """An agent of ``g`` finishes its work."""
        ...
