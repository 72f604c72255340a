"""``intraday``: where the day ends from its live state, and the smallest actions that save it.

1. Reforecast and forward model (``forward.py``), simulated ``replications`` times.
2. Projected KPIs of the rest of the day per interval and in all, and of the whole day
   (the morning's finished calls plus the simulated rest), with 95 % intervals, and the
   probability that each daily target ends met (the share of replications meeting it).
3. Actions: agents called in, one at a time, to the group the simulation shows worst
   served (lowest service level among the groups that may be called in and are below
   their limit), for every remaining interval from the next one, until the daily targets
   (and the per-interval service-level target over the remaining intervals) are met on
   the mean, or no group may take more. Every step is simulated with the same random
   numbers, and shown with the agent-hours it costs and the KPIs it buys.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ccsim.intraday.forward import Forward, build_forward, run_forward, whole_day
from ccsim.intraday.state import LiveState, group_labels
from ccsim.results import SimulationResult
from ccsim.results.kpis import bounds, estimate
from ccsim.runner.pool import stop_pool, worker_pool
from ccsim.runner.replications import default_workers
from ccsim.scenario.schema import Scenario

#: Steps of the action search at most.
MAX_STEPS = 40


@dataclass
class IntradayResult:
    """The projection from a live state and the recommended actions."""

    scenario: Scenario
    state: LiveState
    forward: Forward
    result: SimulationResult
    day: pd.DataFrame  # per replication: whole-day KPIs
    targets: list[dict[str, Any]]
    actions: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def intervals(self) -> pd.DataFrame:
        """Projected KPIs per remaining interval (mean over replications)."""
        t = self.result.by_interval()
        return t[t.index >= self.forward.current] if len(t) else t

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` document."""
        res = self.result
        rest = res.kpis()
        per = self.intervals()
        cols = [
            c
            for c in (
                "start",
                "offered",
                "service_level",
                "abandon_rate",
                "asa_s",
                "occupancy",
                "agents",
            )
            if c in per.columns
        ]
        return {
            "scenario": self.scenario.name,
            "at": self.state.at,
            "day": self.state.day,
            "replications": res.replications,
            "seed": res.seed,
            "reforecast": self.forward.reforecast.replace({np.nan: None}).to_dict(orient="records"),
            "rest_of_day": {
                k: {
                    "mean": _f(rest.at[k, "mean"]),
                    "ci95": [_f(rest.at[k, "ci_low"]), _f(rest.at[k, "ci_high"])],
                }
                for k in (
                    "offered",
                    "answered",
                    "abandoned",
                    "service_level",
                    "abandon_rate",
                    "asa_s",
                    "occupancy",
                )
                if k in rest.index
            },
            "intervals": [
                {"interval": int(str(i)), **{c: (_f(r[c]) if c != "start" else r[c]) for c in cols}}
                for i, r in per.iterrows()
            ],
            "whole_day": {k: _est(k, self.day[k]) for k in self.day.columns},
            "targets": self.targets,
            "actions": self.actions,
            "notes": self.notes,
        }


def _f(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def _est(kpi: str, x: pd.Series) -> dict[str, Any]:
    e = estimate(x.to_numpy(dtype=float), *bounds(kpi))
    return {"mean": _f(e.mean), "ci95": [_f(e.low), _f(e.high)]}


def _targets(
    sc: Scenario, day: pd.DataFrame, res: SimulationResult, current: int
) -> list[dict[str, Any]]:
    """Each daily target (and the remaining intervals' service level): mean and P(met)."""
    t = sc.targets
    out = []
    checks: list[tuple[str, str, float | None]] = [
        ("service_level", ">=", t.service_level.target if t.service_level else None),
        ("abandon_rate", "<=", t.abandon_rate),
        ("answer_rate", ">=", t.answer_rate),
    ]
    for kpi, rule, target in checks:
        if target is None:
            continue
        x = day[kpi].to_numpy(dtype=float)
        ok = x >= target - 1e-12 if rule == ">=" else x <= target + 1e-12
        out.append(
            {
                "kpi": kpi,
                "scope": "whole day",
                "rule": rule,
                "target": target,
                "mean": _f(np.nanmean(x)),
                "met": bool(
                    np.nanmean(x) >= target - 1e-12
                    if rule == ">="
                    else np.nanmean(x) <= target + 1e-12
                ),
                "probability_met": float(np.mean(ok)),
            }
        )
    if t.service_level is not None and t.service_level.interval_target is not None:
        v = res.kpi_values(["interval"])["service_level"].unstack("interval")
        v = v[[c for c in v.columns if int(c) >= current]]
        means = v.mean(axis=0)
        worst = float(means.min()) if len(means.dropna()) else math.nan
        target = t.service_level.interval_target
        per_rep = (v.fillna(1.0) >= target - 1e-12).all(axis=1)
        out.append(
            {
                "kpi": "service_level",
                "scope": "every remaining interval",
                "rule": ">=",
                "target": target,
                "mean": _f(worst),
                "met": bool(worst >= target - 1e-12) if not math.isnan(worst) else True,
                "probability_met": float(per_rep.mean()),
            }
        )
    return out


def intraday(
    scenario: Scenario,
    state: LiveState,
    *,
    replications: int = 20,
    seed: int | None = None,
    max_extra: int = 10,
    call_in: list[str] | None = None,
    recommend: bool = True,
    workers: int | None = None,
    log: Any = None,
) -> IntradayResult:
    """Project the rest of the day from ``state`` and search the smallest call-in that saves it.

    Parameters
    ----------
    max_extra
        Agents that may be added to one group (per interval).
    call_in
        Groups that may be called in (default: every group that takes calls).
    """
    s = scenario.seed if seed is None else seed
    log = log or (lambda msg: None)
    n = default_workers(replications) if workers is None else max(1, min(workers, replications))
    pool = worker_pool(n) if n > 1 else None
    try:
        fw = build_forward(scenario, state)
        res = run_forward(fw, replications, s, pool=pool)
        day = whole_day(res, state)
        targets = _targets(scenario, day, res, fw.current)
        out = IntradayResult(scenario, state, fw, res, day, targets)
        out.notes += [
            "callers still in the IVR at the snapshot and the morning callers' redials and returns due later are not in the forward model",
        ]
        if scenario.campaigns:
            out.notes.append(
                "outbound campaigns run in the forward model as planned; pausing them is not yet assessed"
            )
        if recommend and targets and not all(t["met"] for t in targets):
            out.actions, why_not = _search(
                scenario, state, fw, res, replications, s, max_extra, call_in, pool, log
            )
            if why_not:
                out.notes.append(why_not)
    except BaseException:
        if pool is not None:
            stop_pool(pool)
            pool = None
        raise
    finally:
        if pool is not None:
            pool.shutdown()
    return out


def _search(
    sc: Scenario,
    state: LiveState,
    fw: Forward,
    res: SimulationResult,
    replications: int,
    seed: int,
    max_extra: int,
    call_in: list[str] | None,
    pool: Any,
    log: Any,
) -> tuple[list[dict[str, Any]], str | None]:
    """The call-in steps, and why the targets stay missed after the last one (None if met)."""
    labels = group_labels(sc)
    m = fw.m
    G, n_iv = m.staffing.shape
    allowed = (
        sorted({labels[g] for g in call_in})
        if call_in
        else [i for i, (_, g) in enumerate(sc.groups) if g.skills]
    )
    start = fw.current + 1 if fw.current + 1 < n_iv else fw.current
    hours = (n_iv - start) * sc.horizon.interval_min / 60.0
    extra = np.zeros((G, n_iv), dtype=np.int64)
    actions: list[dict[str, Any]] = []
    for step in range(MAX_STEPS):
        per_group = res.kpis("group")[("service_level", "mean")]
        sl = {
            m.group_ids.index(str(g)): float(v)
            for g, v in per_group.items()
            if str(g) in m.group_ids
        }
        open_groups = [g for g in allowed if extra[g, start] < max_extra]
        if not open_groups:
            break
        g = min(
            open_groups,
            key=lambda i: (sl.get(i, 1.0) if not math.isnan(sl.get(i, 1.0)) else 1.0, i),
        )
        extra[g, start:] += 1
        fw2 = build_forward(sc, state, extra)
        res = run_forward(fw2, replications, seed, pool=pool)
        day = whole_day(res, state)
        targets = _targets(sc, day, res, fw.current)
        actions.append(
            {
                "step": step + 1,
                "group": m.group_ids[g],
                "extra_agents": int(extra[g, start]),
                "from": res.interval_label(start),
                "agent_hours": float(extra.sum() * sc.horizon.interval_min / 60.0),
                "added_agent_hours": hours,
                "whole_day": {k: _est(k, day[k]) for k in ("service_level", "abandon_rate")},
                "targets": targets,
                "all_met": all(t["met"] for t in targets),
            }
        )
        log(
            f"step {step + 1}: +1 {m.group_ids[g]} from {res.interval_label(start)}: day SL {np.nanmean(day['service_level']):.1%}"
        )
        if all(t["met"] for t in targets):
            return actions, None
    if len(actions) >= MAX_STEPS:
        return actions, f"targets not met after the search's {MAX_STEPS} steps"
    names = ", ".join(m.group_ids[g] for g in allowed) or "none"
    return actions, (
        f"targets not met: every group that may be called in ({names}) is at "
        f"--max-extra ({max_extra}) from {res.interval_label(start)}"
    )
