"""Comparing designs run with common random numbers: side by side, with paired differences.

Every scenario is simulated with the same seed and replication numbers, so each random
stream (callers, their patience and talk times, IVR paths) is the same wherever the
scenarios share it. Differences are taken replication by replication (paired), which
cancels most of the noise the scenarios have in common.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ccsim.results import kpis as K
from ccsim.results.result import SimulationResult

COMPARED = (
    "offered", "answered", "abandoned", "service_level", "answer_rate", "abandon_rate", "asa_s",
    "occupancy", "agents", "ivr_self_service", "fcr", "repeat_caller_rate", "dialect_match_rate",
    "transfers", "chasers", "avg_queue", "max_queue",
)  # fmt: skip
CAMPAIGN_FIGURES = ("attempts", "contacts", "successes", "abandons", "agent_hours")
WORK_ORDER_FIGURES = (
    "created",
    "closed",
    "open_at_end",
    "on_time",
    "timeliness",
    "callback_reach",
    "chasers",
)


def _values(res: SimulationResult) -> dict[str, np.ndarray]:
    v = res.kpi_values()
    out = {k: v[k].to_numpy() for k in COMPARED if k in v}
    out.update(res.cost_values())
    wo = res.work_order_values()
    if wo:
        out.update({f"work_orders.{k}": wo["all"][k] for k in WORK_ORDER_FIGURES})
    camps = res.campaign_values()
    if camps:  # totals over every campaign
        for k in CAMPAIGN_FIGURES:
            out[f"campaigns.{k}"] = np.sum([d[k] for d in camps.values()], axis=0)
    return out


def compare(results: list[tuple[str, SimulationResult]]) -> dict[str, Any]:
    """The ``ccsim compare --json`` document for results run with common random numbers."""
    from ccsim.analytics.pooling import pooling_estimate

    vals = [(name, _values(res)) for name, res in results]
    scenarios = []
    for name, res in results:
        summary = res.summary()
        entry: dict[str, Any] = {
            "name": res.scenario.name,
            "file": name,
            "kpis": summary["kpis"],
            "agent_hours": summary["agent_hours"],
            "back_office_hours": summary["back_office_hours"],
            "cost": summary["cost"],
            "work_orders": summary.get("work_orders", {}),
            "campaigns": summary.get("campaigns", {}),
            "targets": summary["targets"],
            "all_targets_met": summary["all_targets_met"],
        }
        scenarios.append(entry)
    base = vals[0][1]
    differences = []
    for name, v in vals[1:]:
        diff: dict[str, Any] = {
            "name": results[[n for n, _ in vals].index(name)][1].scenario.name,
            "file": name,
            "against": results[0][1].scenario.name,
        }
        for k in {**base, **v}:
            # a campaign figure one scenario does not have counts as zero
            a, b = v.get(k), base.get(k)
            if k.startswith("campaigns."):
                a = np.zeros_like(b) if a is None else a
                b = np.zeros_like(a) if b is None else b
            if a is not None and b is not None and a.shape == b.shape:
                diff[k] = K.estimate(a - b).as_dict()
        differences.append(diff)
    pooling = []
    for _, res in results:
        p = pooling_estimate(res.scenario).as_dict()
        p["name"] = res.scenario.name
        p["simulated_agent_hours"] = float(np.mean(res.cost_values()["agent_hours"]))
        pooling.append(p)
    first = results[0][1]
    notes = []
    horizons = {
        (h.duration_h, h.interval_min, h.start, h.start_day, h.warmup_h)
        for h in (res.scenario.horizon for _, res in results)
    }
    if len(horizons) > 1:
        notes.append(
            "the scenarios' horizons differ (length, intervals, start or warm-up): they do not "
            "measure the same period, so their differences include the period's"
        )
    return {
        "seed": first.seed,
        "replications": first.replications,
        "common_random_numbers": True,
        "scenarios": scenarios,
        "differences": differences,
        "pooling": pooling[0] | {"by_scenario": pooling},
        "notes": notes,
    }
