"""A run's staffing checked against Erlang, per group and interval (no extra simulation).

Two checks, on the numbers a run already has:

1. **Below Erlang's requirement**: the agents staffed in an interval against the agents
   Erlang C (Erlang A where every caller of the group's load has a patience) asks for on
   the group's expected load and the scenario's targets: the first step of
   ``ccsim staff`` (``erlang_step``), before shrinkage.
2. **Simulation and Erlang part**: Erlang's service level (and, under Erlang A, its
   abandonment) for the agents staffed, against the simulated value and its 95 %
   interval over replications. Where Erlang falls outside the interval, a hint says what
   Erlang leaves out for that group: overflow (calls in or out, transfers, pooled call
   types), abandonment (patience not exponential, callers who hang up at once,
   redials) or a short interval (a queue carried over from the previous interval, or an
   interval only a few handling times long).

The closed form is exact only for a group serving one call type with no overflow in or
out (and then only with exponential times); for every other group it is the pooled
approximation the staffing step uses, and the group is marked ``pooled``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ccsim.analytics import queue_metrics
from ccsim.results import kpis as K
from ccsim.scenario.routing import plan_for
from ccsim.scenario.schema import Scenario
from ccsim.staffing.erlang_step import erlang_for_loads, group_loads

# An interval shorter than this many handling times is far from Erlang's steady state.
SHORT_INTERVAL_AHTS = 10.0
# A load this much above the previous interval's leaves a queue Erlang does not see.
LOAD_JUMP = 0.25


def _routing_facts(sc: Scenario) -> tuple[set[int], set[int]]:
    """Groups that take overflow (later in some plan) and groups whose callers may leave."""
    later: set[int] = set()
    out: set[int] = set()
    for ct in sc.call_types:
        for tier in sc.tier_list:
            for net in sc.network_list:
                for dialect in (False, True):
                    plan = plan_for(sc, ct.id, tier.id, net.id, dialect)
                    later |= {g for g, _ in plan[1:]}
                    if len(plan) > 1:
                        out.add(plan[0][0])
    return later, out


def _group_hints(sc: Scenario, later: set[int], out: set[int]) -> list[list[str]]:
    """What Erlang leaves out, per group, that no interval changes."""
    hints = []
    for g, (_, grp) in enumerate(sc.groups):
        h = []
        if g in later or g in out or grp.transfers or len(grp.skills) > 1:
            h.append("overflow")
        types = [sc.call_type(k) for k in grp.skills]
        if any(
            (
                t.patience is not None
                and (t.patience.dist != "exponential" or t.patience.balk_share > 0)
            )
            or t.redial is not None
            for t in types
        ):
            h.append("abandonment")
        hints.append(h)
    return hints


def _simulated(res: Any) -> dict[str, dict[tuple[int, str], K.Estimate]]:
    """Simulated service level and abandonment per (interval, group), with 95 % intervals."""
    vals = res.kpi_values(["interval", "group"])
    out: dict[str, dict[tuple[int, str], K.Estimate]] = {}
    for kpi in ("service_level", "abandon_rate"):
        col = vals[kpi]
        grouped = col.groupby(level=["interval", "group"], observed=True)
        out[kpi] = {
            (int(i), str(gid)): K.estimate(s.to_numpy(), 0.0, 1.0) for (i, gid), s in grouped
        }
    return out


def _short(calls: NDArray[np.float64], aht: NDArray[np.float64], step: float) -> NDArray[np.bool_]:
    """Intervals where the steady state is far: a few handling times long, or a load jump."""
    prev = np.concatenate([[0.0], calls[:-1]])
    jump = calls > prev * (1.0 + LOAD_JUMP)
    return np.asarray((step < SHORT_INTERVAL_AHTS * aht) | jump, dtype=bool)


def erlang_check(res: Any, most: int | None = None) -> dict[str, Any]:
    """Staffed agents and simulated KPIs against Erlang, per group and interval.

    Parameters
    ----------
    res : SimulationResult
        A finished run.
    most : int, optional
        Keep at most this many rows in each list (the counts stay whole).

    Returns
    -------
    dict
        ``groups`` (per group: model, whether pooled), ``below_requirement`` (rows with
        ``interval``, ``start``, ``group``, ``staffed``, ``required``), ``parted`` (rows
        with ``kpi``, ``simulated``, ``ci95``, ``erlang``, ``hint``), their counts, and
        ``checked`` (group-intervals with expected calls).
    """
    sc: Scenario = res.scenario
    m = res.compiled
    step = sc.horizon.interval_s
    gl = group_loads(sc)
    required = erlang_for_loads(sc, gl)
    staffed = np.asarray(m.staffing, dtype=float)
    later, out = _routing_facts(sc)
    hints = _group_hints(sc, later, out)
    sim = _simulated(res) if res.replications > 1 else None
    sl = sc.sl
    groups = []
    below: list[dict[str, Any]] = []
    parted: list[dict[str, Any]] = []
    checked = 0
    first = m.warmup_intervals
    for g, (_, grp) in enumerate(sc.groups):
        gid = str(m.group_ids[g])
        calls, work = gl.calls[g], gl.work_s[g]
        has = calls > 0
        if not has.any():
            continue
        with np.errstate(invalid="ignore", divide="ignore"):
            aht = np.where(has, work / np.where(has, calls, 1.0), 1.0)
            patience = np.where(has, gl.patience_work[g] / np.where(has, calls, 1.0), np.inf)
        finite = bool(np.all(np.isfinite(patience[has])))
        pooled = bool(hints[g] and "overflow" in hints[g])
        groups.append(
            {
                "group": gid,
                "model": "erlang_a" if finite else "erlang_c",
                "pooled": pooled,
                "call_types": list(grp.skills),
            }
        )
        metrics = queue_metrics(
            staffed[g],
            work / step,
            aht,
            sl.threshold_s,
            np.where(np.isfinite(patience), patience, 1.0) if finite else None,
            sl.formula if finite else "offered",
            with_asa=False,
        )
        erl_sl = np.asarray(metrics.service_level, dtype=float)
        erl_ab = np.asarray(metrics.p_abandon, dtype=float)
        short = _short(calls, aht, step)
        for i in range(first, calls.size):
            if not has[i]:
                continue
            checked += 1
            start = res.interval_label(i)
            if staffed[g, i] < required[g, i]:
                below.append(
                    {
                        "interval": i,
                        "start": start,
                        "group": gid,
                        "staffed": float(staffed[g, i]),
                        "required": int(required[g, i]),
                    }
                )
            if sim is None:
                continue
            pairs = [("service_level", erl_sl[i])]
            if finite:
                pairs.append(("abandon_rate", erl_ab[i]))
            for kpi, erl in pairs:
                est = sim[kpi].get((i, gid))
                if est is None or not np.isfinite(est.low) or not np.isfinite(erl):
                    continue
                if est.low - 1e-9 <= erl <= est.high + 1e-9:
                    continue
                why = list(hints[g]) + (["short interval"] if short[i] else [])
                parted.append(
                    {
                        "interval": i,
                        "start": start,
                        "group": gid,
                        "kpi": kpi,
                        "simulated": est.mean,
                        "ci95": [est.low, est.high],
                        "erlang": float(erl),
                        "hint": ", ".join(why) if why else "chance or non-exponential times",
                    }
                )
    return {
        "basis": (
            "Erlang C (Erlang A where every caller has a patience) per group and interval, "
            "on the scenario's expected load and targets, before shrinkage; pooled groups "
            "(several call types, overflow or transfers) by the staffing step's approximation"
        ),
        "compared": sim is not None,
        "checked": checked,
        "groups": groups,
        "below_requirement_count": len(below),
        "below_requirement": below if most is None else below[:most],
        "parted_count": len(parted),
        "parted": parted if most is None else parted[:most],
    }
