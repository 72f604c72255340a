"""Evaluating a candidate staffing plan: simulate it, then check the targets the search enforces.

Every candidate plan is simulated with the same seeds (common random numbers), so two
plans differ only by their staffing, not by luck. The whole horizon is simulated at
once: a queue left at the end of one interval weighs on the next, and the evaluation
sees it.

A target counts as met when the one-sided confidence bound of its mean over
replications is on the right side (``staffing.confidence``, 95 % by default): for a
per-interval target, in every interval with calls. Replications are added in looks and
a plan whose verdict is already "missed" stops early (``ccsim.staffing.sequential``);
each replication is reduced to the search's figures in the worker that ran it
(``ccsim.staffing.figures``).
"""

from __future__ import annotations

import dataclasses
import math
import time
import warnings
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ccsim.engine.compile import Compiled
from ccsim.results.kpis import t_quantile
from ccsim.results.result import SimulationResult
from ccsim.runner.pool import WorkerPool
from ccsim.runner.replications import Job, drop_jobs, run_jobs, submit_jobs
from ccsim.scenario.schema import Scenario
from ccsim.staffing.checks import Check, enforced_checks
from ccsim.staffing.figures import (
    RepFigures,
    cell_matrices,
    plan_replication,
    plan_replication_kept,
)
from ccsim.staffing.sequential import bound, hopeless, looks, missed

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
    figures: list[RepFigures] = field(default_factory=list, repr=False)
    values: dict[str, NDArray[np.float64]] = field(default_factory=dict, repr=False)

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
        self.confidence = sc.staffing.confidence
        self.workers = workers
        self.fixed = fixed
        self.checks = enforced_checks(sc)
        self.evaluations = 0
        self.replications_run = 0  # over every evaluation, early rejected ones counting their part
        self.z = t_quantile(self.confidence, self.reps - 1)

    def evaluate(
        self, plan: IntMatrix, pool: Executor | None, reference: Evaluation | None = None,
        full: bool = False,
    ) -> Evaluation:  # fmt: skip
        """Simulate a plan with the search's seeds and check the targets.

        Sequential sampling (``ccsim.staffing.sequential``): after 2 replications, then
        every 2 more, the plan is rejected at once if a target is hopeless, or, with a
        ``reference`` (a plan simulated with every replication), if a target fails
        clearly: the mean of the replications so far falls short of what the full check
        needs (the target plus its margin ``t sd / sqrt(R)``) by more than its own
        one-sided 99 % margin (``SCREEN_Z sd / sqrt(r)``), the standard deviation taken
        from the reference's replications. A plan is declared to meet the targets only
        with every replication, so a plan that passes is judged exactly as without
        sequential sampling. ``full``: every replication, no early verdict (a plan
        whose figures are reported).
        """
        self.evaluations += 1
        t0 = time.perf_counter()
        stops = [self.reps] if full else looks(self.reps)
        futures: list[Future[RepFigures]] = []
        if len(stops) > 1 and pool is not None:
            # every replication starts now, the later ones on speculation: a worker done
            # with its part of a look goes on while the look is judged; a rejected plan
            # drops them (same numbers, fewer idle workers)
            futures = submit_jobs(self._jobs(plan, range(self.reps)), pool, fn=_task(pool))
        figs: list[RepFigures] = []
        for n in stops:
            if futures:
                figs += [f.result() for f in futures[len(figs) : n]]
            else:
                figs += self._run(plan, pool, range(len(figs), n))
            if n < self.reps:
                ev = self._evaluation(plan, figs, t0)
                early = self._early(ev, reference)
                if early:
                    if futures and pool is not None:
                        drop_jobs(futures[n:], pool)
                    self.replications_run += n
                    ev.failures, ev.screened = early, True
                    return ev
        self.replications_run += self.reps
        ev = self._evaluation(plan, figs, t0)
        ev.failures = self._failures(ev)
        return ev

    def complete(self, ev: Evaluation, pool: Executor | None) -> Evaluation:
        """A plan rejected early, with its remaining replications (the same first ones)."""
        if not ev.screened:
            return ev
        t0 = time.perf_counter() - ev.result.wall_s
        n = len(ev.figures)
        figs = ev.figures + self._run(ev.plan, pool, range(n, self.reps))
        self.replications_run += self.reps - n
        out = self._evaluation(ev.plan, figs, t0)
        out.failures = self._failures(out)
        return out

    def _jobs(self, plan: IntMatrix, which: range) -> list[Job]:
        return [(self.sc, r, self.seed, False, plan) for r in which]

    def _run(self, plan: IntMatrix, pool: Executor | None, which: range) -> list[RepFigures]:
        jobs = self._jobs(plan, which)
        out: list[RepFigures] = run_jobs(jobs, self.workers, executor=pool, fn=_task(pool))
        return out

    def _evaluation(self, plan: IntMatrix, figs: list[RepFigures], t0: float) -> Evaluation:
        """The plan's evaluation from its replications' figures (failures not judged yet)."""
        reps = [f.counts for f in figs]
        res = SimulationResult(
            self.sc, self.seed, len(reps), reps, time.perf_counter() - t0,
            with_staffing(self.m, plan),
        )  # fmt: skip
        with warnings.catch_warnings():  # a cell without calls in any replication: nan
            warnings.simplefilter("ignore", RuntimeWarning)
            cells = {
                k: np.nanmean(np.stack([f.cells[k] for f in figs]), axis=0) for k in figs[0].cells
            }
        values = {
            c.name: np.asarray([f.values[c.name] for f in figs], dtype=float) for c in self.checks
        }
        ev = Evaluation(plan, res, cells, [], figures=figs, values=values)
        ev.period = {c.kpi: values[c.name] for c in self.checks if c.scope == "period"}
        for c in self.checks:
            if c.scope == "interval":
                ev.interval_sl = values[c.name]
        return ev

    def _early(self, ev: Evaluation, ref: Evaluation | None) -> list[tuple[Check, Any]]:
        """The targets a partly simulated plan cannot meet any more (see ``evaluate``)."""
        out: list[tuple[Check, Any]] = []
        r = ev.result.replications

        def fails(
            values: NDArray[np.float64], ref_values: NDArray[np.float64] | None, c: Check
        ) -> bool:
            if hopeless(values, c, self.confidence):
                return True
            if ref_values is None:
                return False
            v, rv = values[~np.isnan(values)], ref_values[~np.isnan(ref_values)]
            if v.size == 0 or rv.size < 2:
                return False
            sd = max(float(rv.std(ddof=1)), 1e-9)
            return clearly_short(float(v.mean()), sd, r, self.reps, self.z, c.target, c.rule)

        for c in self.checks:
            v = ev.values[c.name]
            rv = ref.values.get(c.name) if ref is not None else None
            if c.scope == "interval":
                bad = [
                    i for i in range(v.shape[1])
                    if fails(v[:, i], None if rv is None else rv[:, i], c)
                ]  # fmt: skip
                if bad:
                    out.append((c, bad))
            elif fails(v, rv, c):
                out.append((c, float(np.nanmean(v)) if (~np.isnan(v)).any() else math.nan))
        return out

    def matrices(self, per_rep: pd.DataFrame) -> dict[str, NDArray[np.float64]]:
        """Mean over replications of each KPI per (interval, group), as [group, interval] arrays."""
        return cell_matrices(self.m, per_rep)

    def _failures(self, ev: Evaluation) -> list[tuple[Check, Any]]:
        """The enforced targets the plan misses at the stated confidence (every replication)."""
        out: list[tuple[Check, Any]] = []
        for c in self.checks:
            v = ev.values[c.name]
            if c.scope == "interval":
                bad = [i for i in range(v.shape[1]) if missed(v[:, i], c, self.z)]
                if bad:
                    out.append((c, bad))
            elif missed(v, c, self.z):
                out.append((c, bound(v, c.rule, self.z)))
        return out


def _task(pool: Executor | None) -> Callable[[Job], RepFigures]:
    """What a replication of a plan runs: in this process or a local worker, with the draws kept.

    A local worker ends with the search, and this process lets go of the draws when
    ``staff`` ends; a cluster's workers live on, so they draw afresh.
    """
    return (
        plan_replication_kept if pool is None or isinstance(pool, WorkerPool) else plan_replication
    )


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
