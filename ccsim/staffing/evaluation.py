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
import time
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from ccsim.engine.compile import Compiled
from ccsim.results.aggregate import RepCounts
from ccsim.results.result import SimulationResult
from ccsim.results.targets import tier_sl_values
from ccsim.runner.replications import Job, drop_jobs, run_jobs, submit_jobs
from ccsim.scenario.schema import Scenario
from ccsim.staffing.checks import Check, enforced_checks, is_met

IntMatrix = NDArray[np.int64]

#: a proposal is rejected on its first replications when it misses what the full check
#: needs by this many standard errors of their mean (one-sided 99 %)
SCREEN_Z = 2.33


@dataclass
class Evaluation:
    """A simulated candidate plan and what it achieves."""

    plan: IntMatrix
    result: SimulationResult
    cells: dict[str, NDArray[np.float64]]  # KPI -> [group, interval], mean over replications
    failures: list[tuple[Check, Any]]  # failed checks with detail (interval index or value)
    interval_sl: NDArray[np.float64] | None = None  # [replication, interval] service level
    period: dict[str, NDArray[np.float64]] | None = None  # KPI -> per-replication values
    screened: bool = False  # rejected on a first part of the replications

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
        self.replications_run = 0  # over every evaluation, screened ones counting their part
        z = stats.t.ppf(sc.staffing.confidence, self.reps - 1)
        self.z = float(z)

    def evaluate(
        self, plan: IntMatrix, pool: Executor | None, reference: Evaluation | None = None
    ) -> Evaluation:
        """Simulate a plan with the search's seeds and check the targets.

        With a ``reference`` (a plan simulated with every replication), the plan is first
        simulated with a third of the replications (at least 2) and rejected at once if
        a target fails there clearly: the mean of those replications falls short of what
        the full check needs (the target plus its margin ``t sd / sqrt(R)``) by more
        than its own one-sided 99 % margin (``SCREEN_Z sd / sqrt(r)``), the standard
        deviation taken from the reference's replications. A plan whose true mean
        would pass is rejected at most 1 % of the time per target; a plan that is not
        rejected gets every replication, so a plan that passes is judged exactly as
        without screening.
        """
        self.evaluations += 1
        t0 = time.perf_counter()
        first = max(2, math.ceil(self.reps / 3)) if reference is not None else self.reps
        later: list[Future[RepCounts]] = []
        if first < self.reps and pool is not None:
            # every replication starts now, the later ones on speculation: a worker done
            # with its part of the first ones goes on while the others finish and are
            # screened; a rejected plan drops them (same numbers, fewer idle workers)
            futures = submit_jobs(self._jobs(plan, range(self.reps)), pool)
            reps = [f.result() for f in futures[:first]]
            later = futures[first:]
            self.replications_run += first
        else:
            reps = self._run(plan, pool, range(first))
        if first < self.reps:
            res = SimulationResult(
                self.sc, self.seed, len(reps), reps, time.perf_counter() - t0,
                with_staffing(self.m, plan),
            )  # fmt: skip
            ev = Evaluation(plan, res, self.matrices(res.kpi_values(["interval", "group"])), [])
            self._failures(res, ev)  # fills the per-replication figures
            assert reference is not None
            clear = self._screen(ev, reference)
            if clear:
                if pool is not None:
                    drop_jobs(later, pool)
                ev.failures = clear
                ev.screened = True
                return ev
            if later:
                reps += [f.result() for f in later]
                self.replications_run += len(later)
            else:
                reps += self._run(plan, pool, range(first, self.reps))
        res = SimulationResult(
            self.sc, self.seed, len(reps), reps, time.perf_counter() - t0,
            with_staffing(self.m, plan),
        )  # fmt: skip
        cells = self.matrices(res.kpi_values(["interval", "group"]))
        ev = Evaluation(plan, res, cells, [])
        ev.failures = self._failures(res, ev)
        return ev

    def _jobs(self, plan: IntMatrix, which: range) -> list[Job]:
        return [(self.sc, r, self.seed, False, plan) for r in which]

    def _run(self, plan: IntMatrix, pool: Executor | None, which: range) -> list[RepCounts]:
        jobs = self._jobs(plan, which)
        self.replications_run += len(jobs)
        out: list[RepCounts] = run_jobs(jobs, self.workers, executor=pool)
        return out

    def _screen(self, ev: Evaluation, ref: Evaluation) -> list[tuple[Check, Any]]:
        """The targets a partly simulated plan clearly fails (see ``evaluate``)."""
        out: list[tuple[Check, Any]] = []
        r = ev.result.replications

        def clearly(values: NDArray[np.float64], ref_values: NDArray[np.float64], c: Check) -> bool:
            v, rv = values[~np.isnan(values)], ref_values[~np.isnan(ref_values)]
            if v.size == 0 or rv.size < 2:
                return False
            sd = max(float(rv.std(ddof=1)), 1e-9)
            return clearly_short(float(v.mean()), sd, r, self.reps, self.z, c.target, c.rule)

        for c in self.checks:
            if c.scope == "period" and ev.period and ref.period and c.kpi in ref.period:
                if clearly(ev.period[c.kpi], ref.period[c.kpi], c):
                    out.append((c, float(np.nanmean(ev.period[c.kpi]))))
            elif (
                c.scope == "interval" and ev.interval_sl is not None and ref.interval_sl is not None
            ):
                bad = [
                    i for i in range(ev.interval_sl.shape[1])
                    if clearly(ev.interval_sl[:, i], ref.interval_sl[:, i], c)
                ]  # fmt: skip
                if bad:
                    out.append((c, bad))
        return out

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

    def _failures(self, res: SimulationResult, ev: Evaluation) -> list[tuple[Check, Any]]:
        out: list[tuple[Check, Any]] = []
        total = res.kpi_values()
        per_tier = None
        ev.period = {}
        for c in self.checks:
            if c.scope == "period":
                values = total[c.kpi].to_numpy(dtype=float)
                if c.kpi == "occupancy" and any(self.fixed):
                    values = self._inbound_occupancy(res)  # outbound-only groups are not planned
                ev.period[c.kpi] = values
                b = self._bound(values, c.rule)
                if not math.isnan(b) and not is_met(b, c):
                    out.append((c, b))
            elif c.scope == "interval":
                per = res.kpi_values(["interval"])["service_level"].unstack("interval")
                per = per.reindex(columns=range(self.m.n_intervals))
                ev.interval_sl = per.to_numpy(dtype=float)
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


def clearly_short(
    mean: float, sd: float, r: int, reps: int, z: float, target: float, rule: str
) -> bool:
    """Whether a mean over the first ``r`` of ``reps`` replications rules out passing.

    The full check passes when the mean over ``reps`` replications is beyond the target
    by ``z sd / sqrt(reps)``; the partial mean is judged short of that when it misses
    it by more than its own one-sided 99 % margin ``SCREEN_Z sd / sqrt(r)``.
    """
    need = z * sd / math.sqrt(reps) - SCREEN_Z * sd / math.sqrt(r)
    return mean < target + need if rule == ">=" else mean > target - need
