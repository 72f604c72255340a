"""What a forward simulation says of the day: KPI estimates and the targets' chances."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ccsim.results import SimulationResult
from ccsim.results.kpis import bounds, estimate
from ccsim.scenario.schema import Scenario


def number_or_none(x: Any) -> float | None:
    """A float for JSON: ``None`` for NaN or what is not a number."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def estimate_of(kpi: str, x: pd.Series) -> dict[str, Any]:
    """``{"mean", "ci95"}`` of per-replication values of ``kpi``."""
    e = estimate(x.to_numpy(dtype=float), *bounds(kpi))
    return {"mean": number_or_none(e.mean), "ci95": [number_or_none(e.low), number_or_none(e.high)]}


def day_targets(
    sc: Scenario, day: pd.DataFrame, res: SimulationResult, current: int
) -> list[dict[str, Any]]:
    """Each daily target (and the remaining intervals' service level): mean and P(met)."""
    t = sc.targets
    out = []
    checks: list[tuple[str, str, float | None]] = [
        ("service_level", ">=", t.service_level.target if t.service_level else None),
        ("abandon_rate", "<=", t.abandon_rate),
        ("answer_rate", ">=", t.answer_rate),
    ]
    for kpi, rule, target in checks:
        if target is None:
            continue
        x = day[kpi].to_numpy(dtype=float)
        ok = x >= target - 1e-12 if rule == ">=" else x <= target + 1e-12
        out.append(
            {
                "kpi": kpi,
                "scope": "whole day",
                "rule": rule,
                "target": target,
                "mean": number_or_none(np.nanmean(x)),
                "value": number_or_none(np.nanmean(x)),  # as run --json names it
                "met": bool(
                    np.nanmean(x) >= target - 1e-12
                    if rule == ">="
                    else np.nanmean(x) <= target + 1e-12
                ),
                "probability_met": float(np.mean(ok)),
            }
        )
    if t.service_level is not None and t.service_level.interval_target is not None:
        v = res.kpi_values(["interval"])["service_level"].unstack("interval")
        v = v[[c for c in v.columns if int(c) >= current]]
        means = v.mean(axis=0)
        worst = float(means.min()) if len(means.dropna()) else math.nan
        target = t.service_level.interval_target
        per_rep = (v.fillna(1.0) >= target - 1e-12).all(axis=1)
        out.append(
            {
                "kpi": "service_level",
                "scope": "every remaining interval",
                "rule": ">=",
                "target": target,
                "mean": number_or_none(worst),
                "value": number_or_none(worst),  # as run --json names it
                "met": bool(worst >= target - 1e-12) if not math.isnan(worst) else True,
                "probability_met": float(per_rep.mean()),
            }
        )
    return out
