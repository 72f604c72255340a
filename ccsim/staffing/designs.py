"""Designs compared at equal service: each staffed by the planner against the same targets.

Centralized, local or hybrid? Scenarios staffed by hand differ in how far above target
each one is, so their agent-hours differ partly by chance. Here every design is staffed
by the same search against the first design's targets (the whole ``targets`` block;
tier targets are the designs' own), with the same seed, and compared on what meets
them: agent-hours on the phones, scheduled (shrinkage), rostered paid hours where shift
patterns are given, and cost, beside the Erlang C pooling estimate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ccsim.analytics.pooling import pooling_estimate
from ccsim.engine.compile import compile_scenario
from ccsim.scenario.schema import Scenario
from ccsim.staffing.plan import StaffingPlan, staff


@dataclass
class StaffedDesigns:
    """The designs' plans, in the order given; the first is the reference."""

    names: list[str]
    plans: list[StaffingPlan]

    def rows(self) -> list[dict[str, Any]]:
        """One row per design: hours, cost, whether every target is met, KPIs of the plan."""
        out = []
        for name, plan in zip(self.names, self.plans, strict=True):
            m = compile_scenario(plan.scenario)
            w = plan.scenario.horizon.warmup_intervals
            rate = np.asarray(m.group_cost, dtype=float)
            cost = float((plan.simulated[:, w:] * rate[:, None]).sum()) * plan.interval_s / 3600
            kpis = plan.search.evaluation.result.summary()["kpis"]
            out.append(
                {
                    "name": name,
                    "scenario": plan.scenario.name,
                    "feasible": plan.feasible,
                    "agent_hours": plan.hours(plan.simulated),
                    "erlang_agent_hours": plan.hours(plan.erlang),
                    "scheduled_agent_hours": plan.hours(plan.scheduled),
                    "paid_hours": _paid(plan),
                    "cost": cost,
                    "evaluations": plan.search.evaluations,
                    "wall_s": plan.wall_s,
                    "service_level": kpis["service_level"]["mean"],
                    "abandon_rate": kpis["abandon_rate"]["mean"],
                    "asa_s": kpis["asa_s"]["mean"],
                    "occupancy": kpis["occupancy"]["mean"],
                }
            )
        return out

    def summary(self) -> dict[str, Any]:
        """The ``compare --staff --json`` document."""
        rows = self.rows()
        first = rows[0]
        diffs = []
        for r in rows[1:]:
            d: dict[str, Any] = {"name": r["name"], "against": first["name"]}
            for k in ("agent_hours", "scheduled_agent_hours", "paid_hours", "cost"):
                a, b = r[k], first[k]
                d[k] = None if a is None or b is None else a - b
            diffs.append(d)
        return {
            "mode": "equal_service",
            "targets_from": first["name"],
            "seed": self.plans[0].seed,
            "designs": rows,
            "differences": diffs,
            "pooling": pooling_estimate(self.plans[0].scenario).as_dict(),
        }


def _paid(plan: StaffingPlan) -> float | None:
    if not plan.rosters:
        return None
    return float(sum(r.paid_hours for r in plan.rosters.values()))


def staff_designs(
    designs: list[tuple[str, Scenario]],
    seed: int | None = None,
    workers: int | None = None,
    log: Callable[[str], None] | None = None,
    executor: Any = None,
) -> StaffedDesigns:
    """Staff every design against the first one's targets with the same seed."""
    first = designs[0][1]
    targets = first.to_dict().get("targets", {})
    s = first.seed if seed is None else seed
    plans = []
    for name, sc in designs:
        same = sc if sc is first else sc.replace({"targets": targets})
        if log:
            log(f"staffing {name} ({same.name}) against the targets of {designs[0][0]}")
        plans.append(staff(same, seed=s, workers=workers, log=log, executor=executor))
    return StaffedDesigns([n for n, _ in designs], plans)
