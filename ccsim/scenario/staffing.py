"""Scenario format: settings of the staffing planner (``ccsim staff``)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from ccsim.scenario.common import CLOCK, Clock, Headcount, Id, Model, Weekday


class ShiftPattern(Model):
    """A shift: its start times, length, and a meal break at a fixed offset."""

    id: Id
    starts: list[Clock] = Field(
        min_length=1, description="Start times, HH:MM (each one a shift of this pattern)."
    )
    length_h: float = Field(gt=0, le=24, description="Paid length, hours (break included).")
    break_after_h: float | None = Field(
        None, gt=0, description="The meal break starts this many hours after the start."
    )
    break_min: float = Field(
        0.0, ge=0, description="Meal break length, minutes (off the phones, paid)."
    )
    days: list[Weekday] | None = Field(
        None, description="Weekdays it is worked (default: every day)."
    )
    groups: list[str] | None = Field(
        None, description="Groups it may staff (default: every group)."
    )
    days_worked: int = Field(
        5,
        ge=1,
        le=7,
        description="Weekly rosters (staffing.week): days of the week an agent on this pattern works.",
    )
    days_off: Literal["consecutive", "any"] | list[Weekday] = Field(
        "consecutive",
        description="Weekly rosters: its days off are consecutive, any, or these weekdays (then exactly 7 - days_worked of them).",
    )
    part_time: bool = Field(
        False,
        description="Weekly rosters: a part-time pattern (counts toward week.part_time_share).",
    )
    min_agents: int = Field(0, ge=0, description="Weekly rosters: fewest agents on this pattern.")
    max_agents: int | None = Field(
        None, ge=0, description="Weekly rosters: most agents on this pattern (null: no limit)."
    )

    @model_validator(mode="after")
    def _check(self) -> ShiftPattern:
        for s in self.starts:
            if not CLOCK.match(s):
                raise PydanticCustomError(
                    "clock", "starts must be clock times HH:MM, got '{v}'", {"v": s}
                )
        if self.break_min > 0 and self.break_after_h is None:
            raise PydanticCustomError(
                "shift", "break_min needs break_after_h (when the break starts)"
            )
        if (
            self.break_after_h is not None
            and self.break_after_h + self.break_min / 60.0 > self.length_h
        ):
            raise PydanticCustomError(
                "shift",
                "the break must end within the shift (break_after_h + break_min <= length_h)",
            )
        if isinstance(self.days_off, list):
            if len(set(self.days_off)) != len(self.days_off):
                raise PydanticCustomError("shift", "days_off must not repeat a weekday")
            if len(self.days_off) != 7 - self.days_worked:
                raise PydanticCustomError(
                    "shift",
                    "days_off lists {n} weekdays, must be 7 - days_worked = {m}",
                    {"n": len(self.days_off), "m": 7 - self.days_worked},
                )
        if self.max_agents is not None and self.max_agents < self.min_agents:
            raise PydanticCustomError(
                "shift",
                "max_agents ({hi}) must be >= min_agents ({lo})",
                {"hi": self.max_agents, "lo": self.min_agents},
            )
        return self


class WeekSettings(Model):
    """Weekly rosters: agents on weekly patterns (shifts on their working days, days off)."""

    part_time_share: float | None = Field(
        None,
        ge=0,
        le=1,
        description="Most share of the agents (or paid hours, see part_time_basis) on part-time patterns; null for no cap.",
    )
    part_time_basis: Literal["agents", "hours"] = Field(
        "agents", description="What part_time_share is a share of."
    )


class StaffingSettings(Model):
    """How ``ccsim staff`` searches a plan and what limits it."""

    shrinkage: float = Field(
        0.0,
        ge=0,
        lt=1,
        description="Share of paid time off the phones: scheduled = ceil(agents / (1 - shrinkage)).",
    )
    max_agents: dict[str, Headcount] = Field(
        default_factory=dict,
        description="Most agents a group may have in an interval (group id -> agents).",
    )
    min_agents: dict[str, Headcount | list[Headcount]] = Field(
        default_factory=dict,
        description="Fewest agents a group keeps in every interval (group id -> agents, or a list per interval, or per interval of a day).",
    )
    floor_service_level: float | None = Field(
        0.5,
        gt=0,
        lt=1,
        description="Per-interval floor: every group keeps at least the Erlang agents for this service level (at the scenario's threshold) on the calls it is offered in each interval; null for none.",
    )
    seats: dict[str, Annotated[int, Field(ge=0)]] = Field(
        default_factory=dict,
        description="Seats of a centre: most agents of its groups at once (centre id -> seats).",
    )
    objective: Literal["agent_hours", "cost"] = Field(
        "agent_hours", description="What the search minimizes."
    )
    confidence: float = Field(
        0.95,
        gt=0.5,
        lt=1,
        description="Period targets must hold at this one-sided confidence over replications.",
    )
    replications: int = Field(
        8, ge=2, le=200, description="Replications per evaluation of a candidate plan."
    )
    max_evaluations: int = Field(
        60, ge=1, description="Budget of candidate plans simulated by the search."
    )
    shifts: list[ShiftPattern] = Field(
        default_factory=list, description="Shift patterns for the roster (step 3)."
    )
    method: Literal["two_step", "joint"] = Field(
        "two_step",
        description="two_step: agents per interval, then shifts covering them; joint: then fewer shifts where simulation shows the targets still hold.",
    )
    joint_evaluations: int = Field(
        20, ge=1, description="Budget of rostered plans simulated by the joint method."
    )
    week: WeekSettings | None = Field(
        None,
        description="Weekly rosters on a multi-day horizon (each agent works days_worked days of 7); null: shifts day by day.",
    )

    @model_validator(mode="after")
    def _check_roster(self) -> StaffingSettings:
        if self.method == "joint" and not self.shifts:
            raise PydanticCustomError(
                "staffing", "method joint needs shift patterns (staffing.shifts)"
            )
        return self
