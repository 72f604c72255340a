"""Step 3 of the staffing plan: the roster per group, and the rostered plan simulated.

Each group with shift patterns gets a roster covering its scheduled agents: shifts day
by day (``ccsim.staffing.shifts``), or weekly lines with days off when ``staffing.week``
is set and the horizon spans more than one day (``ccsim.staffing.weekly``). With
``staffing.method: joint`` the roster is then thinned where simulation shows the
targets still hold (``ccsim.staffing.joint``). Either way the rostered plan (agents
on the phones: on duty less shrinkage) is simulated with the search's seeds and its
KPIs reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ccsim.engine.compile import Compiled
from ccsim.scenario.schema import Scenario
from ccsim.scenario.staffing import ShiftPattern
from ccsim.staffing.evaluation import Evaluation, IntMatrix
from ccsim.staffing.joint import JointResult, JointSearch, simulate_roster
from ccsim.staffing.search import Searcher
from ccsim.staffing.shifts import Column, Roster, candidate_shifts, roster
from ccsim.staffing.weekly import day_table, week_constraints, week_ok, weekly_lines


def is_weekly(sc: Scenario) -> bool:
    """Whether the roster is weekly: ``staffing.week`` set and a horizon of more than one day."""
    hz = sc.horizon
    return sc.staffing.week is not None and hz.start_s + hz.duration_h * 3600.0 > 86_400.0


def group_patterns(sc: Scenario, gid: str) -> list[ShiftPattern]:
    """The shift patterns that may staff a group (by id or centre/id)."""
    bare = gid.split("/")[-1]
    return [
        p for p in sc.staffing.shifts if p.groups is None or gid in p.groups or bare in p.groups
    ]


def columns(sc: Scenario, m: Compiled, pats: list[ShiftPattern]) -> list[Column]:
    """The roster's choices for a group: shifts, or weekly lines."""
    hz = sc.horizon
    if is_weekly(sc):
        return list(weekly_lines(pats, hz.start_s, hz.start_day, m.horizon_s))
    return list(candidate_shifts(pats, hz.start_s, hz.start_day, m.horizon_s))


def build_rosters(
    sc: Scenario, m: Compiled, scheduled: IntMatrix
) -> tuple[dict[str, Roster], NDArray[np.float64] | None]:
    """Each group's roster over its scheduled agents, and agents on duty per group and interval."""
    if not sc.staffing.shifts:
        return {}, None
    rosters: dict[str, Roster] = {}
    rostered = np.full(scheduled.shape, np.nan)  # NaN: no shift pattern for the group
    week = sc.staffing.week
    for g, gid in enumerate(m.group_ids):
        pats = group_patterns(sc, gid)
        if not pats:
            continue
        if not scheduled[g].any():
            rostered[g] = 0.0
            continue
        cols = columns(sc, m, pats)
        extra = None
        if is_weekly(sc) and week is not None:
            extra = week_constraints(cols, pats, week)  # type: ignore[arg-type]
        r = roster(scheduled[g].astype(float), m.interval_s, cols, extra=extra)
        rosters[gid] = r
        rostered[g] = r.coverage
    return rosters, rostered


@dataclass
class Rostered:
    """The rostered plan as simulated, and the two-step roster beside the joint one."""

    rosters: dict[str, Roster]
    coverage: NDArray[np.float64] | None
    evaluation: Evaluation | None  # the final roster, simulated
    two_step: dict[str, Roster]
    two_step_evaluation: Evaluation | None
    joint: JointResult | None = None
    confidence: float | None = None  # one-sided, of the search's check (staffing.confidence)


def rostered(
    sc: Scenario, searcher: Searcher, sim: IntMatrix, scheduled: IntMatrix,
    log: Callable[[str], None] | None = None,
) -> Rostered:  # fmt: skip
    """Rosters of the plan (two-step, then joint when asked), each simulated once."""
    m = searcher.m
    level = sc.staffing.confidence
    rosters, coverage = build_rosters(sc, m, scheduled)
    if not rosters:
        return Rostered(rosters, coverage, None, rosters, None, confidence=level)
    if sc.staffing.method != "joint":
        ev = simulate_roster(searcher, sim, rosters)
        return Rostered(rosters, coverage, ev, rosters, ev, confidence=level)
    checker = None
    if is_weekly(sc) and sc.staffing.week is not None:
        week = sc.staffing.week

        def checker(gid: str, counts: NDArray[np.int64]) -> bool:
            pats = group_patterns(sc, gid)
            return week_ok(counts, rosters[gid].shifts, pats, week)  # type: ignore[arg-type]

    def reroster(gid: str, need: NDArray[np.float64]) -> NDArray[np.int64] | None:
        r0 = rosters[gid]
        pats = group_patterns(sc, gid)
        extra = None
        if is_weekly(sc) and sc.staffing.week is not None:
            extra = week_constraints(r0.shifts, pats, sc.staffing.week)  # type: ignore[arg-type]
        try:
            return roster(need, m.interval_s, r0.shifts, extra=extra).counts
        except ValueError:
            return None

    js = JointSearch(searcher, sim, rosters, checker, reroster)
    if log:
        log("joint: the two-step roster, then fewer shifts where simulation allows")
    jr = js.run(log)
    cov = None if coverage is None else coverage.copy()
    if cov is not None:
        for gid, r in jr.rosters.items():
            cov[m.group_ids.index(gid)] = r.coverage
    return Rostered(jr.rosters, cov, jr.evaluation, rosters, jr.start, jr, level)


def roster_doc(
    r: Rostered, interval_s: float, hours: Callable[[Any], float], start_day: str
) -> dict[str, Any]:
    """The rostered plans for the ``--json`` document: paid hours, KPIs simulated, days.

    Each target of a simulated roster has two verdicts: ``met`` on the mean over the
    replications (as ``ccsim run`` judges it), and ``met_at_confidence`` as the search
    checks a plan (``failures``): the one-sided bound at ``confidence`` on the right side,
    interval by interval for a per-interval target; ``null`` for a target the search
    does not enforce (judged on the mean only).
    """
    doc: dict[str, Any] = {}

    def simulated(ev: Evaluation | None, rosters: dict[str, Roster]) -> dict[str, Any]:
        out: dict[str, Any] = {"paid_hours": float(sum(ro.paid_hours for ro in rosters.values()))}
        if ev is not None:
            run = ev.result.summary()
            failures = [c.name for c, _ in ev.failures]
            out.update(
                {
                    "feasible": ev.feasible,
                    "failures": failures,
                    "confidence": r.confidence,
                    "agent_hours_on_phones": hours(ev.plan),
                    "replications": ev.result.replications,
                    "kpis": run["kpis"],
                    "targets": {
                        name: {**t, "met_at_confidence": _at_confidence(name, ev, failures)}
                        for name, t in run["targets"].items()
                    },
                }
            )
        return out

    doc["rostered_plan"] = simulated(r.evaluation, r.rosters)
    if r.joint is not None:
        doc["two_step_roster"] = simulated(r.two_step_evaluation, r.two_step)
        doc["joint"] = {
            "evaluations": r.joint.evaluations,
            "wall_s": r.joint.wall_s,
            "history": r.joint.history,
        }
    days = [row for g, ro in r.rosters.items() for row in day_table(ro, start_day, g)]
    if days:
        doc["roster_days"] = days
    return doc


def _at_confidence(name: str, ev: Evaluation, failures: list[str]) -> bool | None:
    """The search's verdict on a target (None if it does not enforce it: no values checked)."""
    return None if name not in ev.values else name not in failures
