"""Step 2 of the staffing plan: adjust agents per group and interval until simulation meets the targets.

The search strategy; each candidate plan is simulated and checked by
``ccsim.staffing.evaluation`` (the same seeds for every plan, a target met when the
one-sided confidence bound of its mean is on the right side).

1. **Add** agents where targets fail: in every interval below the per-interval
   service-level target, to the group that misses it by the most calls; for a period
   target (service level, abandonment, ASA, answer rate, occupancy cap, tier targets),
   to the cells (group x interval) that lose the most calls against it.
2. **Remove** agents where there is slack, in batches that halve when a batch breaks a
   target and double when it does not, until single removals keep failing or the budget
   of evaluations is spent.

Limits (group maxima, seats per centre) are never exceeded; what they prevent is
reported as a shortfall.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ccsim.engine.compile import compile_scenario
from ccsim.runner.pool import stop_pool, worker_pool
from ccsim.runner.replications import default_workers
from ccsim.scenario.schema import Scenario, per_interval
from ccsim.staffing.checks import Check, enforced_checks
from ccsim.staffing.erlang_step import erlang_for_loads, floor_agents, group_loads
from ccsim.staffing.evaluation import Evaluation, IntMatrix, PlanEvaluator

__all__ = ["Check", "Evaluation", "SearchResult", "Searcher", "enforced_checks"]

_GIVE_UP = 6  # stop removing after this many single-cell removals break a target in a row


@dataclass
class SearchResult:
    """The outcome of the search."""

    plan: IntMatrix
    evaluation: Evaluation
    evaluations: int
    wall_s: float
    shortfalls: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)


class Searcher:
    """Runs the search for one scenario, with a pool of worker processes kept throughout."""

    def __init__(
        self,
        sc: Scenario,
        seed: int | None = None,
        workers: int | None = None,
        log: Any = None,
        executor: Any = None,
    ) -> None:
        self.sc = sc
        #: a pool the caller owns (a Dask cluster's executor): used as it is, never shut down
        self.executor = executor
        self.settings = sc.staffing
        self.seed = sc.seed if seed is None else seed
        self.reps = self.settings.replications
        self.m = compile_scenario(sc)
        self.workers = default_workers(self.reps) if workers is None else workers
        self.log = log or (lambda msg: None)
        G, n = self.m.staffing.shape
        self.cap = self._per_group(self.settings.max_agents, np.iinfo(np.int64).max // 4)
        # outbound-only groups keep the scenario's agents: no inbound target speaks for them
        self.fixed = [not grp.skills for _, grp in sc.groups]
        # cells the search leaves as they start: outbound-only groups, and the warm-up
        # intervals, whose calls are not measured but bring the queues to steady state
        # (they keep the Erlang estimate of their own load)
        self.frozen = np.zeros((G, n), dtype=bool)
        self.frozen[np.asarray(self.fixed, dtype=bool), :] = True
        self.frozen[:, : sc.horizon.warmup_intervals] = True
        self.low = self._lower_bounds()
        self.seat_groups = {
            c: [gi for gi, gc in enumerate(self.m.group_center) if gc == c]
            for c in self.settings.seats
        }
        self.rate = np.asarray(self.m.group_cost, dtype=float)
        self.evaluator = PlanEvaluator(sc, self.m, self.seed, self.workers, self.fixed)

    # -- evaluating a plan ----------------------------------------------------------------

    @property
    def evaluations(self) -> int:
        """Plans simulated so far."""
        return self.evaluator.evaluations

    def evaluate(self, plan: IntMatrix, pool: Executor | None) -> Evaluation:
        """Simulate a plan with the search's seeds and check the targets."""
        return self.evaluator.evaluate(plan, pool)

    # -- limits -------------------------------------------------------------------------------

    def _room(self, plan: IntMatrix, g: int, i: int) -> bool:
        if self.frozen[g, i] or plan[g, i] + 1 > self.cap[g, i]:
            return False
        centre = self.m.group_center[g]
        if centre in self.seat_groups:
            if int(plan[self.seat_groups[centre], i].sum()) + 1 > self.settings.seats[centre]:
                return False
        return True

    def _per_group(self, setting: Mapping[str, int | list[int]], default: int) -> IntMatrix:
        """A per-group setting (``max_agents``, ``min_agents``) as agents per group and interval.

        Keys are group ids or ``centre/group`` (which wins over a bare id); a value is a
        number, or a list per interval (or per interval of a day).
        """
        sc, (G, n) = self.sc, self.m.staffing.shape
        out = np.full((G, n), default, dtype=np.int64)
        for gi, (c, grp) in enumerate(sc.groups):
            for key in (grp.id, f"{c.id}/{grp.id}"):
                value = setting.get(key)
                if value is not None:
                    per = value if isinstance(value, list) else [value]
                    out[gi] = per_interval(per, n, sc.horizon.start_interval)
        return out

    def _lower_bounds(self) -> IntMatrix:
        """Fewest agents per group and interval: ``min_agents`` and the service-level floor."""
        sc = self.sc
        low = self._per_group(self.settings.min_agents, 0)
        floor = self.settings.floor_service_level
        if floor is not None:
            low = np.maximum(low, floor_agents(sc, group_loads(sc), floor))
        low[np.asarray(self.fixed, dtype=bool), :] = 0  # outbound-only groups keep their own
        return low

    def clip(self, plan: IntMatrix) -> IntMatrix:
        """The plan within the group minima and maxima and the centres' seats (outbound-only groups kept).

        A maximum (or the seats) wins over a minimum where the two disagree.
        """
        out = np.minimum(np.maximum(plan, self.low), self.cap)
        for centre, gs in self.seat_groups.items():
            seats = self.settings.seats[centre]
            movable = [g for g in gs if not self.fixed[g]]
            for i in range(out.shape[1]):
                while movable and int(out[gs, i].sum()) > seats and out[movable, i].sum() > 0:
                    g = max(movable, key=lambda x: out[x, i])
                    out[g, i] -= 1
        return out

    def erlang_on_simulated_load(self, ev: Evaluation) -> IntMatrix:
        """Erlang per group and interval on the calls each group was offered in simulation."""
        base = group_loads(self.sc)
        calls = np.nan_to_num(ev.cells["offered"])
        work = calls * np.nan_to_num(ev.cells["aht_s"])
        # patience per call: each group's first-guess mix over the period (simulation does
        # not report it); a group with no first-guess load takes the overall mix
        with np.errstate(invalid="ignore", divide="ignore"):
            per_group = base.patience_work.sum(axis=1) / base.calls.sum(axis=1)
            overall = (
                base.patience_work.sum() / base.calls.sum() if base.calls.sum() > 0 else np.inf
            )
        per_group = np.where(np.isnan(per_group), overall, per_group)
        with np.errstate(invalid="ignore"):
            patience_work = np.where(calls > 0, calls * per_group[:, None], 0.0)
        loads = type(base)(calls, work, patience_work, base.tier_calls)
        return erlang_for_loads(self.sc, loads)

    # -- where to add -----------------------------------------------------------------------

    def increments(self, ev: Evaluation) -> tuple[list[tuple[int, int]], list[dict[str, Any]]]:
        """Cells to give one more agent, and the failures no cell can fix (at a limit)."""
        plan = ev.plan
        want: dict[tuple[int, int], float] = {}
        blocked: list[dict[str, Any]] = []
        G, n = plan.shape

        def deficit(mat: dict[str, NDArray[np.float64]], c: Check) -> NDArray[np.float64]:
            """Calls (or seconds) lost against target ``c``, per [group, interval]."""
            off = np.nan_to_num(mat["offered"])
            if c.kpi == "service_level":
                return off * np.clip(
                    c.target - np.nan_to_num(mat["service_level"], nan=1.0), 0.0, None
                )
            if c.kpi == "abandon_rate":
                return off * np.nan_to_num(mat["abandon_rate"])
            if c.kpi == "answer_rate":
                return off * (1.0 - np.nan_to_num(mat["answer_rate"], nan=1.0))
            if c.kpi == "asa_s":
                return np.nan_to_num(mat["answered"]) * np.nan_to_num(mat["asa_s"])
            if c.kpi == "occupancy" and "occupancy" in mat:
                return np.clip(np.nan_to_num(mat["occupancy"]) - c.target, 0.0, None) * 1000.0
            return np.zeros((G, n))

        active = int((np.nan_to_num(ev.cells["offered"]) > 0).sum())
        for c, detail in ev.failures:
            if c.scope == "interval":
                d = deficit(ev.cells, c)
                # where no group misses the target, the group with most unanswered calls
                backup = (
                    np.nan_to_num(ev.cells["offered"])
                    * (1.0 - np.nan_to_num(ev.cells["service_level"], nan=1.0))
                    * 1e-3
                )
                for i in detail:
                    score = np.where(d[:, i] > 0, d[:, i], backup[:, i])
                    for g in np.argsort(-score, kind="stable"):
                        if score[g] <= 0:
                            break
                        if self._room(plan, int(g), i):
                            want[(int(g), i)] = want.get((int(g), i), 0.0) + float(score[g])
                            break
                    else:
                        blocked.append(
                            {
                                "target": c.name,
                                "interval": i,
                                "reason": "every group of the interval is at its limit",
                            }
                        )
                continue
            mat = ev.cells
            if c.scope.startswith("tier:"):
                tier = c.scope.split(":", 1)[1]
                per_tier = ev.result.kpi_values(["interval", "group", "tier"])
                mat = self.evaluator.matrices(pd.DataFrame(per_tier.xs(tier, level="tier")))
            d = deficit(mat, c)
            order = np.argsort(-d, axis=None, kind="stable")
            k = max(1, math.ceil(0.05 * max(active, 1)))
            taken = 0
            for flat in order:
                g, i = divmod(int(flat), n)
                if d[g, i] <= 0 or taken >= k:
                    break
                if self._room(plan, g, i):
                    want[(g, i)] = want.get((g, i), 0.0) + float(d[g, i])
                    taken += 1
            if taken == 0:
                blocked.append(
                    {
                        "target": c.name,
                        "reason": "the cells that lose most against it are at their limits",
                    }
                )
        return sorted(want, key=lambda x: -want[x]), blocked

    # -- where to remove -----------------------------------------------------------------------

    def removal_order(self, ev: Evaluation, tight: set[tuple[int, int]]) -> list[tuple[int, int]]:
        """Cells with agents, most slack first (idle groups, then high service level, low occupancy)."""
        off = np.nan_to_num(ev.cells["offered"])
        sl = np.nan_to_num(ev.cells["service_level"], nan=1.0)
        occ = np.nan_to_num(ev.cells.get("occupancy", np.zeros_like(off)))
        out = []
        G, n = ev.plan.shape
        for g in range(G):
            cost = -float(self.rate[g]) if self.settings.objective == "cost" else 0.0
            for i in range(n):
                if ev.plan[g, i] <= self.low[g, i] or (g, i) in tight or self.frozen[g, i]:
                    continue
                per_agent = off[g, i] / ev.plan[g, i]
                out.append(
                    (0 if off[g, i] <= 0 else 1, cost, -sl[g, i], occ[g, i], per_agent, g, i)
                )
        out.sort()
        return [(g, i) for *_, g, i in out]

    # -- the search -----------------------------------------------------------------------------

    def run(self, start: IntMatrix) -> SearchResult:
        """Search from ``start`` (the Erlang plan); return the best feasible plan found."""
        t0 = time.perf_counter()
        budget = self.settings.max_evaluations
        start = np.asarray(start, dtype=np.int64).copy()
        start[self.fixed] = self.m.staffing[self.fixed]
        plan = self.clip(start)
        history: list[dict[str, Any]] = []
        shortfalls: list[dict[str, Any]] = []
        own = self.executor is None
        pool = self.executor if not own else worker_pool(self.workers) if self.workers > 1 else None
        try:
            ev = self.evaluate(plan, pool)
            history.append(self._note("start", ev))
            # 0. Erlang again, on the load each group really got in simulation (with
            #    repeat calls and overflow): usually much closer to the answer
            refined = self.erlang_on_simulated_load(ev)
            refined[self.frozen] = plan[self.frozen]
            refined = self.clip(refined)
            if not np.array_equal(refined, plan) and self.evaluations < budget:
                rev = self.evaluate(refined, pool)
                history.append(self._note("Erlang again", rev))
                if (rev.feasible and (not ev.feasible or rev.plan.sum() < ev.plan.sum())) or (
                    not ev.feasible and len(rev.failures) <= len(ev.failures)
                ):
                    ev = rev
            # 1. add until every target holds
            while not ev.feasible and self.evaluations < budget:
                adds, blocked = self.increments(ev)
                if not adds:
                    shortfalls = blocked or [
                        {"target": c.name, "reason": "no group can take more agents"}
                        for c, _ in ev.failures
                    ]
                    break
                plan = ev.plan.copy()
                for g, i in adds:
                    plan[g, i] += 1
                ev = self.evaluate(plan, pool)
                history.append(self._note(f"add {len(adds)}", ev))
            # 2. remove where there is slack
            if ev.feasible:
                tight: set[tuple[int, int]] = set()
                max_batch = max(1, len(self.removal_order(ev, tight)) // 8)
                batch = max_batch
                misses = 0  # single removals refused in a row: a period target binds everywhere
                while batch >= 1 and self.evaluations < budget and misses < _GIVE_UP:
                    order = self.removal_order(ev, tight)
                    if not order:
                        break
                    cells = order[:batch]
                    trial = ev.plan.copy()
                    for g, i in cells:
                        trial[g, i] -= 1
                    tev = self.evaluate(trial, pool)
                    history.append(self._note(f"remove {len(cells)}", tev))
                    if tev.feasible:  # keep going, bolder
                        ev = tev
                        misses = 0
                        batch = min(batch * 2, max_batch)
                    elif batch == 1:
                        tight.add(cells[0])
                        misses += 1
                    else:
                        batch //= 2
            elif not shortfalls:
                shortfalls = [
                    {"target": c.name, "reason": "not met within the evaluation budget"}
                    for c, _ in ev.failures
                ]
        except BaseException:  # Ctrl-C, SIGTERM: stop the workers at once
            if pool is not None and own:
                stop_pool(pool)
                pool = None
            raise
        finally:
            if pool is not None and own:
                pool.shutdown()
        if not ev.feasible and not shortfalls:
            shortfalls = [{"target": c.name, "reason": "not met"} for c, _ in ev.failures]
        for s in shortfalls:
            for c, detail in ev.failures:
                if c.name == s.get("target"):
                    s["value"] = detail if not isinstance(detail, list) else None
                    s["target_value"] = c.target
                    if isinstance(detail, list):
                        s["intervals"] = detail
        return SearchResult(
            ev.plan, ev, self.evaluations, time.perf_counter() - t0, shortfalls, history
        )

    def _note(self, step: str, ev: Evaluation) -> dict[str, Any]:
        measured = ev.plan[:, self.sc.horizon.warmup_intervals :]  # as the plan's agent-hours
        hours = float(measured.sum()) * self.m.interval_s / 3600.0
        failures = [c.name for c, _ in ev.failures]
        note = {"step": step, "agent_hours": hours, "feasible": ev.feasible, "failures": failures}
        self.log(
            f"  [{self.evaluations:>3}] {step:<12} {hours:10,.1f} agent-hours  "
            + ("meets every target" if ev.feasible else "misses " + ", ".join(failures))
        )
        return note
