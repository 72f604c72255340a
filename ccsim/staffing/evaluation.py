"""Evaluating a candidate staffing plan: simulate it, then check the targets the search enforces.

Every candidate plan is simulated with the same seeds (common random numbers), so two
plans differ only by their staffing, not by luck. The whole horizon is simulated at
once: a queue left at the end of one interval weighs on the next, and the evaluation
sees it.

A target counts as met when the one-sided confidence bound of its mean over
replications is on the right side (``staffing.confidence``, 95 % by default): for a
per-interval target, in every interval with calls.
"""

from __future__ import annotations

import dataclasses
import math
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from ccsim.engine.compile import Compiled
from ccsim.results.result import SimulationResult
from ccsim.results.targets import tier_sl_values
from ccsim.runner.replications import run_replications
from ccsim.scenario.schema import Scenario
from ccsim.staffing.checks import Check, enforced_checks, is_met

IntMatrix = NDArray[np.int64]


@dataclass
class Evaluation:
    """A simulated candidate plan and what it achieves."""

    plan: IntMatrix
    result: SimulationResult
    cells: dict[str, NDArray[np.float64]]  # KPI -> [group, interval], mean over replications
    failures: list[tuple[Check, Any]]  # failed checks with detail (interval index or value)

    @property
    def feasible(self) -> bool:
        """Whether every enforced target holds."""
        return not self.failures


class PlanEvaluator:
    """Simulates candidate plans of one scenario with fixed seeds and checks the enforced targets.

    Parameters
    ----------
    sc : Scenario
        The scenario; its ``staffing`` block sets the replications and the confidence.
    m : Compiled
        The compiled scenario, whose staffing each candidate plan replaces.
    seed : int
        Seed of every evaluation's replications.
    workers : int
        Worker processes for the replications.
    fixed : list of bool
        Per group, whether the plan keeps the scenario's agents (outbound-only groups).
    """

    def __init__(
        self, sc: Scenario, m: Compiled, seed: int, workers: int, fixed: list[bool]
    ) -> None:
        self.sc = sc
        self.m = m
        self.seed = seed
        self.reps = sc.staffing.replications
        self.workers = workers
        self.fixed = fixed
        self.checks = enforced_checks(sc)
        self.evaluations = 0
        z = stats.t.ppf(sc.staffing.confidence, self.reps - 1)
        self.z = float(z)

    def evaluate(self, plan: IntMatrix, pool: Executor | None) -> Evaluation:
        """Simulate a plan with the search's seeds and check the targets."""
        self.evaluations += 1
        reps, wall = run_replications(
            self.sc, self.reps, self.seed, staffing=plan, executor=pool, workers=self.workers
        )
        res = SimulationResult(
            self.sc, self.seed, len(reps), reps, wall, with_staffing(self.m, plan)
        )
        cells = self.matrices(res.kpi_values(["interval", "group"]))
        return Evaluation(plan, res, cells, self._failures(res))

    def matrices(self, per_rep: pd.DataFrame) -> dict[str, NDArray[np.float64]]:
        """Mean over replications of each KPI per (interval, group), as [group, interval] arrays."""
        means = per_rep.groupby(level=["interval", "group"], observed=False).mean()
        n = self.m.n_intervals
        out = {}
        for kpi in (
            "offered",
            "answered",
            "service_level",
            "abandon_rate",
            "answer_rate",
            "asa_s",
            "aht_s",
            "occupancy",
        ):
            if kpi not in means:
                continue
            wide = means[kpi].unstack("group").reindex(index=range(n), columns=self.m.group_ids)
            out[kpi] = wide.to_numpy(dtype=float).T
        return out

    def _bound(self, values: NDArray[np.float64], rule: str) -> float:
        v = values[~np.isnan(values)]
        if v.size == 0:
            return math.nan
        mean = float(v.mean())
        if v.size < 2:
            return mean
        half = self.z * float(v.std(ddof=1)) / math.sqrt(v.size)
        return mean - half if rule == ">=" else mean + half

    def _failures(self, res: SimulationResult) -> list[tuple[Check, Any]]:
        out: list[tuple[Check, Any]] = []
        total = res.kpi_values()
        per_tier = None
        for c in self.checks:
            if c.scope == "period":
                values = total[c.kpi].to_numpy()
                if c.kpi == "occupancy" and any(self.fixed):
                    values = self._inbound_occupancy(res)  # outbound-only groups are not planned
                b = self._bound(values, c.rule)
                if not math.isnan(b) and not is_met(b, c):
                    out.append((c, b))
            elif c.scope == "interval":
                per = res.kpi_values(["interval"])["service_level"].unstack("interval")
                bad = []
                for i in per.columns:
                    b = self._bound(per[i].to_numpy(dtype=float), ">=")
                    if not math.isnan(b) and b < c.target - 1e-12:
                        bad.append(int(i))
                if bad:
                    out.append((c, bad))
            else:
                tier = c.scope.split(":", 1)[1]
                if c.kpi == "service_level":  # at the tier's own threshold and formula
                    spec = self.sc.tier_list[[t.id for t in self.sc.tier_list].index(tier)].targets
                    assert spec is not None and spec.service_level is not None
                    sl = spec.service_level
                    vals = tier_sl_values(res, tier, sl.threshold_s, sl.formula)
                else:
                    if per_tier is None:
                        per_tier = res.kpi_values(["tier"])
                    vals = per_tier.xs(tier, level="tier")[c.kpi].to_numpy()
                b = self._bound(vals, c.rule)
                if not math.isnan(b) and not is_met(b, c):
                    out.append((c, b))
        return out

    def _inbound_occupancy(self, res: SimulationResult) -> NDArray[np.float64]:
        """Per replication: occupancy of the groups the plan staffs (not outbound-only ones)."""
        a = res.agents
        keep = (
            a["group"]
            .astype(str)
            .isin([gid for gid, f in zip(self.m.group_ids, self.fixed, strict=True) if not f])
        )
        sums = a[keep].groupby("replication")[["busy_s", "logged_in_s"]].sum()
        with np.errstate(invalid="ignore", divide="ignore"):
            out: NDArray[np.float64] = (sums["busy_s"] / sums["logged_in_s"]).to_numpy(dtype=float)
        return out


def with_staffing(m: Compiled, plan: IntMatrix) -> Compiled:
    """The compiled scenario with another staffing matrix."""
    return dataclasses.replace(m, staffing=np.asarray(plan, dtype=np.int64))
