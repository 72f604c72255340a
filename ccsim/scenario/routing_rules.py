"""Routing rules: which groups serve which calls, across sites, and how agents pick calls.

The routing plans these rules make for each caller are in ``ccsim.scenario.routing``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from ccsim.scenario.common import Id, Model

RoutingPolicy = Literal["tier_skill_wait", "tier_wait", "skill_tier_wait", "wait", "aging"]
#: Which idle agent takes an arriving call when several groups of its plan have one.
AgentSelection = Literal["order", "longest_idle", "random", "most_idle"]


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


#: A routing target as written: ``{group: ..., delay_s: ...}`` or the group alone
#: (``billing`` is ``{group: billing}``); the JSON Schema says both.
RouteTargetInput = Annotated[
    RouteTarget,
    BeforeValidator(_route_target, json_schema_input_type=RouteTarget | str),
]


class RouteRule(Model):
    """Which groups, in order, serve the calls this rule matches (first matching rule wins)."""

    call_types: list[Id] | None = Field(None, description="Call types matched (default: all).")
    tiers: list[Id] | None = Field(None, description="Tiers matched (default: all).")
    networks: list[Id] | None = Field(None, description="Local networks matched (default: all).")
    dialect: bool | None = Field(
        None, description="Match only callers who prefer (true) or do not prefer (false) a dialect."
    )
    groups: list[RouteTargetInput] = Field(
        min_length=1,
        description="Groups in order: {group, delay_s} or a group id alone (no delay).",
    )
    agent_selection: AgentSelection | None = Field(
        None,
        description="Which idle agent takes a matched call when several of its groups have one "
        "(default: routing.agent_selection).",
    )


class Aging(Model):
    """Priority that grows with waiting: a call's score is its priority plus a weight x its wait."""

    weight_per_s: float = Field(
        gt=0, description="Priority points a waiting call gains per second of waiting."
    )
    call_type_priority: dict[Id, int] = Field(
        default_factory=dict,
        description="Priority points of each call type (missing: 0), added to its tier's priority.",
    )


class Routing(Model):
    """Routing rules and the order in which a freed agent picks its next call."""

    policy: RoutingPolicy = Field(
        "tier_skill_wait",
        description="A freed agent takes: tier priority first, then its skill order, then the longest wait "
        "(tier_skill_wait); or tier then wait; or skill then tier then wait; or longest wait only; "
        "or the highest priority grown with waiting (aging).",
    )
    aging: Aging | None = Field(
        None, description="Policy aging: the weight of waiting and the call types' priorities."
    )
    agent_selection: AgentSelection = Field(
        "order",
        description="Which idle agent takes an arriving call when several groups of its plan have "
        "one: the first in the plan's order; the group idle longest; at random, in proportion "
        "to idle agents; or the group with the most idle agents.",
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
