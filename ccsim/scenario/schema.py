"""The scenario file format: typed, frozen, unknown keys rejected.

Field descriptions here are what ``ccsim schema`` exports, so editors can show them.
Cross-references (skills naming call types, routes naming groups, shares summing to
one, per-interval list lengths) are checked in ``ccsim.scenario.crossref``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Discriminator,
    Field,
    Tag,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ccsim.scenario.callers import DialectSettings, Network, Tier
from ccsim.scenario.campaigns import Blending, Campaign
from ccsim.scenario.common import (
    MAX_REPLICATIONS,
    Clock,
    Headcount,
    Id,
    Model,
    Share,
    Weekday,
)
from ccsim.scenario.distributions import Dist, Patience
from ccsim.scenario.horizon import Horizon, per_interval
from ccsim.scenario.staffing import StaffingSettings
from ccsim.scenario.targets import KpiSettings, SLFormula, SLSpec, Targets, TierSL, TierTargets
from ccsim.scenario.workorders import BackOfficeGroup, CalendarSpec, WorkOrderType

RoutingPolicy = Literal["tier_skill_wait", "tier_wait", "skill_tier_wait", "wait"]


class Demand(Model):
    """Province-wide demand that call types can take a share of, and day-to-day variation."""

    daily_volume: float | None = Field(None, ge=0, description="IVR entries (or calls) per day.")
    profile: list[Annotated[float, Field(ge=0)]] | None = Field(
        None, description="Intraday weights over equal slots of the day (48 = half-hours)."
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
        None, description="Intraday weights for daily_volume (flat if omitted)."
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
    fcr: Share = Field(
        1.0,
        description="Probability an answered call resolves the matter (first-contact resolution).",
    )
    return_delay: Dist | None = Field(
        None, description="Unresolved callers call again after this delay (needed when fcr < 1)."
    )


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
    BeforeValidator(_agents),
    Field(description="Agents logged in: a number or {per_interval: [...]}."),
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


class RouteTarget(Model):
    """A group a call may go to, after an optional delay in queue."""

    group: str = Field(
        description="Group id, 'centre/group', or 'home/group' (that group in the caller's local centre)."
    )
    delay_s: float = Field(
        0.0, ge=0, description="Seconds of waiting before this group becomes eligible."
    )


def _route_target(value: Any) -> Any:
    return {"group": value} if isinstance(value, str) else value


class RouteRule(Model):
    """Which groups, in order, serve the calls this rule matches (first matching rule wins)."""

    call_types: list[Id] | None = Field(None, description="Call types matched (default: all).")
    tiers: list[Id] | None = Field(None, description="Tiers matched (default: all).")
    networks: list[Id] | None = Field(None, description="Local networks matched (default: all).")
    dialect: bool | None = Field(
        None, description="Match only callers who prefer (true) or do not prefer (false) a dialect."
    )
    groups: list[Annotated[RouteTarget, BeforeValidator(_route_target)]] = Field(min_length=1)


class Routing(Model):
    """Routing rules and the order in which a freed agent picks its next call."""

    policy: RoutingPolicy = Field(
        "tier_skill_wait",
        description="A freed agent takes: tier priority first, then its skill order, then the longest wait "
        "(tier_skill_wait); or tier then wait; or skill then tier then wait; or longest wait only.",
    )
    rules: list[RouteRule] = Field(default_factory=list)
    site_order: Literal["local_first", "provincial_first"] = Field(
        "local_first",
        description="Without a rule: the caller's local centre first, then the provincial one (or the reverse).",
    )
    overflow_after_s: float = Field(
        0.0,
        ge=0,
        description="Without a rule: seconds before the second site's groups become eligible.",
    )
    transfer_delay_s: float = Field(
        0.0,
        ge=0,
        description="Extra seconds (caller waiting, agent reserved) when answered at another site than the first.",
    )
    transfer_cost: float = Field(
        0.0, ge=0, description="Cost of each call answered at another site than the first."
    )


class Scenario(Model):
    """A contact-centre scenario: demand, IVR, agents, routing, targets."""

    name: str = Field(min_length=1, description="Scenario name (used in outputs).")
    description: str = ""
    seed: int = Field(ge=0, description="Random seed: same file and seed give identical results.")
    replications: int = Field(
        10, ge=1, le=MAX_REPLICATIONS, description="Independent replications."
    )
    horizon: Horizon
    kpi: KpiSettings = Field(default_factory=KpiSettings)
    networks: list[Network] | None = Field(
        None, description="Local networks (default: one network 'all')."
    )
    tiers: list[Tier] | None = Field(
        None, description="Customer tiers (default: one tier 'regular')."
    )
    demand: Demand | None = None
    call_types: list[CallType] = Field(min_length=1)
    centers: list[Center] = Field(min_length=1)
    routing: Routing = Field(default_factory=Routing)
    dialect: DialectSettings = Field(default_factory=DialectSettings)
    staffing: StaffingSettings = Field(default_factory=StaffingSettings)
    campaigns: list[Campaign] = Field(default_factory=list, description="Outbound campaigns.")
    blending: Blending = Field(default_factory=Blending)
    calendars: list[CalendarSpec] = Field(default_factory=list)
    work_orders: list[WorkOrderType] = Field(default_factory=list)
    ivr_ports: int | None = Field(
        None, ge=1, description="Simultaneous IVR sessions; callers beyond hear busy (blocked)."
    )
    targets: Targets = Field(default_factory=Targets)

    # -- convenient views -------------------------------------------------------------

    @property
    def network_list(self) -> list[Network]:
        """Networks, or the single default network."""
        return list(self.networks) if self.networks else [Network(id="all", share=1.0)]

    @property
    def tier_list(self) -> list[Tier]:
        """Tiers, or the single default tier."""
        return list(self.tiers) if self.tiers else [Tier(id="regular", share=1.0)]

    @property
    def groups(self) -> list[tuple[Center, Group]]:
        """Every (centre, group), centres in order, groups in order."""
        return [(c, g) for c in self.centers for g in c.groups]

    @property
    def back_office_groups(self) -> list[tuple[Center, BackOfficeGroup]]:
        """Every (centre, back-office group), in order."""
        return [(c, b) for c in self.centers for b in c.back_office]

    def sl_thresholds(self) -> list[float]:
        """Every service-level threshold in use: the scenario's first, then tiers' own."""
        out = [self.sl.threshold_s]
        for t in self.tier_list:
            if (
                t.targets
                and t.targets.service_level
                and t.targets.service_level.threshold_s is not None
            ):
                if t.targets.service_level.threshold_s not in out:
                    out.append(t.targets.service_level.threshold_s)
        return out

    @property
    def sl(self) -> SLSpec:
        """The service-level definition (threshold, formula), defaulting to 20 s offered."""
        return self.targets.service_level or SLSpec()

    def replace(self, changes: dict[str, Any]) -> Scenario:
        """A new, validated scenario with fields changed by dotted path (ids address list items).

        Example: ``sc.replace({"centers.main.groups.agents.agents": 13, "seed": 8})``.
        """
        from ccsim.scenario.loader import replace

        return replace(self, changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain data, as a scenario file would hold it."""
        from ccsim.scenario.loader import to_dict

        return to_dict(self)

    def to_yaml(self) -> str:
        """YAML text that loads back to this scenario."""
        from ccsim.scenario.loader import to_yaml

        return to_yaml(self)

    def call_type(self, id_: str) -> CallType:
        """The call type with this id."""
        for ct in self.call_types:
            if ct.id == id_:
                return ct
        raise KeyError(id_)


__all__ = [
    "MAX_REPLICATIONS",
    "Agents",
    "Arrivals",
    "BackOfficeGroup",
    "Blending",
    "CalendarSpec",
    "CallType",
    "Campaign",
    "Center",
    "Clock",
    "Demand",
    "DialectSettings",
    "Dist",
    "Group",
    "Headcount",
    "Horizon",
    "Id",
    "Ivr",
    "KpiSettings",
    "Model",
    "Network",
    "Password",
    "Patience",
    "Redial",
    "RedialAfter",
    "RouteRule",
    "RouteTarget",
    "Routing",
    "RoutingPolicy",
    "SLFormula",
    "SLSpec",
    "Scenario",
    "Share",
    "Staffing",
    "StaffingSettings",
    "Targets",
    "Tier",
    "TierSL",
    "TierTargets",
    "Weekday",
    "WorkOrderType",
    "per_interval",
]
