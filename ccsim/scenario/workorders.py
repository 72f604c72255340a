"""Scenario format: back office, work orders (工单) and working calendars."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Discriminator, Field, Tag, field_validator

from ccsim.scenario.common import Headcount, Id, Model, Share, Weekday, check_ranges
from ccsim.scenario.distributions import Dist


class CalendarSpec(Model):
    """Weekly opening hours, for back-office work and for measuring time limits."""

    id: Id
    every_day: list[str] | None = Field(
        None, description='Opening hours on every day, e.g. ["08:00-22:00"].'
    )
    hours: dict[Weekday, list[str]] | None = Field(
        None,
        description='Opening hours per weekday, e.g. {mon: ["08:30-17:30"]} (a missing day is closed).',
    )

    @field_validator("every_day", "hours")
    @classmethod
    def _ranges(cls, v: object) -> object:
        items = v if isinstance(v, list) else [x for lst in (v or {}).values() for x in lst]  # type: ignore[attr-defined]
        check_ranges(items, "opening hours")
        return v

    def weekly_hours(self) -> dict[str, list[str]]:
        """Opening hours per weekday (every_day applies to all seven)."""
        days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
        out: dict[str, list[str]] = {d: list(self.every_day or []) for d in days}
        for d, ranges in (self.hours or {}).items():
            out[d] = out[d] + list(ranges)
        return out


class RaisedBy(Model):
    """Answered calls of a call type (and tiers) that raise this work order, with a probability."""

    call_type: Id
    probability: Share = Field(description="Probability that an answered call raises the order.")
    tiers: list[Id] | None = Field(None, description="Only callers of these tiers (default: all).")


class Callback(Model):
    """The outbound callback that closes the loop (闭环) once the order is worked."""

    reach_prob: Share = Field(description="Probability that one attempt reaches the customer.")
    attempts: int = Field(3, ge=1, description="Attempts at most.")
    spacing: Dist = Field(description="Time between a failed attempt and the next.")
    talk_time: Dist = Field(description="Handler time of an attempt that reaches the customer.")
    attempt_time: Dist | None = Field(
        None, description="Handler time of an attempt that does not (default 0)."
    )


class Chaser(Model):
    """A customer whose order is still open past its limit calls again (催单)."""

    probability: Share = Field(
        description="Probability of a chaser call once the limit has passed."
    )
    delay: Dist = Field(description="Time after the limit until the chaser call.")
    call_type: Id | None = Field(
        None, description="Call type of the chaser (default: the call that raised the order)."
    )
    max_chasers: int = Field(
        1, ge=1, description="Chasers at most per order, each a delay after the previous one."
    )


class WorkOrderType(Model):
    """A kind of work order: who raises it, who works it, its time limit, callback and chasers."""

    id: Id
    raised_by: list[RaisedBy] = Field(min_length=1)
    handle_time: Dist = Field(description="Back-office work time per order.")
    limit_h: float = Field(
        gt=0,
        description="Time limit from creation to closure (with callback), hours of limit_calendar.",
    )
    limit_by_tier: dict[str, Annotated[float, Field(gt=0)]] | None = Field(
        None, description="Other limits for some tiers, hours (e.g. VIP 24)."
    )
    limit_calendar: Id | None = Field(
        None, description="Calendar the limit is measured on (default: always open)."
    )
    queue_at: Literal["home", "provincial"] = Field(
        "home",
        description="Back office of the caller's local centre (falling back to the provincial one), or the provincial one.",
    )
    callback: Callback | None = None
    chaser: Chaser | None = None


def _handlers_kind(value: Any) -> str:
    # one branch of the union is checked, so a bad count is not also "not a list"
    return "per-interval-form" if isinstance(value, list | dict) else "count-form"


def _per_interval_form(value: object) -> object:
    if isinstance(value, dict) and set(value) == {"per_interval"}:
        return value["per_interval"]
    return value


class HandlersPerInterval(Model):
    """Handlers per interval written as ``{per_interval: [...]}`` (read as the list itself)."""

    per_interval: list[Headcount] = Field(min_length=1)


class BackOfficeGroup(Model):
    """Back-office handlers (后台) of a centre, who work orders on a calendar."""

    id: Id
    order_types: list[Id] = Field(
        min_length=1, description="Work-order types handled, in order of preference."
    )
    handlers: Annotated[
        Annotated[Headcount, Tag("count-form")]
        | Annotated[list[Headcount], Tag("per-interval-form")],
        Discriminator(_handlers_kind),
        BeforeValidator(
            _per_interval_form,
            json_schema_input_type=Headcount | list[Headcount] | HandlersPerInterval,
        ),
    ] = Field(
        description="Handlers on duty: a number, a list, or {per_interval: [...]} (one per interval, or per interval of a day)."
    )
    calendar: Id | None = Field(None, description="Working hours (default: always open).")
    cost_per_agent_hour: float | None = Field(
        None, ge=0, description="Cost of a handler-hour (default: the centre's)."
    )

    def handlers_at(self, n_intervals: int, offset: int = 0) -> list[int]:
        """Handlers per interval (see ``Group.agents_at`` for daily lists)."""
        if isinstance(self.handlers, int):
            return [self.handlers] * n_intervals
        v = self.handlers
        if len(v) == n_intervals:
            return list(v)
        return [v[(offset + i) % len(v)] for i in range(n_intervals)]
