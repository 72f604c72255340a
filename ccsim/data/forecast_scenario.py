"""A forecast written into a scenario: its horizon, per-interval rates, busyness, handle time.

The base scenario keeps everything but its demand: the horizon becomes the forecast's
days (from midnight of the first), each call type's arrivals the forecast's rates per
interval (calls per hour, ``per_interval``), and ``demand.busyness_cv`` the forecast's own
day-to-day error, so that ``ccsim staff`` plans against the risk the forecast carries.
Where the history has handle times, each call type's ``handle_time`` keeps its family
and cv with the forecast's call-weighted mean (less the mean wrap-up, when the scenario
has one: the history's handle time is talk plus wrap-up).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ccsim.data.forecast import ForecastReport
from ccsim.errors import InputError, Problem
from ccsim.scenario.loader import parse_scenario, to_dict, to_yaml
from ccsim.scenario.schema import Scenario


def forecast_scenario(
    base: Scenario, fc: pd.DataFrame, report: ForecastReport, source: str = "<base>"
) -> tuple[Scenario, str]:
    """The base scenario with the forecast's demand, and its YAML text."""
    h = report.history
    types = {ct.id for ct in base.call_types}
    forecast_types = {str(k) for k in fc["call_type"].unique()}
    problems = []
    for k in sorted(forecast_types - types):
        problems.append(
            Problem(
                "--scenario",
                f"has no call type {k!r} of the history (its call types: {', '.join(sorted(types))})",
                source,
            )
        )
    for k in sorted(types - forecast_types):
        problems.append(
            Problem(
                "--scenario",
                f"call type {k!r} has no history (the history's: {', '.join(sorted(forecast_types))})",
                source,
            )
        )
    step = base.horizon.interval_min
    ratio = step / h.interval_min
    if ratio < 1 - 1e-9 or abs(ratio - round(ratio)) > 1e-9:
        problems.append(
            Problem(
                "--scenario",
                f"horizon.interval_min {step:g} must be a multiple of the history's {h.interval_min:g} min",
                source,
            )
        )
    if problems:
        raise InputError(problems)
    k_per = round(ratio)
    start = pd.Timestamp(fc["start"].min())
    days = (pd.Timestamp(fc["start"].max()) - start).days + 1
    doc: dict[str, Any] = to_dict(base)
    doc["horizon"] = {
        **doc["horizon"],
        "duration_h": days * 24,
        "start": "00:00",
        "start_day": ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[start.weekday()],
    }
    doc["horizon"].pop("warmup_h", None)
    demand = dict(doc.get("demand") or {})
    for key in ("daily_volume", "profile", "day_factors"):
        demand.pop(key, None)
    demand["busyness_cv"] = report.busyness_cv
    doc["demand"] = demand
    for ct in doc["call_types"]:
        rows = fc[fc["call_type"] == ct["id"]].sort_values("start")
        calls = rows["calls"].to_numpy(dtype=float)
        per = calls.reshape(-1, k_per).sum(axis=1) * 3600.0 / (step * 60.0)
        ct["arrivals"] = {"per_interval": [round(float(x), 4) for x in per]}
        if "aht_s" in rows and rows["aht_s"].notna().any():
            w = calls.sum()
            aht = float(np.nansum(rows["aht_s"].to_numpy() * calls) / w) if w > 0 else float("nan")
            ht = ct.get("handle_time") or {}
            wrap = (ct.get("wrap_time") or {}).get("mean_s", 0.0) or 0.0
            if np.isfinite(aht) and "mean_s" in ht and aht - wrap > 0:
                ht["mean_s"] = round(aht - wrap, 2)
    try:
        scenario = parse_scenario(doc, "<forecast scenario>")
    except InputError as exc:
        hint = Problem(
            "--scenario",
            f"the forecast horizon is {days} days from {start:%a %Y-%m-%d} 00:00: per-interval lists "
            "of the base scenario (agents, handlers) must be given per interval of a day, or as "
            "one number, to carry over to it",
            source,
        )
        raise InputError([*exc.problems, hint], exc.source) from None
    header = (
        f"# {base.name} with the demand forecast by `ccsim forecast` from {h.source}:\n"
        f"# {days} days from {start:%Y-%m-%d} ({report.method}: {report.reason});\n"
        f"# busyness_cv {report.busyness_cv:g} is the forecast's own day-to-day error in its backtest.\n"
    )
    return scenario, header + to_yaml(scenario)
