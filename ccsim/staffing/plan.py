"""The staffing plan: Erlang first guess, simulation-verified agents, scheduled and rostered."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ccsim.runner.pool import pool_for
from ccsim.runner.replications import compiled, default_workers
from ccsim.scenario.routing import plan_for
from ccsim.scenario.schema import Scenario
from ccsim.staffing.erlang_step import erlang_plan
from ccsim.staffing.figures import drop_kept_draws
from ccsim.staffing.lines_check import lines_check
from ccsim.staffing.plan_views import PlanViews
from ccsim.staffing.rostering import Rostered, roster_doc, rostered
from ccsim.staffing.search import Searcher, SearchResult, enforced_checks
from ccsim.staffing.shifts import Roster
from ccsim.staffing.warm import moved, start_plan

IntMatrix = NDArray[np.int64]


@dataclass(repr=False)
class StaffingPlan(PlanViews):
    """Result of ``ccsim.staff``: agents per group and interval at each step, and what they achieve.

    Attributes
    ----------
    erlang : array [group, interval]
        Step 1: Erlang C/A per group, on its own load.
    simulated : array [group, interval]
        Step 2: the fewest agents found that meet the targets in simulation.
    scheduled : array [group, interval]
        ``simulated`` grossed up for shrinkage.
    rostered : array [group, interval] or None
        Step 3: agents on duty in the shift roster (when shift patterns are given).

    DataFrames: ``agents()``, ``required()``, ``targets()``, ``groups()``, ``roster()``;
    ``save(folder)`` writes the folder and report of ``ccsim staff --out``.
    """

    scenario: Scenario
    group_ids: list[str]
    interval_labels: list[str]
    interval_s: float
    erlang: IntMatrix
    simulated: IntMatrix
    scheduled: IntMatrix
    rostered: NDArray[np.float64] | None
    rosters: dict[str, Roster]
    search: SearchResult
    seed: int
    confidence: float
    wall_s: float
    reasons: dict[str, list[str]] = field(default_factory=dict)
    roster_result: Rostered | None = None
    #: where the search started: ``"erlang"`` (the Erlang plan) or ``"previous plan"``
    start: str = "erlang"

    @property
    def feasible(self) -> bool:
        """Whether the simulated plan meets every target the search enforces."""
        return self.search.evaluation.feasible

    def hours(self, matrix: NDArray[Any]) -> float:
        """Agent-hours of a matrix of agents per interval (groups without a roster left out).

        The warm-up intervals are left out, as in ``ccsim run``.
        """
        measured = np.asarray(matrix, dtype=float)[..., self.scenario.horizon.warmup_intervals :]
        return float(np.nansum(measured)) * self.interval_s / 3600.0

    def rows(self) -> list[dict[str, Any]]:
        """One row per interval and group."""
        out = []
        for g, gid in enumerate(self.group_ids):
            for i, label in enumerate(self.interval_labels):
                row: dict[str, Any] = {
                    "interval": i,
                    "start": label,
                    "group": gid,
                    "erlang_agents": int(self.erlang[g, i]),
                    "sim_agents": int(self.simulated[g, i]),
                    "scheduled_agents": int(self.scheduled[g, i]),
                }
                v = math.nan if self.rostered is None else float(self.rostered[g, i])
                row["rostered_agents"] = None if v != v else round(v, 3)
                out.append(row)
        return out

    def group_summary(self) -> list[dict[str, Any]]:
        """Per group: agent-hours at each step, the Erlang-simulation gap and its likely reasons."""
        out = []
        for g, gid in enumerate(self.group_ids):
            e, s = self.hours(self.erlang[g]), self.hours(self.simulated[g])
            gap = s - e
            out.append(
                {
                    "group": gid,
                    "erlang_agent_hours": e,
                    "sim_agent_hours": s,
                    "scheduled_agent_hours": self.hours(self.scheduled[g]),
                    "rostered_agent_hours": None
                    if self.rostered is None
                    else self.hours(self.rostered[g]),
                    "gap_agent_hours": gap,
                    "gap_share": gap / e if e > 0 else None,
                    "peak_sim_agents": int(self.simulated[g].max()) if self.simulated.size else 0,
                    "reasons": self.reasons.get(gid, []) if abs(gap) >= max(0.1 * e, 1.0) else [],
                }
            )
        return out

    def _targets(self, targets: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """The plan's targets, ``met`` as the search judged it for the targets it enforces.

        The search holds a target at the stated confidence (per interval for a
        per-interval target); the mean alone (``met_on_mean``) can look better. One
        verdict per target, so a target is never "met" and "short" at once.
        """
        failing = {c.name for c, _ in self.search.evaluation.failures}
        enforced = {c.name for c in enforced_checks(self.scenario)}
        out = {}
        for name, doc in targets.items():
            # ``staffed``: a target the search holds; the others (IVR self-service, FCR,
            # ...) are reported, agents do not move them and ``--strict`` does not read them
            doc = {**doc, "met_on_mean": doc["met"], "staffed": name in enforced}
            if name in enforced:
                doc["met"] = name not in failing
            out[name] = doc
        return out

    def floor(self) -> dict[str, Any]:
        """The per-interval floor and the intervals with calls whose service level is below it.

        Every interval is checked on its own simulated service level (the mean over the
        plan's replications), whatever the targets: a plan can meet whole-day targets
        while a quiet interval collapses, and this says so by clock time.
        """
        level = self.scenario.staffing.floor_service_level
        res = self.search.evaluation.result
        per = res.kpi_values(["interval"]).groupby(level="interval", observed=False).mean()
        below = []
        if level is not None:
            for i, row in per.iterrows():
                sl, offered = float(row["service_level"]), float(row["offered"])
                if offered > 0 and sl == sl and sl < level:
                    below.append(
                        {"interval": int(str(i)), "start": res.interval_label(int(str(i))),
                         "service_level": sl, "offered": offered}
                    )  # fmt: skip
        return {"service_level": level, "threshold_s": self.scenario.sl.threshold_s, "below": below}

    def _shortfalls(self) -> list[dict[str, Any]]:
        """What is still short, one entry per target and reason, its intervals by clock time.

        The search notes a blocked interval at a time; they are gathered here, so that
        ``intervals`` lists those blocked (or, without any, those missing the target)
        and ``interval_labels`` their clock times.
        """
        res = self.search.evaluation.result
        merged: dict[tuple[Any, Any], dict[str, Any]] = {}
        for s in self.search.shortfalls:
            key = (s.get("target"), s.get("reason"))
            entry = merged.setdefault(key, {k: v for k, v in s.items() if k != "interval"})
            if "interval" in s:
                entry.setdefault("blocked", []).append(int(s["interval"]))
        out = []
        for entry in merged.values():
            blocked = entry.pop("blocked", None)
            if blocked:
                entry["intervals"] = sorted(set(blocked))
            if entry.get("intervals"):
                entry["interval_labels"] = [res.interval_label(int(i)) for i in entry["intervals"]]
            out.append(entry)
        return out

    def summary(self) -> dict[str, Any]:
        """The ``ccsim staff --json`` document (without the re-simulated KPIs, see ``to_json``)."""
        ev = self.search.evaluation
        res = ev.result
        run = res.summary()
        doc: dict[str, Any] = {
            "scenario": self.scenario.name,
            "seed": self.seed,
            "replications": res.replications,
            "confidence": self.confidence,
            "statement": (
                f"targets met with {self.confidence:.0%} one-sided confidence on the mean over "
                f"{res.replications} replications (common random numbers), per interval where "
                "the target is per interval"
            ),
            "feasible": self.feasible,
            "evaluations": self.search.evaluations,
            "replications_run": self.search.replications_run,
            "wall_s": self.wall_s,
            "start": self.start,
            "shrinkage": self.scenario.staffing.shrinkage,
            "agent_hours": {
                "erlang": self.hours(self.erlang),
                "sim": self.hours(self.simulated),
                "scheduled": self.hours(self.scheduled),
                "rostered": None if self.rostered is None else self.hours(self.rostered),
            },
            "groups": self.group_summary(),
            "shortfalls": self._shortfalls(),
            "plan": self.rows(),
            "horizon": run["horizon"],
            "service_level_definition": run["service_level_definition"],
            "kpis": run["kpis"],
            "targets": self._targets(run["targets"]),
            "floor": self.floor(),
        }
        lines = lines_check(res)
        if lines:
            doc["lines"] = lines
        if self.rosters:
            doc["roster"] = {
                g: {
                    "status": r.status,
                    "paid_hours": r.paid_hours,
                    "over_cover_agent_hours": float(np.clip(r.over_cover, 0, None).sum())
                    * self.interval_s
                    / 3600.0,
                    "shifts": r.rows(),
                }
                for g, r in self.rosters.items()
            }
        if self.roster_result is not None and self.rosters:
            doc["method"] = self.scenario.staffing.method
            doc.update(
                roster_doc(
                    self.roster_result, self.interval_s, self.hours,
                    self.scenario.horizon.start_day,
                )
            )  # fmt: skip
        return doc

    def start_for(self, sc: Scenario) -> IntMatrix:
        """The plan as the start of a search for ``sc`` (a what-if of its scenario).

        Moved cell by cell by Erlang's change: ``simulated + erlang(sc) - erlang``, at
        least 0 (``ccsim.staffing.warm``); for the same scenario, the plan itself. Pass
        it as ``ccsim.staff(sc, start=...)``, as ``ccsim staff --warm-start`` does.
        """
        return moved(self.simulated, self.erlang, erlang_plan(sc))

    def staffed_scenario(self, which: str = "sim") -> Scenario:
        """The scenario with its groups' agents set to a step of this plan (``erlang``, ``sim``, ``scheduled``)."""
        matrix = {"erlang": self.erlang, "sim": self.simulated, "scheduled": self.scheduled}[which]
        changes = {}
        for g, (c, grp) in enumerate(self.scenario.groups):
            changes[f"centers.{c.id}.groups.{grp.id}.agents"] = [int(x) for x in matrix[g]]
        return self.scenario.replace(changes)


def _reasons(sc: Scenario) -> dict[str, list[str]]:
    """Why simulation may need more or fewer agents than Erlang, per group."""
    out: dict[str, list[str]] = {}
    m = compiled(sc)
    first: dict[int, int] = {}
    later: dict[int, int] = {}
    for ct in sc.call_types:
        for tier in sc.tier_list:
            for net in sc.network_list:
                for dialect in (False, True):
                    plan = plan_for(sc, ct.id, tier.id, net.id, dialect)
                    for pos, (g, _) in enumerate(plan):
                        (first if pos == 0 else later)[g] = 1
    priorities = {t.priority for t in sc.tier_list}
    for g, (_, grp) in enumerate(sc.groups):
        r = []
        gid = m.group_ids[g]
        if g in later:
            r.append("takes overflow from other groups, which its Erlang load leaves out")
        if g in first and any(
            len(plan_for(sc, ct, t.id, n.id)) > 1
            for ct in grp.skills
            for t in sc.tier_list
            for n in sc.network_list
        ):
            r.append("its callers may overflow to other groups after a delay, which Erlang ignores")
        if len(priorities) > 1:
            r.append("tier priorities: lower tiers wait behind VIP callers")
        if len(grp.skills) > 1 and sc.routing.policy in ("tier_skill_wait", "skill_tier_wait"):
            r.append(
                "skill preference order: a multi-skill group is a priority queue, not first-come first-served"
            )
        if grp.dialects or any(n.dialect_share > 0 for n in sc.network_list):
            r.append("dialect routing holds some callers for dialect agents")
        types = [sc.call_type(k) for k in grp.skills]
        if any(t.redial is not None or t.fcr < 1 for t in types) or sc.work_orders:
            r.append(
                "repeat calls (redials, returns, chasers) depend on service, Erlang sees only fresh demand"
            )
        if any(t.handle_time.dist != "exponential" for t in types):
            r.append("handling times are not exponential")
        if any(
            t.patience is not None
            and (t.patience.dist != "exponential" or t.patience.balk_share > 0)
            for t in types
        ):
            r.append("patience is not exponential (or some callers hang up at once)")
        r.append(
            "queues carry over between intervals; Erlang treats each interval as a steady state"
        )
        out[gid] = r
    return out


def staff(
    sc: Scenario,
    seed: int | None = None,
    workers: int | None = None,
    log: Callable[[str], None] | None = None,
    executor: Any = None,
    start: NDArray[np.integer[Any]] | None = None,
) -> StaffingPlan:
    """Plan agents per group and interval: Erlang, then simulation, then shifts.

    Parameters
    ----------
    sc : Scenario
        The scenario; its ``staffing`` block sets shrinkage, limits, confidence, search
        replications and budget, and shift patterns.
    seed : int, optional
        Seed of the search's replications (default: the scenario's).
    workers : int, optional
        Parallel processes.
    log : callable, optional
        Receives one line per evaluated plan.
    executor : concurrent.futures.Executor, optional
        Where the search's replications run instead of local processes (a Dask client's
        ``get_executor()``); the plan is the same.
    start : array [group, interval], optional
        A previous plan the search starts from instead of the Erlang plan (a warm
        start, e.g. ``other_plan.simulated``; ``ccsim.staffing.warm``). The plan found
        meets the targets as from a cold start, and is usually found with fewer plans.
    """
    t0 = time.perf_counter()
    m = compiled(sc)  # compiled before the workers start: they inherit it
    erlang = erlang_plan(sc)
    first = start_plan(start, erlang, sc.horizon.warmup_intervals)
    if not enforced_checks(sc):
        raise ValueError(
            "the scenario has no target staffing can act on (service level, abandonment, ASA, answer rate, occupancy cap, tier targets)"
        )
    n = default_workers(sc.staffing.replications) if workers is None else workers
    # one pool for the search and the rosters' simulations
    try:
        with pool_for(n, [sc], executor) as pool:
            searcher = Searcher(sc, seed, n, log, pool)
            result = searcher.run(first, warm=start is not None)
            sim = result.plan
            shrink = sc.staffing.shrinkage
            need = np.where(sim > 0, np.ceil(sim / (1.0 - shrink) - 1e-9), 0)
            scheduled = need.astype(np.int64)
            rs = rostered(sc, searcher, sim, scheduled, log)
    finally:
        drop_kept_draws()  # run in this process with one worker
    labels = [interval_label(sc, i) for i in range(m.n_intervals)]
    return StaffingPlan(
        scenario=sc,
        group_ids=m.group_ids,
        interval_labels=labels,
        interval_s=m.interval_s,
        erlang=erlang,
        simulated=sim,
        scheduled=scheduled,
        rostered=rs.coverage,
        rosters=rs.rosters,
        search=result,
        seed=searcher.seed,
        confidence=sc.staffing.confidence,
        wall_s=time.perf_counter() - t0,
        reasons=_reasons(sc),
        roster_result=rs,
        start="erlang" if start is None else "previous plan",
    )


def interval_label(sc: Scenario, i: int) -> str:
    """The clock time interval ``i`` starts at, as plan rows give it (``d2 08:00`` past a day)."""
    hz = sc.horizon
    t = hz.start_s + i * hz.interval_s
    day, rem = divmod(round(t), 86_400)
    hhmm = f"{rem // 3600:02d}:{(rem % 3600) // 60:02d}"
    return hhmm if hz.duration_h * 3600 + hz.start_s <= 86_400 else f"d{day + 1} {hhmm}"


def fmt_hours(x: float | None) -> str:
    """Agent-hours for display."""
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:,.1f}"
