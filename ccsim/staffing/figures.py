"""One replication of a candidate plan reduced to what the staffing search reads.

The worker that simulates a replication also reduces it (``plan_replication``): the
KPIs per group and interval the model calibrates on, and each enforced target's value
in this replication (an array per interval for a per-interval target). The main
process then only stacks small arrays between plans instead of building KPI tables of
every replication; the replication's counts come back too, for the tables of the plan
that is finally given.

A KPI of one replication depends on that replication's counts alone, so the figures
are the rows the whole result's ``kpi_values`` would give for it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ccsim.engine.compile import Compiled
from ccsim.results.aggregate import RepCounts
from ccsim.results.result import SimulationResult
from ccsim.results.targets import tier_sl_values
from ccsim.runner.pool import installed
from ccsim.runner.replications import Job, compiled, run_replication
from ccsim.scenario.schema import Scenario
from ccsim.staffing.checks import Check, enforced_checks

#: KPIs per group and interval the search reads (means over replications)
CELL_KPIS = (
    "offered",
    "answered",
    "service_level",
    "abandon_rate",
    "answer_rate",
    "asa_s",
    "aht_s",
    "occupancy",
)


@dataclass
class RepFigures:
    """One replication of a plan: its counts, cell KPIs and the enforced targets' values."""

    counts: RepCounts
    cells: dict[str, NDArray[np.float64]]  # KPI -> [group, interval]
    values: dict[str, Any]  # check name -> float (an [interval] array for a per-interval one)


def plan_replication(job: Job) -> RepFigures:
    """Simulate one replication of a plan and reduce it where it ran (a worker's task)."""
    sc = installed(job[0])
    counts = run_replication(*job)
    return reduce_replication(sc, counts, job[4], job[2])


def reduce_replication(
    sc: Scenario, counts: RepCounts, staffing: NDArray[np.int64] | None, seed: int
) -> RepFigures:
    """The figures of one replication's counts (see the module's description)."""
    m = compiled(sc)
    if staffing is not None:
        m = dataclasses.replace(m, staffing=np.asarray(staffing, dtype=np.int64))
    res = SimulationResult(sc, seed, 1, [counts], 0.0, m)
    cells = cell_matrices(m, res.kpi_values(["interval", "group"]))
    fixed = [not grp.skills for _, grp in sc.groups]
    return RepFigures(counts, cells, check_values(sc, m, res, enforced_checks(sc), fixed))


def cell_matrices(m: Compiled, per_rep: pd.DataFrame) -> dict[str, NDArray[np.float64]]:
    """Mean over replications of each KPI per (interval, group), as [group, interval] arrays."""
    means = per_rep.groupby(level=["interval", "group"], observed=False).mean()
    n = m.n_intervals
    out = {}
    for kpi in CELL_KPIS:
        if kpi not in means:
            continue
        wide = means[kpi].unstack("group").reindex(index=range(n), columns=m.group_ids)
        out[kpi] = wide.to_numpy(dtype=float).T
    return out


def check_values(
    sc: Scenario, m: Compiled, res: SimulationResult, checks: list[Check], fixed: list[bool]
) -> dict[str, Any]:
    """Each check's value in the one replication of ``res`` (per interval: an array)."""
    out: dict[str, Any] = {}
    total = res.kpi_values()
    per_tier = None
    for c in checks:
        if c.scope == "period":
            if c.kpi == "occupancy" and any(fixed):
                value = inbound_occupancy(res, m, fixed)  # outbound-only groups are not planned
            else:
                value = total[c.kpi].to_numpy(dtype=float)
            out[c.name] = float(value[0])
        elif c.scope == "interval":
            per = res.kpi_values(["interval"])["service_level"].unstack("interval")
            per = per.reindex(columns=range(m.n_intervals))
            out[c.name] = per.to_numpy(dtype=float)[0]
        else:
            tier = c.scope.split(":", 1)[1]
            if c.kpi == "service_level":  # at the tier's own threshold and formula
                spec = sc.tier_list[[t.id for t in sc.tier_list].index(tier)].targets
                assert spec is not None and spec.service_level is not None
                sl = spec.service_level
                vals = np.asarray(tier_sl_values(res, tier, sl.threshold_s, sl.formula))
            else:
                if per_tier is None:
                    per_tier = res.kpi_values(["tier"])
                vals = per_tier.xs(tier, level="tier")[c.kpi].to_numpy()
            out[c.name] = float(vals[0])
    return out


def inbound_occupancy(res: SimulationResult, m: Compiled, fixed: list[bool]) -> NDArray[np.float64]:
    """Per replication: occupancy of the groups the plan staffs (not outbound-only ones)."""
    a = res.agents
    keep = (
        a["group"].astype(str).isin([g for g, f in zip(m.group_ids, fixed, strict=True) if not f])
    )
    sums = a[keep].groupby("replication")[["busy_s", "logged_in_s"]].sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        out: NDArray[np.float64] = (sums["busy_s"] / sums["logged_in_s"]).to_numpy(dtype=float)
    return out
