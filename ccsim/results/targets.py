"""Checking a result against the scenario's targets."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from ccsim.results.estimators import ratio_of_totals
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

    def kpis(self, by: str | Sequence[str] = ()) -> pd.DataFrame:
        """KPIs with 95 % intervals at the roll-up ``by``, by the scenario's estimator."""


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
    "blocked_rate": ("blocked_rate", "<="),
}


def estimate(values: Any, kpi: str = "service_level") -> Estimate:
    """Replication estimate of a KPI, its interval clipped to the KPI's range."""
    return _estimate(values, *bounds(kpi))


def _row(df: pd.DataFrame, kpi: str, label: Any = None) -> Estimate:
    """An estimate from a ``kpis`` table: whole period (no label) or one label's row."""
    if label is None:
        v = df.loc[kpi, ["mean", "ci_low", "ci_high"]].to_numpy(dtype=float)
    else:
        cols = [(kpi, "mean"), (kpi, "ci_low"), (kpi, "ci_high")]
        v = df.loc[label, cols].to_numpy(dtype=float)
    return Estimate(float(v[0]), float(v[1]), float(v[2]), 0)


def check_targets(res: Measured) -> list[TargetCheck]:
    """Every target in the scenario, checked.

    With ``kpi.estimator: ratio_of_totals`` the values come from the counts summed over
    replications (``SimulationResult.kpis``); the worst interval is the one whose
    estimate is lowest.
    """
    sc = res.scenario
    t = sc.targets
    out: list[TargetCheck] = []
    total = res.kpi_values()
    pooled = sc.kpi.estimator == "ratio_of_totals"
    whole = res.kpis() if pooled else None
    sl = t.service_level
    if sl is not None and sl.target is not None:
        out.append(
            TargetCheck(
                "service_level",
                "service_level",
                "all",
                ">=",
                sl.target,
                _row(whole, "service_level")
                if whole is not None
                else estimate(total["service_level"].to_numpy()),
            )
        )
    if sl is not None and sl.interval_target is not None:
        per = res.kpi_values(["interval"])["service_level"].unstack("interval")
        means = per.mean(axis=0, skipna=True)
        by_interval = res.kpis("interval") if pooled else None
        if by_interval is not None:
            means = by_interval[("service_level", "mean")]
        worst = int(str(means.idxmin())) if means.notna().any() else None
        if worst is None:
            value = estimate(np.array([np.nan]))
        elif by_interval is not None:
            value = _row(by_interval, "service_level", worst)
        else:
            value = estimate(per[worst].to_numpy())
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
            value = _row(whole, kpi) if whole is not None else estimate(total[kpi].to_numpy(), kpi)
            out.append(TargetCheck(field, kpi, "all", rule, float(target), value))
    tiers = [(x.id, x.targets) for x in sc.tier_list if x.targets is not None]
    out += _scoped_targets(res, "tier", "tiers", "tier", tiers)
    types = [(x.id, x.targets) for x in sc.call_types if x.targets is not None]
    out += _scoped_targets(res, "call_type", "call_types", "call type", types)
    return out


def _scoped_targets(
    res: Measured, dim: str, prefix: str, label: str, items: list[tuple[str, Any]]
) -> list[TargetCheck]:
    """The targets of tiers (or call types), each on its own calls."""
    if not items:
        return []
    out = []
    pooled = res.scenario.kpi.estimator == "ratio_of_totals"
    per = res.kpi_values([dim])
    est = res.kpis(dim) if pooled else None
    for key, tt in items:
        vals = per.xs(key, level=dim)
        if tt.service_level is not None and tt.service_level.target is not None:
            v = _sl_at(res, dim, key, tt.service_level.threshold_s, tt.service_level.formula)
            out.append(
                TargetCheck(
                    f"{prefix}.{key}.service_level",
                    "service_level",
                    f"{label} {key}",
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
                        f"{prefix}.{key}.{field}",
                        kpi,
                        f"{label} {key}",
                        rule,
                        float(target),
                        _row(est, kpi, key)
                        if est is not None
                        else estimate(vals[kpi].to_numpy(), kpi),
                    )
                )
    return out


def _sl_at(
    res: Measured, dim: str, key: str, threshold_s: float | None, formula: str | None
) -> Estimate:
    """A tier's (or call type's) service level at its own threshold and formula."""
    counts = sl_counts(res, dim, key, threshold_s)
    f = formula or res.scenario.sl.formula
    if res.scenario.kpi.estimator != "ratio_of_totals":
        return estimate(service_level(counts, f))
    mean, low, high = ratio_of_totals(lambda c: {"service_level": service_level(c, f)}, counts)[
        "service_level"
    ]
    return Estimate(float(mean[0]), float(low[0]), float(high[0]), len(counts["requests"]))


def tier_sl_values(res: Measured, tier: str, threshold_s: float | None, formula: str | None) -> Any:
    """Per replication: a tier's service level at its own threshold and formula."""
    counts = sl_counts(res, "tier", tier, threshold_s)
    return service_level(counts, formula or res.scenario.sl.formula)


def sl_counts(res: Measured, dim: str, key: str, threshold_s: float | None) -> dict[str, Any]:
    """Per replication: requests, answers and those within a threshold, of one label of ``dim``."""
    return sl_inputs(res.scenario, res.sums([dim]).xs(key, level=dim), threshold_s)


def sl_inputs(sc: Scenario, sums: Any, threshold_s: float | None) -> dict[str, Any]:
    """The counts ``service_level`` reads at ``threshold_s`` (None: the scenario's), from sums.

    ``sums``: summed counter columns by name (a table, or a dict of arrays); a threshold
    other than the scenario's has columns of its own (``answered_within@10``).
    """
    t = sc.sl.threshold_s if threshold_s is None else threshold_s
    suffix = "" if t == sc.sl.threshold_s else f"@{t:g}"
    return {
        "requests": np.asarray(sums["requests"]),
        "answered": np.asarray(sums["answered"]),
        "answered_within": np.asarray(sums[f"answered_within{suffix}"]),
        "abandoned_within": np.asarray(sums[f"abandoned_within{suffix}"]),
    }
