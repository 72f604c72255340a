"""The scenario file format: typed, frozen, unknown keys rejected.

Field descriptions here are what ``ccsim schema`` exports, so editors can show them.
Cross-references (skills naming call types, routes naming groups, shares summing to
one, per-interval list lengths) are checked in ``ccsim.scenario.crossref``.

The top-level ``Scenario`` lives here; its parts have modules of their own (``horizon``,
``callers``, ``demand``, ``centres``, ``routing_rules``, ``targets``, ``staffing``,
``campaigns``, ``workorders``, ``distributions``) and can be imported from here too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml
from pydantic import Field

from ccsim.scenario.callers import DialectSettings, Network, Tier
from ccsim.scenario.campaigns import Blending, Campaign
from ccsim.scenario.centres import Agents, Center, Group, Staffing
from ccsim.scenario.common import (
    MAX_REPLICATIONS,
    Clock,
    Headcount,
    Id,
    Model,
    Share,
    Weekday,
)
from ccsim.scenario.demand import (
    Arrivals,
    CallType,
    Demand,
    Ivr,
    Password,
    Redial,
    RedialAfter,
)
from ccsim.scenario.distributions import Dist, Patience
from ccsim.scenario.edits import apply_changes
from ccsim.scenario.horizon import Horizon, per_interval
from ccsim.scenario.routing_rules import RouteRule, RouteTarget, Routing, RoutingPolicy
from ccsim.scenario.staffing import StaffingSettings
from ccsim.scenario.targets import KpiSettings, SLFormula, SLSpec, Targets, TierSL, TierTargets
from ccsim.scenario.workorders import BackOfficeGroup, CalendarSpec, WorkOrderType


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
        data = self.to_dict()
        apply_changes(data, changes)
        if not _validators:
            raise RuntimeError("scenario validation is not set up: import ccsim.scenario")
        return _validators[-1](data)

    def to_dict(self) -> dict[str, Any]:
        """Plain data, as a scenario file would hold it."""
        return self.model_dump(mode="json", exclude_unset=True)

    def to_yaml(self) -> str:
        """YAML text that loads back to this scenario."""
        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True)

    def call_type(self, id_: str) -> CallType:
        """The call type with this id."""
        for ct in self.call_types:
            if ct.id == id_:
                return ct
        raise KeyError(id_)


#: How ``Scenario.replace`` validates the changed data: like a file, with the loader's
#: cross-reference and reachability checks. Those checks import this module, so the
#: loader hands its validator over (``validate_replacements_with``) rather than this
#: module importing the loader; importing any ``ccsim.scenario`` module runs the package,
#: which imports the loader.
_validators: list[Callable[[dict[str, Any]], Scenario]] = []


def validate_replacements_with(validate: Callable[[dict[str, Any]], Scenario]) -> None:
    """Make ``Scenario.replace`` validate changed scenario data with ``validate``.

    Parameters
    ----------
    validate
        Turns scenario data into a ``Scenario`` or raises ``InputError`` listing every
        problem (``ccsim.scenario.loader.parse_scenario``).
    """
    _validators[:] = [validate]


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
    "validate_replacements_with",
]
