"""Scenario format: outbound campaigns (外呼) and the blending of inbound agents."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from ccsim.scenario.common import CLOCK, Clock, Id, Model, Share, Weekday, check_ranges
from ccsim.scenario.distributions import Dist

StrList = list[str]  # (Campaign has a field named "list")


class CampaignList(Model):
    """A list of customers to call, released every day."""

    daily_size: int = Field(ge=0, description="Records released each day.")
    release: Clock = Field("08:00", description="Clock time the day's list is released.")
    days: list[Weekday] | None = Field(
        None, description="Weekdays with a list (default: every day)."
    )

    @field_validator("release")
    @classmethod
    def _release(cls, v: str) -> str:
        if not CLOCK.match(v):
            raise PydanticCustomError("clock", "must be a clock time HH:MM, got '{v}'", {"v": v})
        return v


class CampaignFeed(Model):
    """Records fed by the simulation itself instead of a list."""

    source: Literal["work_orders", "abandoned", "callbacks"] = Field(
        description="work_orders: each closed work order of order_types is called back by this campaign; "
        "abandoned: inbound callers who hang up ask for a call back (share of them); "
        "callbacks: callers who accepted a callback offered in the queue (max_wait)."
    )
    order_types: list[Id] | None = Field(
        None, description="work_orders: the order types it calls back (default: all)."
    )
    share: Share = Field(
        1.0, description="abandoned: share of abandoning callers who ask for a call back."
    )
    limit_s: float | None = Field(
        None,
        gt=0,
        description="callbacks: the time limit, seconds from the request to the first dial "
        "(made within it: on time).",
    )
    call_types: list[Id] | None = Field(
        None, description="callbacks: the call types whose callbacks it makes (default: all)."
    )

    def calls_back(self, order_type: str) -> bool:
        """Whether this feed calls back the closed work orders of ``order_type``."""
        return self.source == "work_orders" and (
            self.order_types is None or order_type in self.order_types
        )


class Pacing(Model):
    """Predictive dialling: dial ahead of free agents, keeping abandoned contacts under a cap."""

    ratio: float = Field(
        1.0,
        gt=0,
        description="Expected contacts per free agent the dialler aims at, at the start (dials = ratio x free agents / contact rate).",
    )
    max_ratio: float = Field(2.0, gt=0, description="Largest expected contacts per free agent.")
    max_abandon: Share = Field(
        0.03, description="Cap on contacts abandoned for want of an agent, as a share of contacts."
    )
    connect_wait_s: float = Field(
        2.0, ge=0, description="A contact waits this long for an agent before it is abandoned."
    )


class Campaign(Model):
    """An outbound campaign: billing care, callbacks, retention, marketing, or any."""

    id: Id
    list: CampaignList | None = Field(None, description="A daily list (give list or feed).")
    feed: CampaignFeed | None = Field(
        None, description="Records from work orders or abandoned callers (give list or feed)."
    )
    windows: StrList = Field(
        min_length=1,
        description='Calling windows every day, e.g. ["09:00-12:00", "14:00-17:30", "19:00-20:30"].',
    )
    max_attempts: int = Field(3, ge=1, description="Attempts at most per record.")
    retry_after: Dist = Field(description="Time between a failed attempt and the next.")
    contact_prob: Share = Field(description="Right-party contact probability per attempt.")
    success_prob: Share = Field(
        0.0, description="Success given contact (payment promise, survey done, retained, sale)."
    )
    ring_time: Dist = Field(
        description="Time from dialling until the customer answers or the attempt is given up."
    )
    talk_time: Dist = Field(description="Talk time of a contact.")
    wrap_time: Dist | None = Field(None, description="After-call work of a contact (default 0).")
    preview_time: Dist | None = Field(
        None,
        description="With dialing: preview, the time the agent reads the record before dialling.",
    )
    dialing: Literal["progressive", "preview", "predictive"] = Field(
        "progressive",
        description="progressive/preview: an agent is reserved before the dial and waits through the ringing; "
        "predictive: dials ahead of free agents, contacts with no agent in time are abandoned.",
    )
    pacing: Pacing = Field(default_factory=Pacing, description="Predictive dialling settings.")
    priority: int = Field(0, description="Among campaigns: higher is served first.")
    groups: StrList = Field(
        min_length=1,
        description="Groups whose agents may work it (dedicated outbound or blended inbound).",
    )

    @field_validator("windows")
    @classmethod
    def _windows(cls, v: StrList) -> StrList:
        check_ranges(v, "calling window")
        return v

    @model_validator(mode="after")
    def _source(self) -> Campaign:
        if (self.list is None) == (self.feed is None):
            raise PydanticCustomError("campaign", "give exactly one of list or feed")
        if self.dialing == "preview" and self.preview_time is None:
            raise PydanticCustomError("campaign", "preview dialling needs preview_time")
        if self.dialing != "preview" and self.preview_time is not None:
            raise PydanticCustomError("campaign", "preview_time is only used with dialing: preview")
        if self.dialing != "predictive" and "pacing" in self.model_fields_set:
            raise PydanticCustomError("campaign", "pacing is only used with dialing: predictive")
        if self.pacing.ratio > self.pacing.max_ratio:
            raise PydanticCustomError("campaign", "pacing.ratio must be <= pacing.max_ratio")
        f = self.feed
        if f is not None and f.source == "abandoned" and f.order_types is not None:
            raise PydanticCustomError(
                "campaign", "feed.order_types is only used with source: work_orders"
            )
        if f is not None and f.source != "abandoned" and "share" in f.model_fields_set:
            raise PydanticCustomError("campaign", "feed.share is only used with source: abandoned")
        if f is not None and f.source == "callbacks" and f.order_types is not None:
            raise PydanticCustomError(
                "campaign", "feed.order_types is only used with source: work_orders"
            )
        if f is not None and f.source != "callbacks":
            for key in ("limit_s", "call_types"):
                if getattr(f, key) is not None:
                    raise PydanticCustomError(
                        "campaign", "feed.{key} is only used with source: callbacks", {"key": key}
                    )
        return self


class Blending(Model):
    """When a blended inbound agent may take outbound work; inbound always comes first."""

    min_idle: int = Field(
        1, ge=0, description="Idle agents the group keeps for inbound (after taking outbound work)."
    )
    require_empty_queue: bool = Field(
        True, description="Only while no inbound call waits for the group."
    )
    sl_guard: bool = Field(
        False,
        description="Only while the group's service level of the last interval met the target.",
    )
