"""``intraday``: where the day ends from its live state, and the smallest actions that save it.

1. Reforecast and forward model (``forward.py``), simulated ``replications`` times.
2. Projected KPIs of the rest of the day per interval and in all, and of the whole day
   (the morning's finished calls plus the simulated rest), with 95 % intervals, and the
   probability that each daily target ends met (the share of replications meeting it).
3. Actions: agents called in to the group the simulation shows worst served (lowest
   service level among the groups that may be called in and are below their limit), in
   the intervals from the next one where it falls short, until the daily targets (and the
   per-interval service-level target from the next interval) are met on the mean, or no
   group may take more (``actions.py``). Every step is simulated with the same random
   numbers, and shown with the agent-hours it costs and the KPIs it buys.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ccsim.intraday.actions import pause_effect, search_call_ins
from ccsim.intraday.forward import Forward, build_forward, run_forward, whole_day
from ccsim.intraday.projection import day_targets, estimate_of, number_or_none
from ccsim.intraday.state import group_labels
from ccsim.intraday.state_model import LiveState
from ccsim.results import SimulationResult
from ccsim.runner.pool import pool_for
from ccsim.runner.replications import default_workers
from ccsim.scenario.schema import Scenario


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
                    "mean": number_or_none(rest.at[k, "mean"]),
                    "ci95": [
                        number_or_none(rest.at[k, "ci_low"]),
                        number_or_none(rest.at[k, "ci_high"]),
                    ],
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
                {
                    "interval": int(str(i)),
                    **{c: (number_or_none(r[c]) if c != "start" else r[c]) for c in cols},
                }
                for i, r in per.iterrows()
            ],
            "whole_day": {k: estimate_of(k, self.day[k]) for k in self.day.columns},
            # the rest of the day's work orders: those open at `at` counted as created then
            "work_orders": res.work_orders() if self.scenario.work_orders else {},
            "targets": self.targets,
            "actions": self.actions,
            "campaign_pauses": self.pauses,
            "notes": self.notes,
        }


def state_notes(sc: Scenario, state: LiveState) -> list[str]:
    """What the forward model leaves out, or takes from an estimate, for this state."""
    notes = []
    repeats = any(ct.redial or ct.return_delay for ct in sc.call_types)
    if repeats and not state.calls_due:
        where = "today's call log does not show them" if state.call_log else "the state lists none"
        notes.append(
            f"the morning callers' redials and returns due after {state.at} are not included "
            f"({where}): the forward model has those of the afternoon's callers only"
        )
    if state.calls_due:
        notes.append(
            "the redials and returns due are new callers in the forward model: first-contact "
            "resolution counts them apart from their earlier calls"
        )
    replayed = [ct.id for ct in sc.call_types if ct.arrivals.times_s is not None]
    if replayed:
        notes.append(
            f"arrivals replayed from the scenario's times ({', '.join(replayed)}): the forward "
            f"model replays those from {state.at} on, as they are (not rescaled by the "
            "reforecast; the morning's are in the state)"
        )
    chasers = sum(ip.count for ip in state.in_progress if ip.kind == "chaser")
    if chasers:
        notes.append(
            f"chasers in talk at {state.at} ({chasers}) are simulated as new matters: each may "
            "raise a work order at the end of its talk, where a chaser raises none (the "
            "forward model may count a few orders too many)"
        )
    labels = group_labels(sc)  # a group by its id or centre/id
    talking: dict[int, tuple[str, int]] = {}
    for ip in state.in_progress:
        name, n = talking.get(labels[ip.group], (ip.group, 0))
        talking[labels[ip.group]] = (name, n + ip.count)
    logged = {labels[g]: n for g, n in state.agents_now.items()}
    for gi, (name, n) in talking.items():
        if gi in logged and n > logged[gi]:
            k = n - logged[gi]
            who = (
                "1 agent finishes the call, then logs off"
                if k == 1
                else (f"{k} agents finish their calls, then log off")
            )
            notes.append(
                f"{name}: {n} call{'s' if n != 1 else ''} in talk with {logged[gi]} "
                f"agent{'s' if logged[gi] != 1 else ''} logged in at {state.at}: {who} "
                "(as at a shift change)"
            )
    if any(ct.ivr for ct in sc.call_types) and not state.in_ivr:
        notes.append(f"the state lists no callers in the IVR at {state.at}: none are simulated")
    if sc.work_orders:
        if not state.open_orders:
            notes.append(
                f"the state lists no work orders open at {state.at}: the back office starts empty"
            )
    return notes


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
    executor: Executor | None = None,
) -> IntradayResult:
    """Project the rest of the day from ``state`` and search the smallest call-in that saves it.

    Parameters
    ----------
    max_extra
        Agents that may be added to one group (per interval).
    call_in
        Groups that may be called in (default: every group that takes calls).
    workers
        Worker processes (default: the machine's cores, at most one per replication);
        with ``executor``, how many replications the search runs ahead.
    executor
        A pool the caller keeps, e.g. a Dask cluster's (``client.get_executor(pure=False)``):
        the replications run there, with the same numbers; it is not shut down here.
    """
    s = scenario.seed if seed is None else seed
    log = log or (lambda msg: None)
    n = default_workers(replications) if workers is None else max(1, min(workers, replications))
    with pool_for(n, executor=executor) as pool:
        fw = build_forward(scenario, state)
        res = run_forward(fw, replications, s, pool=pool)
        log(f"projection: {replications} replications")
        day = whole_day(res, state)
        targets = day_targets(scenario, day, res, fw.current)
        out = IntradayResult(scenario, state, fw, res, day, targets)
        out.notes += state_notes(scenario, state)
        if recommend and targets and not all(t["met"] for t in targets):
            out.actions, why_not = search_call_ins(
                scenario, state, fw, res, replications, s, max_extra, call_in, pool, log, n
            )
            if why_not:
                out.notes.append(why_not)
        per_iv = [t for t in targets if t["scope"] != "whole day" and not t["met"]]
        if per_iv and not out.actions:
            out.notes.append(_interval_note(res, fw.current, per_iv[0]["target"], recommend))
        if recommend and fw.scenario.campaigns:
            out.pauses = [
                pause_effect(scenario, state, c.id, replications, s, pool)
                for c in fw.scenario.campaigns
            ]
    return out


def _interval_note(res: SimulationResult, current: int, target: float, searched: bool) -> str:
    """Which remaining intervals miss the interval target (on the mean), by clock time."""
    sl = res.kpi_values(["interval"])["service_level"].groupby(level="interval").mean()
    ivs = sl.index.to_numpy(dtype=np.int64)
    vals = sl.to_numpy(dtype=float)
    short = [int(i) for i, v in zip(ivs, vals, strict=True) if i >= current and v < target - 1e-12]
    if short == [current]:
        return (
            f"the interval under way ({res.interval_label(current)}) misses the interval "
            "target: calling in helps from the next interval on"
        )
    names = ", ".join(res.interval_label(i) for i in short[:8]) + (" ..." if len(short) > 8 else "")
    if not short:
        where = "an interval may miss"
    else:
        where = f"the interval {names} misses" if len(short) == 1 else f"the intervals {names} miss"
    tail = "; no call-in found brings them back" if searched else ""
    return f"{where} the interval target on the mean{tail}"
