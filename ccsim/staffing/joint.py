"""Joint staffing and shifts: fewer shifts wherever simulation shows the targets still hold.

The two-step plan covers, interval by interval, the agents the search found with
whole shifts; the shifts' granularity leaves agents on duty beyond that requirement,
and the requirement itself holds every interval at the search's plan even where the
period targets leave room. ``staffing.method: joint`` starts from the two-step roster
and decides the agents on each shift (or weekly line) directly, with the simulated
targets as the constraints:

1. The rostered plan is simulated (the search's seeds: common random numbers). Agents
   on the phones in an interval are ``floor(on duty x (1 - shrinkage))``. Where it
   misses a target (rare: the roster covers the search's plan), the model's adds are
   rostered again until it meets them (repair).
2. Re-roster: the guided model (``ccsim.staffing.guided``: Erlang slopes on the calls
   each cell was offered, calibrated on the last simulation) proposes the agents it
   predicts can go from each interval of the rostered plan (never below the search's
   lower bounds); the roster's integer program covers that lower requirement again
   with the cheapest shifts. A proposal that is not cheaper ends this phase; one that
   fails halves the agents the next may remove.
3. Single shifts off: the model predicts, for every shift worked, what one agent fewer
   on it does to every modelled target. Removals are taken greedily, the cheapest
   predicted loss per paid hour saved first, while every modelled target stays
   predicted met, no cell falls below the lower bounds (``min_agents``, the
   service-level floor) and the weekly limits hold. A failed batch is halved; a single
   removal that fails is not tried again.

Each proposal is simulated and checked exactly as the two-step method checks a plan
(``PlanEvaluator``, the same confidence rules and sequential sampling; the two-step
roster and repairs with every replication). A plan that meets every target becomes the
best; the model's slopes are corrected by what simulation showed (actual over predicted
change). The search ends when nothing cheaper is predicted safe
or the budget ``staffing.joint_evaluations`` is spent.

Once the two-step roster meets the targets, the joint plan is never dearer than it,
and is that roster when no proposal holds. Targets the model does not see (tier targets) are
judged by simulation alone.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ccsim.runner.pool import pool_for
from ccsim.staffing.evaluation import Evaluation, IntMatrix
from ccsim.staffing.guided import Model, Proposal, erlang_tables
from ccsim.staffing.search import Searcher
from ccsim.staffing.shifts import Roster, coverage_matrix


@dataclass
class JointResult:
    """The joint method's roster and its simulated plan."""

    rosters: dict[str, Roster]
    evaluation: Evaluation  # the rostered plan, simulated with every replication
    start: Evaluation  # the two-step roster, simulated
    evaluations: int  # rostered plans simulated (the start included)
    wall_s: float
    history: list[dict[str, Any]] = field(default_factory=list)


def on_phones(coverage: NDArray[np.float64], shrinkage: float) -> NDArray[np.int64]:
    """Agents on the phones from agents on duty: ``floor(on duty x (1 - shrinkage))``."""
    out: NDArray[np.int64] = np.floor(coverage * (1.0 - shrinkage) + 1e-9).astype(np.int64)
    return out


def rostered_plan(
    searcher: Searcher, base: IntMatrix, counts: dict[str, NDArray[np.int64]],
    cover: dict[str, NDArray[np.float64]],
) -> IntMatrix:  # fmt: skip
    """Agents per group and interval the roster puts on the phones (other groups as ``base``)."""
    plan = np.asarray(base, dtype=np.int64).copy()
    ids = searcher.m.group_ids
    for gid, c in counts.items():
        plan[ids.index(gid)] = on_phones(cover[gid] @ c, searcher.settings.shrinkage)
    return plan


def simulate_roster(searcher: Searcher, base: IntMatrix, rosters: dict[str, Roster]) -> Evaluation:
    """The rostered plan simulated once with the search's seeds and every replication."""
    n = searcher.m.n_intervals
    cover = {g: coverage_matrix(r.shifts, n, searcher.m.interval_s) for g, r in rosters.items()}
    plan = rostered_plan(searcher, base, {g: r.counts for g, r in rosters.items()}, cover)
    ev: Evaluation = _with_pool(
        searcher, lambda pool: searcher.evaluator.evaluate(plan, pool, full=True)
    )
    return ev


def _with_pool(searcher: Searcher, work: Any) -> Any:
    with pool_for(searcher.workers, [searcher.sc], searcher.executor) as pool:
        return work(pool)


class JointSearch:
    """Removes shifts from a roster while simulation says every target holds."""

    def __init__(
        self, searcher: Searcher, base: IntMatrix, rosters: dict[str, Roster],
        week_ok: Any = None, reroster: Any = None,
    ) -> None:  # fmt: skip
        self.s = searcher
        self.base = base
        self.rosters = rosters
        self.groups = list(rosters)
        n = searcher.m.n_intervals
        self.cover = {
            g: coverage_matrix(r.shifts, n, searcher.m.interval_s) for g, r in rosters.items()
        }
        self.gidx = {g: searcher.m.group_ids.index(g) for g in self.groups}
        rate = searcher.rate if searcher.settings.objective == "cost" else None
        self.paid = {
            g: np.array([sh.length_s / 3600.0 for sh in r.shifts]) for g, r in rosters.items()
        }
        #: what a removal saves: paid hours, or their cost with objective: cost
        self.hours = {
            g: p * (1.0 if rate is None else max(float(rate[self.gidx[g]]), 1e-9))
            for g, p in self.paid.items()
        }
        #: (group, counts) -> whether the group's weekly limits hold (None: no limits)
        self.week_ok = week_ok
        #: (group, scheduled agents per interval) -> agents per shift of the cheapest roster
        self.reroster = reroster
        self.history: list[dict[str, Any]] = []

    def plan(self, counts: dict[str, NDArray[np.int64]]) -> IntMatrix:
        """The plan simulated for these agents per shift."""
        return rostered_plan(self.s, self.base, counts, self.cover)

    def cost(self, counts: dict[str, NDArray[np.int64]]) -> float:
        """Paid hours of a roster."""
        return float(sum(self.paid[g] @ c for g, c in counts.items()))

    def run(self, log: Any = None) -> JointResult:
        """Search from the two-step roster; return the cheapest roster that met every target."""
        t0 = time.perf_counter()
        log = log or (lambda msg: None)
        first = self.s.evaluator.evaluations
        budget = self.s.settings.joint_evaluations
        counts = {g: r.counts.astype(np.int64).copy() for g, r in self.rosters.items()}

        def work(pool: Any) -> tuple[Evaluation, Evaluation, dict[str, NDArray[np.int64]]]:
            start = self.s.evaluator.evaluate(self.plan(counts), pool, full=True)
            self._note("two-step roster", start, counts, log)
            best, best_counts = start, counts
            # 0. repair: where the roster misses a target, the model's adds, rostered again
            while not best.feasible and self.s.evaluator.evaluations - first < budget:
                rr = self.rerostered(best, best_counts, 0, dearer=True)
                if rr is None:
                    return start, best, best_counts
                new, _, proposal = rr
                tev = self.s.evaluator.evaluate(self.plan(new), pool, full=True)
                self.s.guide.learn(best, tev, proposal)
                self._note("repair", tev, new, log)
                best, best_counts = tev, new
            if not best.feasible:
                return start, best, best_counts
            tried: set[tuple[str, int]] = set()
            batch = 10**9
            seen = {self.plan(counts).tobytes()}
            # 1. re-roster: the model's cheaper requirement, covered again by the cheapest shifts
            cells = 10**9 if self.reroster is not None else 0
            while cells >= 1 and self.s.evaluator.evaluations - first < budget:
                rr = self.rerostered(best, best_counts, cells)
                if rr is None:
                    break
                new, removed, proposal = rr
                plan = self.plan(new)
                if plan.tobytes() in seen:
                    break
                seen.add(plan.tobytes())
                tev = self.s.evaluator.evaluate(plan, pool, reference=best)
                self.s.guide.learn(best, tev, proposal)
                self._note(f"re-roster -{removed}", tev, new, log)
                if tev.feasible:
                    best, best_counts = tev, new
                else:
                    cells = removed // 2
            # 2. single shifts off, cheapest predicted loss per paid hour first
            while self.s.evaluator.evaluations - first < budget:
                prop = self.propose(best, best_counts, tried, batch)
                if prop is None:
                    break
                new, order, proposal = prop
                tev = self.s.evaluator.evaluate(self.plan(new), pool, reference=best)
                self.s.guide.learn(best, tev, proposal)
                self._note(f"-{len(order)} shifts", tev, new, log)
                if tev.feasible:
                    best, best_counts = tev, new
                elif len(order) == 1:
                    tried.add(order[0])
                else:
                    batch = max(1, len(order) // 2)
            return start, best, best_counts

        start, best, best_counts = _with_pool(self.s, work)
        rosters = {}
        for g, r in self.rosters.items():
            c = best_counts[g]
            cov = self.cover[g] @ c
            paid = float(self.paid[g] @ c)
            same = np.array_equal(c, r.counts)
            status = r.status if same else "joint: fewer shifts, the targets met in simulation"
            rosters[g] = replace(r, counts=c, coverage=cov, paid_hours=paid, status=status)
        return JointResult(
            rosters, best, start, self.s.evaluator.evaluations - first,
            time.perf_counter() - t0, self.history,
        )  # fmt: skip

    def model(self, ev: Evaluation) -> Model:
        """The guided model calibrated on a simulated plan, its tables from 8 agents fewer."""
        guide = self.s.guide
        cal = guide.calibration(ev)
        P = ev.plan
        lo = np.maximum(P - 8, 0)
        # every cell over the same width (up to 8 above a small cell's plan): a re-roster
        # adds agents where its shifts cover more than the plan, and reads them there
        hi = lo + int((P - lo).max())
        sl = self.s.sc.sl
        with_asa = any(c.kpi == "asa_s" for c in self.s.evaluator.checks)
        tables = erlang_tables(
            cal, lo, hi, self.s.m.interval_s, sl.threshold_s, sl.formula, with_asa
        )
        return Model(
            cal, tables, self.s.evaluator.checks, self.s.evaluator.z, self.s.m.interval_s,
            guide.scale_interval, guide.scale_period, self.s.evaluator.reps,
        )  # fmt: skip

    def propose(
        self, ev: Evaluation, counts: dict[str, NDArray[np.int64]], tried: set[tuple[str, int]],
        batch: int,
    ) -> tuple[dict[str, NDArray[np.int64]], list[tuple[str, int]], Proposal] | None:  # fmt: skip
        """Shifts to remove, cheapest predicted loss per paid hour first, all predicted safe."""
        model = self.model(ev)
        s = self.s
        k = ev.plan.copy()
        now_i = model.interval[0].copy() if model.interval is not None else None
        base_i = None if now_i is None else now_i.copy()
        now_p = {kpi: v[0] for kpi, v in model.period.items()}
        model._moved_s = 0.0
        new = {g: c.copy() for g, c in counts.items()}
        order: list[tuple[str, int]] = []
        # outbound-only groups keep their agents; the warm-up intervals follow the roster
        movable = ~s.frozen | ~np.asarray(s.fixed, dtype=bool)[:, None]
        shrink = s.settings.shrinkage
        while len(order) < batch:
            best: tuple[float, str, int, list[int]] | None = None
            for g in self.groups:
                gi = self.gidx[g]
                cov = self.cover[g] @ new[g]
                for j in np.flatnonzero(new[g] > 0):
                    if (g, int(j)) in tried:
                        continue
                    drop = np.flatnonzero(on_phones(cov - self.cover[g][:, j], shrink) < k[gi])
                    if (~movable[gi, drop]).any() or (k[gi, drop] - 1 < s.low[gi, drop]).any():
                        continue
                    if self.week_ok is not None:
                        trial = new[g].copy()
                        trial[j] -= 1
                        if not self.week_ok(g, trial):
                            continue
                    loss = self._loss(model, gi, k, drop, now_i, now_p)
                    if loss is None:
                        continue
                    score = loss / max(float(self.hours[g][j]), 1e-9)
                    if best is None or score < best[0]:
                        best = (score, g, int(j), [int(i) for i in drop])
            if best is None:
                break
            _, g, jj, cells = best
            gi = self.gidx[g]
            for i in cells:
                d = model.deltas(gi, i, int(k[gi, i]), -1)
                if now_i is not None:
                    now_i[i] += d["interval"]
                for kpi in now_p:
                    now_p[kpi] += d[kpi]
                k[gi, i] -= 1
                model._moved_s -= s.m.interval_s
            new[g][jj] -= 1
            order.append((g, jj))
        if not order:
            return None
        d_i = None if now_i is None or base_i is None else now_i - base_i
        d_p = {kpi: now_p[kpi] - v[0] for kpi, v in model.period.items()}
        return new, order, Proposal(k, [], d_i, d_p, [])

    def rerostered(
        self, ev: Evaluation, counts: dict[str, NDArray[np.int64]], cells: int,
        dearer: bool = False,
    ) -> tuple[dict[str, NDArray[np.int64]], int, Proposal] | None:  # fmt: skip
        """The model's plan from the rostered one, rostered again; None if not cheaper.

        With ``cells`` > 0 the model removes at most that many agents where it predicts
        the targets hold; with ``dearer`` (a roster missing a target) it adds where it
        predicts a target short, and the new roster may cost more (it must differ).
        """
        s = self.s
        n = ev.plan.shape[1]
        prop = s.guide.propose(ev, np.zeros(n, dtype=bool), cells)
        removed = len(prop.removals)
        if (removed == 0 and not dearer) or (dearer and not (prop.plan > ev.plan).any()):
            return None
        shrink = s.settings.shrinkage
        new = {}
        for g in self.groups:
            k = prop.plan[self.gidx[g]]
            need = np.where(k > 0, np.ceil(k / (1.0 - shrink) - 1e-9), 0.0)
            c = self.reroster(g, need)
            if c is None or (self.week_ok is not None and not self.week_ok(g, c)):
                return None
            new[g] = np.asarray(c, dtype=np.int64)
        if dearer:
            if all(np.array_equal(new[g], counts[g]) for g in self.groups):
                return None
        elif self.cost(new) >= self.cost(counts) - 1e-9:
            return None
        model = self.model(ev)
        d_i, d_p = predict(model, ev.plan, self.plan(new), s.m.interval_s)
        return new, removed, Proposal(self.plan(new), [], d_i, d_p, [])

    def _loss(
        self, model: Model, gi: int, k: IntMatrix, drop: NDArray[np.int64],
        now_i: NDArray[np.float64] | None, now_p: dict[str, float],
    ) -> float | None:  # fmt: skip
        """Predicted loss of one agent fewer in the cells ``drop`` of group ``gi``; None if unsafe."""
        di: dict[int, float] = {}
        dp = dict.fromkeys(now_p, 0.0)
        moved = model._moved_s
        for i in drop:
            d = model.deltas(gi, int(i), int(k[gi, i]), -1)
            di[int(i)] = d["interval"]
            for kpi in dp:
                dp[kpi] += d[kpi]
            model._moved_s -= self.s.m.interval_s
        model._moved_s = moved
        if now_i is not None:
            for i, v in di.items():
                if model.off_i[i] > 0 and not model.ok_interval(i, float(now_i[i] + v)):
                    return None
        if not all(model.ok_period(kpi, now_p[kpi] + dp[kpi]) for kpi in dp):
            return None
        loss = -sum(di.values()) + sum(-model.period[kpi][2] * dp[kpi] for kpi in dp)
        return max(loss, 0.0)

    def _note(
        self, step: str, ev: Evaluation, counts: dict[str, NDArray[np.int64]], log: Any
    ) -> None:
        paid = self.cost(counts)
        failures = [c.name for c, _ in ev.failures]
        note = {"step": step, "paid_hours": paid, "feasible": ev.feasible, "failures": failures}
        self.history.append(note)
        what = "meets every target" if ev.feasible else "misses " + ", ".join(failures)
        log(f"  [joint {len(self.history):>2}] {step:<16} {paid:10,.1f} paid hours  {what}")


def predict(
    model: Model, P0: IntMatrix, P1: IntMatrix, interval_s: float
) -> tuple[NDArray[np.float64] | None, dict[str, float]]:
    """The model's predicted change of each interval's service level and each period KPI, P0 to P1."""
    d_i = None if model.interval is None else np.zeros(P0.shape[1])
    d_p = dict.fromkeys(model.period, 0.0)
    model._moved_s = 0.0
    for g, i in zip(*np.nonzero(P1 != P0), strict=True):
        k, step = int(P0[g, i]), 1 if P1[g, i] > P0[g, i] else -1
        while k != int(P1[g, i]):
            d = model.deltas(int(g), int(i), k, step)
            if d_i is not None:
                d_i[i] += d["interval"]
            for kpi in d_p:
                d_p[kpi] += d[kpi]
            model._moved_s += step * interval_s
            k += step
    return d_i, d_p


def joint_hours(rosters: dict[str, Roster]) -> float:
    """Paid hours of every group's roster."""
    return float(math.fsum(r.paid_hours for r in rosters.values()))
