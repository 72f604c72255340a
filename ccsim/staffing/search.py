"""Step 2 of the staffing plan: adjust agents per group and interval until simulation meets the targets.

The search strategy; each candidate plan is simulated and checked by
``ccsim.staffing.evaluation`` (the same seeds for every plan, a target met when the
one-sided confidence bound of its mean is on the right side), and the next plan is
proposed by ``ccsim.staffing.guided`` (Erlang slopes calibrated on the last simulation).

0. **Erlang again**, on the load each group really got in the first simulation (with
   overflow, repeat calls and priorities), when the Erlang plan misses a target (not
   from a previous plan, ``ccsim.staffing.warm``: its cells already carry what
   simulation found, and the guided adds keep them).
1. **Add** where the model predicts a target short, until a plan meets every target
   (simulated adds where the model sees nothing to do: tier targets).
2. **Remove** what the model predicts safe, from the best plan so far. What simulation
   then shows corrects the model's slopes (actual over predicted change); an interval
   broken twice keeps the best plan's agents. Once a removal fails, the next step is
   sized by a secant between the best plan and the failed one (``ccsim.staffing.secant``:
   each missed target's slack against the agents removed; halving where it gives
   nothing), and the search stops when a step could save less than 0.5 % of the agents
   (or the budget of evaluations is spent).

Each plan is simulated with sequential sampling (``ccsim.staffing.sequential``): looks
of 2 replications, rejected as soon as a target is out of reach, met only with every
replication. The start plan gets every replication (Erlang again reads its load).

Limits (group maxima, seats per centre, ``min_agents`` and the service-level floor) are
never crossed; what they prevent is reported as a shortfall.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ccsim.runner.pool import pool_for
from ccsim.runner.replications import compiled, default_workers
from ccsim.scenario.schema import Scenario, per_interval
from ccsim.staffing.adds import simulated_adds
from ccsim.staffing.checks import Check, enforced_checks
from ccsim.staffing.erlang_step import erlang_on_offered, floor_agents, group_loads
from ccsim.staffing.evaluation import Evaluation, IntMatrix, PlanEvaluator
from ccsim.staffing.guide import Guide
from ccsim.staffing.secant import step_caps
from ccsim.staffing.shortfalls import explain_shortfalls

__all__ = ["Check", "Evaluation", "SearchResult", "Searcher", "enforced_checks"]

#: the search stops when its next step could save less than this share of the agents
_TOLERANCE = 0.005


@dataclass
class SearchResult:
    """The outcome of the search."""

    plan: IntMatrix
    evaluation: Evaluation
    evaluations: int
    wall_s: float
    shortfalls: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    replications_run: int = 0  # over every plan simulated (rejected ones on their first part)


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
        self.m = compiled(sc)  # as staff() and the workers have it
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
        self._t0 = time.perf_counter()
        self.evaluator = PlanEvaluator(sc, self.m, self.seed, self.workers, self.fixed)
        cost = self.rate if self.settings.objective == "cost" else np.ones(G)
        self.guide = Guide(sc, self.m, self.evaluator, self.low, self.cap, self.frozen, cost)

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
        return erlang_on_offered(self.sc, ev.cells["offered"], ev.cells["aht_s"])

    # -- where to add -----------------------------------------------------------------------

    def increments(self, ev: Evaluation) -> tuple[list[tuple[int, int]], list[dict[str, Any]]]:
        """Cells to give one more agent, and the failures no cell can fix (at a limit)."""
        return simulated_adds(self, ev)

    # -- the search -----------------------------------------------------------------------------

    def run(self, start: IntMatrix, warm: bool = False) -> SearchResult:
        """Search from ``start`` (the Erlang plan, or a previous plan); return the cheapest feasible plan found.

        ``warm``: ``start`` is a previous plan (``ccsim.staffing.warm``), named so in the
        history, and no Erlang again follows it when it misses.
        """
        t0 = self._t0 = time.perf_counter()
        start = np.asarray(start, dtype=np.int64).copy()
        start[self.fixed] = self.m.staffing[self.fixed]
        # the workers receive the scenario once; each job then sends its plan only
        with pool_for(self.workers, [self.sc], self.executor) as pool:
            ev, shortfalls, history = self._search(self.clip(start), pool, warm)
        if not ev.feasible and not shortfalls:
            shortfalls = [{"target": c.name, "reason": "not met"} for c, _ in ev.failures]
        for s in shortfalls:
            for c, detail in ev.failures:
                if c.name == s.get("target"):
                    s["value"] = detail if not isinstance(detail, list) else None
                    s["target_value"] = c.target
                    if isinstance(detail, list) and "intervals" not in s:
                        s["intervals"] = detail
        return SearchResult(
            ev.plan, ev, self.evaluations, time.perf_counter() - t0, shortfalls, history,
            self.evaluator.replications_run,
        )  # fmt: skip

    def _search(
        self, plan: IntMatrix, pool: Executor | None, warm: bool = False
    ) -> tuple[Evaluation, list[dict[str, Any]], list[dict[str, Any]]]:
        """Guided steps from ``plan`` until no proposal is new; simulated adds as a fallback.

        Every proposal is simulated. A feasible one cheaper than the best so far becomes
        the best, and the next proposal starts from it. When a proposal fails, the
        intervals whose per-interval target it breaks (and the interval before, whose
        queue they inherit) keep the best plan's agents from then on; when it breaks a
        whole-period or tier target, the next proposal removes half as many agents.
        """
        budget = self.settings.max_evaluations
        history: list[dict[str, Any]] = []
        # every replication: the load each group gets in this plan is what Erlang again
        # reads (measured on 2 replications of the province's overloaded start it gave
        # 150 agent-hours fewer than on 6, a plan that missed)
        ev = self.evaluator.evaluate(plan, pool, full=True)
        history.append(self._note("previous plan" if warm else "start", ev))
        if not ev.feasible and budget > 1 and not warm:
            # Erlang again, on the load each group really got in simulation (with repeat
            # calls and overflow): usually close to the answer, and a better place to
            # calibrate than an overloaded plan
            refined = self.erlang_on_simulated_load(ev)
            refined[self.frozen] = plan[self.frozen]
            refined = self.clip(np.maximum(refined, plan))
            if not np.array_equal(refined, plan):
                ev = self.evaluate(refined, pool)
                history.append(self._note("Erlang again", ev))
        best = ev if ev.feasible else None
        G, n = plan.shape
        locked = np.zeros(n, dtype=bool)
        failed = np.zeros(n, dtype=np.int64)  # proposals that broke each interval
        seen = {plan.tobytes(), ev.plan.tobytes()}
        max_removals = G * n * 1000
        misses = 0
        bracket: Evaluation | None = None  # the last removal that failed (below the best)
        interval_cap: IntMatrix | None = None  # most agents the next step removes per interval
        stuck: set[int] = set()
        pending: list[tuple[int, int]] = []  # removals of the last broken proposal
        tol = max(1, math.ceil(_TOLERANCE * ev.plan[~self.frozen].sum())) if best else 1
        while self.evaluations < budget:
            base = best if best is not None else ev
            # adds only until a plan meets every target: removing while adding can chase
            # the noise of the per-interval bounds from one interval to the next
            prop = self.guide.propose(
                base, locked, max_removals if best is not None else 0, interval_cap
            )
            stuck |= set(prop.stuck)
            proposal, order = prop.plan, prop.removals
            if best is None and not (proposal > base.plan).any():
                adds, _ = self.increments(base)  # targets the model does not see (tiers)
                proposal = base.plan.copy()
                for g, i in adds:
                    proposal[g, i] += 1
            if best is not None:
                proposal[:, locked] = best.plan[:, locked]
            stale = self.clip(proposal).tobytes() in seen
            if best is not None and pending and (not order or stale):
                # the corrected model sees no new safe removal; bisect the last broken
                # proposal's removals instead (cheapest predicted loss first)
                order = pending[: len(pending) // 2]
                if len(order) < tol:
                    break
                proposal = best.plan.copy()
                for g, i in order:
                    proposal[g, i] -= 1
            if best is not None:
                proposal[:, locked] = best.plan[:, locked]
            proposal = self.clip(proposal)
            if proposal.tobytes() in seen:
                break
            seen.add(proposal.tobytes())
            tev = self.evaluator.evaluate(proposal, pool, reference=best)
            self.guide.learn(base, tev, prop)
            removed = int(np.clip(base.plan - proposal, 0, None).sum())
            added = int(np.clip(proposal - base.plan, 0, None).sum())
            step = f"+{added} -{removed}"
            if tev.screened:
                step += f" (rejected on {tev.result.replications} of {self.reps} replications)"
            history.append(self._note(step, tev))
            if tev.feasible:
                if best is None or self._cost(tev.plan) < self._cost(best.plan):
                    best = tev
                    tol = max(1, math.ceil(_TOLERANCE * best.plan[~self.frozen].sum()))
                pending = (
                    pending[len(order) :] if pending and order == pending[: len(order)] else []
                )
                if bracket is not None:  # a narrower bracket: the secant again
                    cap, interval_cap = step_caps(
                        best, bracket, self.evaluator.checks, self.evaluator.z
                    )
                    if cap is not None:
                        max_removals = min(max_removals, cap)
                        if max_removals < tol:
                            break
                continue
            if best is None:
                ev = tev  # still on the way to the first feasible plan
                continue
            pending = list(order)
            bracket = tev
            # a second break of the same interval keeps it (and the interval before,
            # whose queue it inherits) at the best plan's agents from then on
            for c, detail in tev.failures:
                if c.scope == "interval":
                    for i in detail:
                        failed[i] += 1
                        if failed[i] >= 2:
                            locked[i] = True
                            if i > 0 and (proposal[:, i - 1] < best.plan[:, i - 1]).any():
                                locked[i - 1] = True
            # the next step by the secant between the best plan and this one; where it
            # gives nothing (a target the model does not see), from the second failed
            # proposal on, half the step; stop once a step could save less than the
            # search's tolerance
            misses += 1
            cap, interval_cap = step_caps(best, tev, self.evaluator.checks, self.evaluator.z)
            if cap is not None:
                max_removals = min(removed - 1, cap)
            elif misses >= 2:
                max_removals = removed // 2
            if max_removals < tol:
                break
        shortfalls: list[dict[str, Any]] = []
        final = best if best is not None else ev
        if final.screened:  # no plan met the targets: the last one, with every replication
            final = self.evaluator.complete(final, pool)
        if not final.feasible:
            shortfalls = self._shortfalls(final, stuck)
        return final, shortfalls, history

    def _cost(self, plan: IntMatrix) -> float:
        return float((plan * self.guide.cost[:, None]).sum())

    def _shortfalls(self, ev: Evaluation, stuck: set[int]) -> list[dict[str, Any]]:
        """Why the targets the plan still misses are missed, in words."""
        _, blocked = self.increments(ev)
        return explain_shortfalls(ev, stuck, blocked)

    def _note(self, step: str, ev: Evaluation) -> dict[str, Any]:
        measured = ev.plan[:, self.sc.horizon.warmup_intervals :]  # as the plan's agent-hours
        hours = float(measured.sum()) * self.m.interval_s / 3600.0
        failures = [c.name for c, _ in ev.failures]
        note = {"step": step, "agent_hours": hours, "feasible": ev.feasible, "failures": failures}
        done = self.evaluations
        elapsed = time.perf_counter() - self._t0
        left = max(self.settings.max_evaluations - done, 0)
        self.log(
            f"  [{done:>3}] {step:<12} {hours:10,.1f} agent-hours  "
            + ("meets every target" if ev.feasible else "misses " + ", ".join(failures))
            + f"  ({elapsed:.0f} s; at most {left} more plans, about {elapsed / done:.1f} s each)"
        )
        return note
