"""Outbound campaigns' records (customers to call) and each campaign's state in a run.

Also the columns an attempt and a record are written in, and their status and
outcome codes (the results layer reads them).
"""

from __future__ import annotations

import math
from collections import deque
from typing import Any

from ccsim.engine.distributions import sampler
from ccsim.engine.orders import Order
from ccsim.engine.streams import Streams, uniform
from ccsim.scenario.calendar import Calendar

PENDING, ACTIVE, CONTACTED, EXHAUSTED = 0, 1, 2, 3
NO_CONTACT, CONTACT, SUCCESS, ABANDONED = 0, 1, 2, 3

ATTEMPT_COLUMNS = {
    "campaign": "h",
    "record": "q",
    "attempt": "h",
    "t_dial": "d",
    "group": "h",  # agent's group (-1: no agent, predictive)
    "outcome": "b",  # NO_CONTACT, CONTACT, SUCCESS, ABANDONED
    "agent_start": "d",  # NaN: no agent
    "agent_end": "d",
}
RECORD_COLUMNS = {
    "campaign": "h",
    "record": "q",
    "released": "d",
    "status": "b",
    "t_end": "d",
    "attempts": "h",
}
_RECENT = 100  # contacts the predictive pacing looks back on


class Record:
    """A customer to call."""

    __slots__ = ("attempts", "camp", "id", "order", "released", "status", "t_end")

    def __init__(self, rid: int, camp: int, t: float, order: Order | None = None) -> None:
        self.id = rid
        self.camp = camp
        self.released = t
        self.attempts = 0
        self.status = PENDING
        self.t_end = math.nan
        self.order = order


class CampaignRun:
    """One campaign's state during a replication."""

    def __init__(self, index: int, spec: Any, streams: Streams, calendar: Calendar) -> None:
        self.index = index
        self.spec = spec
        self.calendar = calendar
        self.predictive = spec.dialing == "predictive"
        self.ready: deque[Record] = deque()
        # contacts on the line waiting for an agent: [record, success, t_dial, taken, t_answer]
        self.connect_q: deque[list[Any]] = deque()
        self.outstanding = 0
        self.last_dial = -math.inf  # when it last dialled (predictive campaigns share fairly)
        self.ratio = spec.pacing.ratio
        self.recent: deque[int] = deque(maxlen=_RECENT)
        self.dials = 0  # predictive dials made, and how many the right party answered
        self.answered = 0
        name = f"campaign/{spec.id}"
        self.u = streams.buffered(f"{name}/uniform", uniform)
        self.ring = streams.buffered(f"{name}/ring", sampler(spec.ring_time))
        self.talk = streams.buffered(f"{name}/talk", sampler(spec.talk_time))
        self.wrap = streams.buffered(f"{name}/wrap", sampler(spec.wrap_time))
        self.preview = streams.buffered(f"{name}/preview", sampler(spec.preview_time))
        self.retry = streams.buffered(f"{name}/retry", sampler(spec.retry_after))
        self.groups: list[int] = []
        self.connect_order: list[int] = []
        self.callers: set[int] = set()  # callers with a callback request (abandoned feed)

    def contact_est(self) -> float:
        """Running estimate of the contact probability (the scenario's value as a prior)."""
        prior = 20.0
        return float((self.answered + prior * self.spec.contact_prob) / (self.dials + prior))
