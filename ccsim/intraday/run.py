"""``intraday``: where the day ends from its live state, and the smallest actions that save it.

1. Reforecast and forward model (``forward.py``), simulated ``replications`` times.
2. Projected KPIs of the rest of the day per interval and in all, and of the whole day
   (the morning's finished calls plus the simulated rest), with 95 % intervals, and the
   probability that each daily target ends met (the share of replications meeting it).
3. Actions: agents called in to the group the simulation shows worst served (lowest
   service level among the groups that may be called in and are below their limit), in
   the intervals from the next one where it falls short, until the daily targets (and the
   per-interval service-level target from the next interval) are met on the mean, or no
   group may take more (``_search``). Every step is simulated with the same random
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

#: Halvings of the share of the Erlang guess kept (the guess overshoots).
GUESS_BISECTIONS = 3
#: Steps of the action search at most.
MAX_STEPS = 30


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
    pauses: list[dict[str, Any]] = field(default_factory=list)
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
            "campaign_pauses": self.pauses,
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
        if recommend and targets and not all(t["met"] for t in targets):
            out.actions, why_not = _search(
                scenario, state, fw, res, replications, s, max_extra, call_in, pool, log
            )
            if why_not:
                out.notes.append(why_not)
        per_iv = [t for t in targets if t["scope"] != "whole day" and not t["met"]]
        if per_iv and not out.actions:
            out.notes.append(
                f"the interval under way ({res.interval_label(fw.current)}) misses the interval "
                "target: calling in helps from the next interval on"
            )
        if recommend and fw.scenario.campaigns:
            out.pauses = [
                _pause(scenario, state, c.id, replications, s, pool) for c in fw.scenario.campaigns
            ]
    except BaseException:
        if pool is not None:
            stop_pool(pool)
            pool = None
        raise
    finally:
        if pool is not None:
            pool.shutdown()
    return out


def _pause(
    sc: Scenario, state: LiveState, campaign: str, replications: int, seed: int, pool: Any
) -> dict[str, Any]:
    """The day with one campaign paused from now on."""
    fw = build_forward(sc, state, paused=(campaign,))
    res = run_forward(fw, replications, seed, pool=pool)
    day = whole_day(res, state)
    targets = _targets(sc, day, res, fw.current)
    return {
        "campaign": campaign,
        "whole_day": {k: _est(k, day[k]) for k in ("service_level", "abandon_rate")},
        "targets": targets,
        "all_met": all(t["met"] for t in targets),
    }


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
    """Call in agents where the simulation shows a group short, until the targets hold.

    Returns the steps, and why the targets stay missed after the last one (None if met).

    Only intervals from the next one can change (the current one has begun): the targets
    the search aims at are the daily ones and the per-interval service level from there.
    Each step adds to the worst-served group in the intervals where it falls short; a
    group chosen again in a row gets twice the agents of its last step (a deep shortfall
    is closed in a few steps, a shallow one agent by agent).
    """
    labels = group_labels(sc)
    m = fw.m
    G, n_iv = m.staffing.shape
    allowed = (
        sorted({labels[g] for g in call_in})
        if call_in
        else [i for i, (_, g) in enumerate(sc.groups) if g.skills]
    )
    start = fw.current + 1 if fw.current + 1 < n_iv else fw.current
    extra = np.zeros((G, n_iv), dtype=np.int64)
    actions: list[dict[str, Any]] = []
    step_size: dict[int, int] = {}
    last = -1
    targets = _targets(sc, whole_day(res, state), res, start)
    if not all(t["met"] for t in targets):
        # a first guess by Erlang C on the load each group showed in the simulation: a deep
        # shortfall then closes in one step, and the steps below only refine it
        guess = _erlang_guess(sc, res, m, allowed, start, max_extra)
        if guess.any():
            # Erlang per group is stricter than the targets (they hold for the centre, and
            # overflow pools the groups): the smallest share of the guess that meets them,
            # by bisection on the share
            lo, hi = 0.0, 1.0
            best = None
            for _ in range(GUESS_BISECTIONS + 1):
                f = hi if best is None else (lo + hi) / 2.0
                trial = np.ceil(guess * f - 1e-9).astype(np.int64)
                tres = run_forward(build_forward(sc, state, trial), replications, seed, pool=pool)
                tday = whole_day(tres, state)
                tt = _targets(sc, tday, tres, start)
                if all(t["met"] for t in tt) or best is None:
                    best = (trial, tres, tday, tt)
                    hi = f
                else:
                    lo = f
                if not all(t["met"] for t in tt) and f == 1.0:
                    break  # even the whole guess falls short: the steps below go on from it
            assert best is not None
            extra, res, day, targets = best
            actions.append(
                _action(0, "Erlang C on the simulated load", extra, sc, res, day, targets)
            )
            log(
                f"Erlang guess: +{int(extra.sum())} agent-intervals; day SL "
                f"{np.nanmean(day['service_level']):.1%}"
            )
    for step in range(MAX_STEPS):
        if all(t["met"] for t in targets):
            return actions, None
        short = {g: _short_intervals(sc, res, m.group_ids[g], start, n_iv) for g in allowed}
        daily_missed = any(not t["met"] and t["scope"] == "whole day" for t in targets)
        sl = _group_sl(res, m.group_ids, start)
        candidates = [
            g for g in allowed
            if (len(short[g]) or daily_missed) and (extra[g, start:] < max_extra).any()
        ]  # fmt: skip
        if not candidates:
            break
        g = min(candidates, key=lambda i: (sl.get(i, 1.0), i))
        cells = short[g] if len(short[g]) else np.arange(start, n_iv, dtype=np.int64)
        cells = cells[extra[g, cells] < max_extra]
        if not len(cells):
            break
        inc = step_size.get(g, 1) * 2 if g == last else 1
        inc = int(min(inc, max_extra - extra[g, cells].max()))
        inc = max(inc, 1)
        step_size[g], last = inc, g
        extra[g, cells] = np.minimum(extra[g, cells] + inc, max_extra)
        fw2 = build_forward(sc, state, extra)
        res = run_forward(fw2, replications, seed, pool=pool)
        day = whole_day(res, state)
        targets = _targets(sc, day, res, start)
        actions.append(
            {
                "step": step + 1,
                "group": m.group_ids[g],
                "added": inc,
                "extra_agents": int(extra[g, cells].max()),
                "from": res.interval_label(int(cells[0])),
                "to": res.interval_label(int(cells[-1])),
                "intervals": [res.interval_label(int(i)) for i in cells],
                "added_agent_hours": float(inc * len(cells) * sc.horizon.interval_min / 60.0),
                "agent_hours": float(extra.sum() * sc.horizon.interval_min / 60.0),
                "whole_day": {k: _est(k, day[k]) for k in ("service_level", "abandon_rate")},
                "targets": targets,
                "all_met": all(t["met"] for t in targets),
            }
        )
        log(
            f"step {step + 1}: +{inc} {m.group_ids[g]} in {len(cells)} intervals from "
            f"{res.interval_label(int(cells[0]))}: day SL {np.nanmean(day['service_level']):.1%}"
        )
    if all(t["met"] for t in targets):
        return actions, None
    if len(actions) >= MAX_STEPS:
        return actions, f"targets not met after the search's {MAX_STEPS} steps"
    names = ", ".join(m.group_ids[g] for g in allowed) or "none"
    return actions, (
        f"targets not met: no group that may be called in ({names}) is short and below "
        f"--max-extra ({max_extra}) from {res.interval_label(start)}"
    )


def _erlang_guess(
    sc: Scenario, res: SimulationResult, m: Any, allowed: list[int], start: int, max_extra: int
) -> np.ndarray:
    """Agents to add per group and interval so each meets the service-level target by Erlang C."""
    from ccsim.analytics import Targets, required_agents

    t = sc.targets.service_level
    target = (t.interval_target or t.target or 0.8) if t is not None else 0.8
    threshold = sc.sl.threshold_s
    G, n_iv = m.staffing.shape
    extra = np.zeros((G, n_iv), dtype=np.int64)
    reps = max(1, res.replications)
    sums = (
        res.sums(["interval", "group"]).groupby(level=["interval", "group"], observed=False).sum()
    )
    aht = res.kpis("group")[("aht_s", "mean")]
    iv_s = sc.horizon.interval_min * 60.0
    for g in allowed:
        name = m.group_ids[g]
        a = float(aht.get(name, np.nan))
        if not np.isfinite(a) or a <= 0:
            continue
        ivs = np.arange(start, n_iv)
        req = np.array([float(sums["requests"].get((int(i), name), 0.0)) for i in ivs]) / reps
        traffic = req * a / iv_s
        need = np.asarray(
            required_agents(traffic, a, Targets(service_level=target, threshold_s=threshold))
        )
        add = np.clip(need - m.staffing[g, ivs], 0, max_extra)
        extra[g, ivs] = np.where(need < 0, 0, add)
    return extra


def _action(
    step: int, what: str, extra: np.ndarray, sc: Scenario, res: SimulationResult,
    day: pd.DataFrame, targets: list[dict[str, Any]],
) -> dict[str, Any]:  # fmt: skip
    added = extra.sum(axis=0)
    cells = np.flatnonzero(added)
    return {
        "step": step,
        "group": what,
        "added": int(extra.sum()),
        "extra_agents": int(extra.max()) if extra.size else 0,
        "from": res.interval_label(int(cells[0])) if len(cells) else "",
        "to": res.interval_label(int(cells[-1])) if len(cells) else "",
        "intervals": [res.interval_label(int(i)) for i in cells],
        "by_group": {
            res.compiled.group_ids[g]: int(extra[g].sum())
            for g in range(extra.shape[0])
            if extra[g].any()
        },
        "added_agent_hours": float(extra.sum() * sc.horizon.interval_min / 60.0),
        "agent_hours": float(extra.sum() * sc.horizon.interval_min / 60.0),
        "whole_day": {k: _est(k, day[k]) for k in ("service_level", "abandon_rate")},
        "targets": targets,
        "all_met": all(t["met"] for t in targets),
    }


def _group_sl(res: SimulationResult, group_ids: list[str], start: int) -> dict[int, float]:
    """Each group's service level over the intervals from ``start`` (mean of replications)."""
    v = res.sums(["interval", "group"])
    v = v[v.index.get_level_values("interval") >= start]
    per = v.groupby(level="group", observed=False)[["answered_within", "requests"]].sum()
    out = {}
    for g, r in per.iterrows():
        if str(g) in group_ids and r["requests"] > 0:
            out[group_ids.index(str(g))] = float(r["answered_within"] / r["requests"])
    return out


def _short_intervals(
    sc: Scenario, res: SimulationResult, group: str, start: int, n_iv: int
) -> np.ndarray:
    """Intervals from ``start`` where ``group`` answers under the service-level target."""
    t = sc.targets.service_level
    target = (t.interval_target or t.target or 0.8) if t is not None else 0.8
    v = res.kpi_values(["interval", "group"])["service_level"]
    means = v.groupby(level=["interval", "group"], observed=False).mean()
    cells = []
    for i in range(start, n_iv):
        x = means.get((i, group), np.nan)
        if not math.isnan(float(x)) and float(x) < target:
            cells.append(i)
    return np.asarray(cells, dtype=np.int64)
