"""Checking a result against the scenario's targets."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from ccsim.results.kpis import Estimate, bounds, service_level
from ccsim.results.kpis import estimate as _estimate
from ccsim.scenario.schema import Scenario


class Measured(Protocol):
    """What a target check reads from a result (``SimulationResult`` provides it)."""

    @property
    def scenario(self) -> Scenario:
        """The scenario whose targets are checked."""

    def kpi_values(self, by: Sequence[str] = ()) -> pd.DataFrame:
        """KPI values per replication (and per cell of ``by``)."""

    def sums(self, by: Sequence[str] = ()) -> pd.DataFrame:
        """Summed counts per replication (and per cell of ``by``)."""

    def interval_label(self, i: int) -> str:
        """The clock label of interval ``i``."""


@dataclass(frozen=True)
class TargetCheck:
    """One target: the KPI, the rule, the simulated value, and whether it is met.

    ``met`` compares the mean over replications with the target; ``ci95`` shows how
    sure that is (a target inside the interval is met or missed by chance alone).
    """

    name: str
    kpi: str
    scope: str  # "all", "tier <id>", "every interval"
    rule: str  # ">=" or "<="
    target: float
    value: Estimate

    @property
    def met(self) -> bool:
        """Whether the mean meets the target (a missing value does not)."""
        v = self.value.mean
        if math.isnan(v):
            return False
        return v >= self.target - 1e-12 if self.rule == ">=" else v <= self.target + 1e-12

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "kpi": self.kpi,
            "scope": self.scope,
            "rule": self.rule,
            "target": self.target,
            "value": self.value.mean,
            "ci95": [self.value.low, self.value.high],
            "met": self.met,
        }


_RULES = {
    "answer_rate": ("answer_rate", ">="),
    "abandon_rate": ("abandon_rate", "<="),
    "asa_s": ("asa_s", "<="),
    "max_occupancy": ("occupancy", "<="),
    "min_occupancy": ("occupancy", ">="),
    "ivr_self_service": ("ivr_self_service", ">="),
    "fcr": ("fcr", ">="),
    "repeat_caller_rate": ("repeat_caller_rate", "<="),
}


def estimate(values: Any, kpi: str = "service_level") -> Estimate:
    """Replication estimate of a KPI, its interval clipped to the KPI's range."""
    return _estimate(values, *bounds(kpi))


def check_targets(res: Measured) -> list[TargetCheck]:
    """Every target in the scenario, checked."""
    sc = res.scenario
    t = sc.targets
    out: list[TargetCheck] = []
    total = res.kpi_values()
    sl = t.service_level
    if sl is not None and sl.target is not None:
        out.append(
            TargetCheck(
                "service_level",
                "service_level",
                "all",
                ">=",
                sl.target,
                estimate(total["service_level"].to_numpy()),
            )
        )
    if sl is not None and sl.interval_target is not None:
        per = res.kpi_values(["interval"])["service_level"].unstack("interval")
        means = per.mean(axis=0, skipna=True)
        worst = int(str(means.idxmin())) if means.notna().any() else None
        value = (
            estimate(per[worst].to_numpy()) if worst is not None else estimate(np.array([np.nan]))
        )
        out.append(
            TargetCheck(
                "service_level_interval",
                "service_level",
                "every interval"
                + (f" (worst: {res.interval_label(int(worst))})" if worst is not None else ""),
                ">=",
                sl.interval_target,
                value,
            )
        )
    for field, (kpi, rule) in _RULES.items():
        target = getattr(t, field, None)
        if target is not None:
            out.append(
                TargetCheck(
                    field, kpi, "all", rule, float(target), estimate(total[kpi].to_numpy(), kpi)
                )
            )
    tiers = [x for x in sc.tier_list if x.targets is not None]
    if tiers:
        per_tier = res.kpi_values(["tier"])
        for tier in tiers:
            tt = tier.targets
            assert tt is not None
            vals = per_tier.xs(tier.id, level="tier")
            if tt.service_level is not None and tt.service_level.target is not None:
                v = _tier_sl(res, tier.id, tt.service_level.threshold_s, tt.service_level.formula)
                out.append(
                    TargetCheck(
                        f"tiers.{tier.id}.service_level",
                        "service_level",
                        f"tier {tier.id}",
                        ">=",
                        tt.service_level.target,
                        v,
                    )
                )
            for field in ("answer_rate", "abandon_rate", "asa_s"):
                target = getattr(tt, field)
                if target is not None:
                    kpi, rule = _RULES[field]
                    out.append(
                        TargetCheck(
                            f"tiers.{tier.id}.{field}",
                            kpi,
                            f"tier {tier.id}",
                            rule,
                            float(target),
                            estimate(vals[kpi].to_numpy(), kpi),
                        )
                    )
    return out


def _tier_sl(res: Measured, tier: str, threshold_s: float | None, formula: str | None) -> Estimate:
    """A tier's service level at its own threshold and formula (default: the scenario's)."""
    return estimate(tier_sl_values(res, tier, threshold_s, formula))


def tier_sl_values(res: Measured, tier: str, threshold_s: float | None, formula: str | None) -> Any:
    """Per replication: a tier's service level at its own threshold and formula."""
    sc = res.scenario
    t = sc.sl.threshold_s if threshold_s is None else threshold_s
    sums = res.sums(["tier"]).xs(tier, level="tier")
    counts = {k: sums[k].to_numpy() for k in ("requests", "answered")}
    suffix = "" if t == sc.sl.threshold_s else f"@{t:g}"
    counts["answered_within"] = sums[f"answered_within{suffix}"].to_numpy()
    counts["abandoned_within"] = sums[f"abandoned_within{suffix}"].to_numpy()
    return service_level(counts, formula or sc.sl.formula)
