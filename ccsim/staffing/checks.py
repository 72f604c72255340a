"""The scenario's targets as the staffing search enforces them (those staffing can act on)."""

from __future__ import annotations

from dataclasses import dataclass

from ccsim.scenario.schema import Scenario


@dataclass(frozen=True)
class Check:
    """One target as the search enforces it."""

    name: str
    kpi: str
    rule: str  # ">=" or "<="
    target: float
    scope: str  # "period", "interval", "tier:<id>"


def enforced_checks(sc: Scenario) -> list[Check]:
    """The scenario's targets that staffing can act on."""
    t = sc.targets
    out: list[Check] = []
    sl = t.service_level
    if sl is not None and sl.target is not None:
        out.append(Check("service_level", "service_level", ">=", sl.target, "period"))
    if sl is not None and sl.interval_target is not None:
        out.append(
            Check("service_level_interval", "service_level", ">=", sl.interval_target, "interval")
        )
    for name, kpi, rule in (
        ("abandon_rate", "abandon_rate", "<="),
        ("answer_rate", "answer_rate", ">="),
        ("asa_s", "asa_s", "<="),
        ("max_occupancy", "occupancy", "<="),
    ):
        v = getattr(t, name)
        if v is not None:
            out.append(Check(name, kpi, rule, float(v), "period"))
    for tier in sc.tier_list:
        tt = tier.targets
        if tt is None:
            continue
        if tt.service_level is not None:
            out.append(
                Check(
                    f"tiers.{tier.id}.service_level",
                    "service_level",
                    ">=",
                    tt.service_level.target,
                    f"tier:{tier.id}",
                )
            )
        for name, rule in (("abandon_rate", "<="), ("answer_rate", ">="), ("asa_s", "<=")):
            v = getattr(tt, name)
            if v is not None:
                out.append(
                    Check(f"tiers.{tier.id}.{name}", name, rule, float(v), f"tier:{tier.id}")
                )
    return out


def is_met(value: float, c: Check) -> bool:
    """Whether ``value`` meets check ``c`` (within 1e-12)."""
    return value >= c.target - 1e-12 if c.rule == ">=" else value <= c.target + 1e-12
