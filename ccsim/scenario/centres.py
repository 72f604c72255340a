"""Contact centres and their agent groups (skill groups): skills, agents logged in, costs."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Discriminator, Field, Tag
from pydantic_core import PydanticCustomError

from ccsim.scenario.common import Headcount, Id, Model
from ccsim.scenario.horizon import per_interval
from ccsim.scenario.proficiency import Proficiency
from ccsim.scenario.transfers import Transfer
from ccsim.scenario.workorders import BackOfficeGroup


def _agents(value: Any) -> Any:
    if isinstance(value, list):
        return {"per_interval": value}
    if isinstance(value, bool) or not isinstance(value, int | float | dict):
        raise PydanticCustomError(
            "agents", "must be a whole number >= 0, a list, or {per_interval: [...]}"
        )
    return value


def _agents_kind(value: Any) -> str:
    return "per-interval-form" if isinstance(value, dict | Staffing) else "count-form"


class Staffing(Model):
    """Agents per interval (one value per interval, or one per interval of a day)."""

    per_interval: list[Headcount] = Field(min_length=1)


Agents = Annotated[
    Annotated[Headcount, Tag("count-form")] | Annotated[Staffing, Tag("per-interval-form")],
    Discriminator(_agents_kind),
    # the schema says what may be written: a list is {per_interval: list} written short
    BeforeValidator(_agents, json_schema_input_type=Headcount | list[Headcount] | Staffing),
    Field(description="Agents logged in: a number, a list or {per_interval: [...]}."),
]


class Group(Model):
    """An agent group (skill group): agents who take the same call types."""

    id: Id
    skills: list[Id] = Field(
        description="Call types handled, in order of preference (empty: an outbound-only group)."
    )
    agents: Agents
    dialects: list[Id] = Field(
        default_factory=list, description="Local networks whose dialect these agents speak."
    )
    cost_per_agent_hour: float | None = Field(
        None, ge=0, description="Cost of an agent-hour (default: the centre's)."
    )
    proficiency: list[Proficiency] = Field(
        default_factory=list,
        description="Handling of some call types by this group: time and FCR factors or "
        "figures of its own (one entry per call type).",
    )
    transfers: list[Transfer] = Field(
        default_factory=list,
        description="Shares of the calls this group answers, per call type, sent on to another "
        "group after the first talk (blind or consult).",
    )

    def agents_at(self, n_intervals: int, offset: int = 0) -> list[int]:
        """Agents per interval over ``n_intervals`` intervals.

        A list of one value per interval of the period is taken as it is; a shorter
        daily list follows the clock (``offset``: intervals from midnight to the start)
        and repeats every day.
        """
        if isinstance(self.agents, int):
            return [self.agents] * n_intervals
        return per_interval(self.agents.per_interval, n_intervals, offset)


class Center(Model):
    """A contact centre: the provincial centre or a local (city) centre."""

    id: Id
    kind: Literal["provincial", "local"] = "provincial"
    network: Id | None = Field(
        None, description="Local centre: the local network whose calls it takes."
    )
    groups: list[Group] = Field(default_factory=list)
    back_office: list[BackOfficeGroup] = Field(default_factory=list)
    cost_per_agent_hour: float = Field(
        0.0, ge=0, description="Cost of an agent-hour in this centre."
    )
    lines: int | None = Field(
        None,
        ge=0,
        description="Lines (trunks) into this centre: a call holds one from arrival to the "
        "end of its talk; a call finding all busy hears busy (blocked). Default: unlimited.",
    )
