"""The format of a live state: what is true now, as a file gives it (``ccsim.intraday.state`` reads it).

The models only check each value on its own (a count >= 1, a clock time); what a state
must be against its scenario (known call types and groups, times within the horizon)
is checked where the state is read.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from ccsim.intraday.morning import CallDue, InIvr, OpenOrder
from ccsim.scenario.common import Model, normalize_clock


class Waiting(Model):
    """Callers waiting: one, or ``count`` spread evenly over a band of waits."""

    call_type: str
    tier: str | None = None
    network: str | None = None
    waited_s: float | list[float] = Field(description="Seconds waited, or [low, high] with count.")
    count: int = Field(1, ge=1)


class InProgress(Model):
    """Calls in talk: one, or ``count`` spread evenly over a band of elapsed talk times.

    A call in talk may raise a work order at the end of its talk, as its call type says;
    one in wrap-up (``stage: wrap``, ``elapsed_s`` the wrap-up so far) has ended its talk.
    A chaser (``kind: chaser``, a customer chasing an open order) is simulated as a new
    matter: it may raise an order too (the output's notes say so).
    """

    group: str
    call_type: str
    tier: str | None = None
    network: str | None = None
    stage: Literal["talk", "wrap"] = "talk"
    kind: Literal["fresh", "chaser"] = Field(
        "fresh", description="Why the call was made: chaser, a customer chasing an open order."
    )
    elapsed_s: float | list[float] = Field(
        description="Seconds of talk (of wrap-up with stage: wrap) so far, or [low, high]."
    )
    count: int = Field(1, ge=1)


class KpisSoFar(Model):
    """Calls finished before ``at`` (for the whole day's KPIs)."""

    answered: int = Field(ge=0)
    answered_within_threshold: int = Field(ge=0)
    abandoned: int = Field(ge=0)
    busy_agent_s: float | None = Field(None, ge=0)
    staffed_agent_s: float | None = Field(None, ge=0)


class CampaignProgress(Model):
    """How far a list campaign is today."""

    remaining: int = Field(ge=0, description="Records of today's list not yet finished.")


class CallLogSource(Model):
    """Today's call log up to now, read as ``ccsim fit`` reads it (for calls and KPIs so far)."""

    path: str = Field(
        description="The log file (CSV, .csv.gz or Parquet), relative to the state file."
    )
    map: str | None = Field(None, description="Its column map, relative to the state file.")


class LiveState(Model):
    """What is true now."""

    at: str = Field(description="Clock time now (HH:MM).")
    day: int = Field(1, ge=1, description="Day of the horizon (1 = the first).")
    calls_so_far: dict[str, list[float]] = Field(default_factory=dict)
    kpis_so_far: KpisSoFar | None = None
    waiting: list[Waiting] = Field(default_factory=list)
    in_progress: list[InProgress] = Field(default_factory=list)
    in_ivr: list[InIvr] = Field(default_factory=list)
    calls_due: list[CallDue] = Field(default_factory=list)
    open_orders: list[OpenOrder] = Field(default_factory=list)
    agents_now: dict[str, int] = Field(default_factory=dict)
    staffing: dict[str, list[int]] = Field(default_factory=dict)
    campaigns: dict[str, CampaignProgress] = Field(default_factory=dict)
    call_log: CallLogSource | None = Field(
        None,
        description="Today's call log: gives calls_so_far and kpis_so_far when they are not given.",
    )

    @field_validator("at", mode="before")
    @classmethod
    def _clock(cls, v: Any) -> Any:
        return normalize_clock(v)
