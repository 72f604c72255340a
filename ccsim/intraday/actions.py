"""The smallest call-in that brings the day's targets back, and pausing each campaign.

First a guess by Erlang C on the load each group showed in the simulation, trimmed to
the smallest share of it that meets the targets (Erlang per group is stricter than
targets that hold for the centre; ``search.py``: a share is screened on the first few
replications and decided on all of them). Then, while a target is missed, agents
go to the worst-served group in the intervals where it falls short, twice as many when
the same group is chosen again. Only intervals from the next one can change. Every step
is simulated with the same random numbers.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ccsim.intraday.forward import Forward, build_forward, run_forward, whole_day, with_extra
from ccsim.intraday.projection import day_targets, estimate_of
from ccsim.intraday.search import Trials, erlang_guess, first_share, search_share
from ccsim.intraday.state import group_labels
from ccsim.intraday.state_model import LiveState
from ccsim.results import SimulationResult
from ccsim.scenario.schema import Scenario

#: Steps of the action search at most.
MAX_STEPS = 30


def pause_effect(
    sc: Scenario, state: LiveState, campaign: str, replications: int, seed: int, pool: Any
) -> dict[str, Any]:
    """The day with one campaign paused from now on."""
    fw = build_forward(sc, state, paused=(campaign,))
    res = run_forward(fw, replications, seed, pool=pool)
    day = whole_day(res, state)
    targets = day_targets(sc, day, res, fw.current)
    return {
        "campaign": campaign,
        "whole_day": {k: estimate_of(k, day[k]) for k in ("service_level", "abandon_rate")},
        "targets": targets,
        "all_met": all(t["met"] for t in targets),
    }


def search_call_ins(
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
    workers: int | None = None,
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
    targets = day_targets(sc, whole_day(res, state), res, start)
    if not all(t["met"] for t in targets):
        # a first guess by Erlang C on the load each group showed in the simulation: a deep
        # shortfall then closes in one step, and the steps below only refine it
        guess, load = erlang_guess(sc, res, m, allowed, start, max_extra)
        if guess.any():
            # Erlang per group is stricter than the targets (they hold for the centre, and
            # overflow pools the groups): the smallest share of the guess that meets them
            trials = Trials(fw, seed, replications, pool, workers)
            first = first_share(sc, state, res, load, start)
            extra, res, runs = search_share(sc, state, trials, guess, first, start, res, log)
            day = whole_day(res, state)
            targets = day_targets(sc, day, res, start)
            actions.append(
                _action(0, "Erlang C on the simulated load", extra, sc, res, day, targets)
            )
            log(
                f"Erlang guess: +{int(extra.sum())} agent-intervals ({runs} replications); "
                f"day SL {np.nanmean(day['service_level']):.1%}"
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
        res = run_forward(with_extra(fw, extra), replications, seed, pool=pool)
        day = whole_day(res, state)
        targets = day_targets(sc, day, res, start)
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
                "whole_day": {k: estimate_of(k, day[k]) for k in ("service_level", "abandon_rate")},
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
        "whole_day": {k: estimate_of(k, day[k]) for k in ("service_level", "abandon_rate")},
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
