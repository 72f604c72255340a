"""Inbound demand: the province-wide volume and the call types that share it.

A call type gives its arrivals, IVR stage, handling and after-call work,
caller patience, redials and first-contact resolution.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from ccsim.scenario.common import Id, Model, Share, Weekday
from ccsim.scenario.distributions import Dist, Patience
from ccsim.scenario.targets import TierTargets


class Demand(Model):
    """Province-wide demand that call types can take a share of, and day-to-day variation."""

    daily_volume: float | None = Field(None, ge=0, description="IVR entries (or calls) per day.")
    profile: list[Annotated[float, Field(ge=0)]] | None = Field(
        None,
        min_length=1,
        description="Intraday weights over equal slots of the day (48 = half-hours).",
    )
    busyness_cv: float = Field(
        0.0,
        ge=0,
        le=10,
        description="Day-to-day forecast error: gamma multiplier with mean 1 and this cv (<= 10).",
    )
    day_factors: dict[Weekday, Annotated[float, Field(ge=0)]] | None = Field(
        None, description="Volume factor per weekday (missing days: 1)."
    )


class Arrivals(Model):
    """Arrival rate of a call type: give exactly one of the forms."""

    rate_per_h: float | None = Field(None, ge=0, description="Constant rate, calls per hour.")
    per_interval: list[Annotated[float, Field(ge=0)]] | None = Field(
        None,
        description="Rate per interval, calls per hour (one per interval, or one per interval of a day).",
    )
    daily_volume: float | None = Field(None, ge=0, description="Calls per day, spread by profile.")
    profile: list[Annotated[float, Field(ge=0)]] | None = Field(
        None, min_length=1, description="Intraday weights for daily_volume (flat if omitted)."
    )
    share: float | None = Field(
        None, ge=0, le=1, description="Share of demand.daily_volume (the business mix)."
    )
    times_s: list[Annotated[float, Field(ge=0)]] | None = Field(
        None,
        description="Replay: exact arrival times, seconds from the start (e.g. from a call log).",
    )
    tiers: list[Id] | None = Field(None, description="Replay: the tier of each call in times_s.")
    networks: list[Id] | None = Field(
        None, description="Replay: the local network of each call in times_s."
    )

    @model_validator(mode="after")
    def _one_form(self) -> Arrivals:
        forms = [
            k
            for k in ("rate_per_h", "per_interval", "daily_volume", "share", "times_s")
            if getattr(self, k) is not None
        ]
        if len(forms) != 1:
            raise PydanticCustomError(
                "arrivals",
                "give exactly one of rate_per_h, per_interval, daily_volume, share or times_s (got {got})",
                {"got": ", ".join(forms) or "none"},
            )
        if self.profile is not None and self.daily_volume is None:
            raise PydanticCustomError("arrivals", "profile goes with daily_volume")
        for key in ("tiers", "networks"):
            v = getattr(self, key)
            if v is not None and (self.times_s is None or len(v) != len(self.times_s)):
                raise PydanticCustomError(
                    "arrivals", "{key} goes with times_s: one item per arrival time", {"key": key}
                )
        return self


class Password(Model):
    """The IVR password loop."""

    share: Share = Field(description="Share of IVR callers asked for a password.")
    fail_prob: Share = Field(description="Probability that one try fails.")
    tries: int = Field(3, ge=1, description="Tries allowed.")
    try_time: Dist | None = Field(None, description="Time per try (default 0).")
    after_last_failure: Literal["agent", "disconnect"] = Field(
        "agent", description="What happens after the last failed try."
    )


class Ivr(Model):
    """IVR self-service stage (自助语音) of a call type.

    In order: a caller is lost in the IVR with probability ``abandon``; otherwise may be
    asked for a password; then finishes in self-service with probability
    ``containment`` or asks for an agent (转人工).
    """

    containment: Share = Field(
        0.0, description="Share (of callers not lost) finished in self-service."
    )
    abandon: Share = Field(0.0, description="Share of IVR entries who hang up in the IVR.")
    time_to_agent: Dist | None = Field(
        None, description="IVR time before asking for an agent (default 0)."
    )
    time_self_service: Dist | None = Field(
        None, description="IVR time of a contained call (default: time_to_agent)."
    )
    time_to_abandon: Dist | None = Field(
        None, description="IVR time before hanging up (default: time_to_agent)."
    )
    password: Password | None = None


RedialAfter = Literal["queue_abandon", "blocked", "ivr_abandon"]


class BlockedRedial(Model):
    """Redials of callers who heard busy, when they differ from those of abandoners."""

    probabilities: list[Share] = Field(
        min_length=1,
        description="Probability of trying again after the 1st, 2nd, ... failed attempt, when the attempt was blocked.",
    )
    delay: Dist = Field(description="Time until the next attempt after a blocked one.")


class Redial(Model):
    """Callers who try again after giving up (or hearing busy)."""

    probabilities: list[Share] = Field(
        min_length=1,
        description="Probability of trying again after the 1st, 2nd, ... failed attempt; none after the list.",
    )
    delay: Dist = Field(description="Time until the next attempt.")
    after: list[RedialAfter] = Field(
        ["queue_abandon", "blocked"], description="Which failures lead to redials."
    )
    blocked: BlockedRedial | None = Field(
        None,
        description="Own probabilities and delay for blocked attempts (busy tone: no line, "
        "no IVR port, queue full); default: those above.",
    )

    @model_validator(mode="after")
    def _blocked_listed(self) -> Redial:
        if self.blocked is not None and "blocked" not in self.after:
            raise PydanticCustomError(
                "redial", "blocked settings given, but 'blocked' is not in after"
            )
        return self


class MaxWait(Model):
    """What happens to a caller who has waited ``after_s`` for an agent."""

    after_s: float = Field(ge=0, description="Longest wait, seconds, before the action.")
    action: Literal["disconnect", "message", "callback"] = Field(
        description="disconnect: the caller is cut off; message: leaves a message; "
        "callback: is offered a callback."
    )
    accept: Share = Field(
        1.0, description="callback: probability that the caller accepts the offer."
    )
    otherwise: Literal["wait", "leave"] = Field(
        "wait", description="callback: callers who decline keep waiting, or hang up."
    )
    offer_at_arrival_s: float | None = Field(
        None,
        ge=0,
        description="callback: also offer it when the caller joins the queue, if the "
        "expected wait exceeds this many seconds (virtual hold).",
    )

    @model_validator(mode="after")
    def _callback_only(self) -> MaxWait:
        if self.action != "callback" and "accept" in self.model_fields_set:
            raise PydanticCustomError("max_wait", "accept goes with action: callback")
        if self.action != "callback" and "otherwise" in self.model_fields_set:
            raise PydanticCustomError("max_wait", "otherwise goes with action: callback")
        if self.action != "callback" and self.offer_at_arrival_s is not None:
            raise PydanticCustomError("max_wait", "offer_at_arrival_s goes with action: callback")
        return self


class CallType(Model):
    """An inbound business type (查询 / 咨询 / 受理 / 障碍申告 / 投诉 or any)."""

    id: Id
    arrivals: Arrivals
    ivr: Ivr | None = Field(
        None, description="IVR stage; omit for calls that go straight to the agent queue."
    )
    handle_time: Dist = Field(
        description="Talk time with the agent (the whole handling time if wrap_time is omitted)."
    )
    wrap_time: Dist | None = Field(
        None, description="After-call work; the agent stays busy (default 0)."
    )
    patience: Patience | None = Field(
        None, description="Time a caller waits before hanging up; omit for callers who never do."
    )
    redial: Redial | None = None
    queue_capacity: int | None = Field(
        None,
        ge=0,
        description="Most callers of this type waiting for an agent at once; a caller who "
        "finds the queue full hears busy (blocked; 0: no queue). Default: unlimited.",
    )
    targets: TierTargets | None = Field(
        None,
        description="Targets on this call type's calls: service level (own threshold and "
        "formula), answer rate, abandon rate, ASA.",
    )
    max_wait: MaxWait | None = Field(
        None, description="A limit on the wait for an agent and what happens at it."
    )
    max_expected_wait_s: float | None = Field(
        None,
        ge=0,
        description="Refuse a caller (busy tone, counted with queue_full) whose expected "
        "wait on joining the queue exceeds this many seconds. Default: never.",
    )
    message_order: Id | None = Field(
        None,
        description="The work-order type a message of this call type raises (at the "
        "maximum wait or at closing time); default: none.",
    )
    fcr: Share = Field(
        1.0,
        description="Probability an answered call resolves the matter (first-contact resolution).",
    )
    return_delay: Dist | None = Field(
        None, description="Unresolved callers call again after this delay (needed when fcr < 1)."
    )
