"""Step 1 of the staffing plan: each group staffed on its own by Erlang C or Erlang A.

A group's offered load is the expected agent requests of the caller classes whose plan
starts with it (fresh demand after the IVR, plus the expected returns of unresolved
callers), with their blended handling time: the group's own handling time and
first-contact resolution where its proficiency sets them. The share a group transfers
is offered to the second group too, with its conference, talk and wrap (a consult's
conference also to the first group; the first agent's wait for the second is left
out). Erlang A is used where every call type of the load has a patience (a consulted
caller has none), Erlang C otherwise. The targets are the scenario's (a tier's
stricter service-level target applies where that tier is at least a tenth of the
group's load); shrinkage is applied afterwards. Overflow, priorities, dialect routing,
redials and non-exponential times are ignored: simulation corrects for them in step 2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ccsim.analytics.offered import offered_load
from ccsim.analytics.sizing import Targets, required_agents
from ccsim.scenario.proficiency import handling_mean, proficiency_of
from ccsim.scenario.routing import group_index, plan_for
from ccsim.scenario.schema import CallType, Scenario
from ccsim.scenario.transfers import Transfer, transfers_of


@dataclass(frozen=True)
class GroupLoad:
    """Expected load per interval and group."""

    calls: NDArray[np.float64]  # [group, interval]
    work_s: NDArray[np.float64]  # [group, interval] request-seconds
    patience_work: NDArray[np.float64]  # calls x mean patience (inf where a call type has none)
    tier_calls: NDArray[np.float64]  # [group, tier] over the period


def group_loads(sc: Scenario) -> GroupLoad:
    """Route the expected demand of every caller class to the first group of its plan."""
    load = offered_load(sc)
    n = load.requests.shape[0]
    G = len(sc.groups)
    calls = np.zeros((G, n))
    work = np.zeros((G, n))
    pat = np.zeros((G, n))
    tier_calls = np.zeros((G, len(load.tier_ids)))
    # a call raising a work order does not come back as an FCR return
    order_p = {(ct.id, t.id): 0.0 for ct in sc.call_types for t in sc.tier_list}
    for wo in sc.work_orders:
        for rb in wo.raised_by:
            for t in sc.tier_list:
                if rb.tiers is None or t.id in rb.tiers:
                    order_p[(rb.call_type, t.id)] += rb.probability
    nets = sc.network_list
    groups = [g for _, g in sc.groups]
    for k, ct in enumerate(sc.call_types):
        for r, tier in enumerate(sc.tier_list):
            no_order = 1.0 - min(order_p[(ct.id, tier.id)], 1.0)
            for j, net in enumerate(nets):
                for dialect, share in ((False, 1.0 - net.dialect_share), (True, net.dialect_share)):
                    if share <= 0:
                        continue
                    plan = plan_for(sc, ct.id, tier.id, net.id, dialect)
                    if not plan:
                        continue
                    g = plan[0][0]
                    # the first group's own handling time and resolution (proficiency)
                    grp = groups[g]
                    p = proficiency_of(grp.proficiency, grp.skills, ct.id)
                    aht = load.aht_s[k] if p is None else handling_mean(ct, p)
                    fcr = ct.fcr if p is None else p.resolution(ct)
                    uplift = 1.0 / max(1.0 - no_order * (1.0 - fcr), 1e-6)
                    req = load.requests[:, k, r, j] * uplift
                    calls[g] += req * share
                    work[g] += req * share * aht
                    for tr in grp.transfers and transfers_of(grp.transfers, grp.skills, ct.id):
                        # the transferred share is also offered to the second group
                        to, conf, aht2 = second_leg(sc, tr, ct)
                        moved = req * share * tr.share
                        calls[to] += moved
                        work[to] += moved * (conf + aht2)
                        work[g] += moved * conf
                        waits = load.patience_s[k] if tr.kind == "blind" else np.inf
                        with np.errstate(invalid="ignore"):
                            pat[to] += np.where(req > 0, moved * waits, 0.0)
                        tier_calls[to, r] += float(moved.sum())
                    # patience-weighted calls (infinite patience: Erlang C); none without calls
                    with np.errstate(invalid="ignore"):
                        pat[g] += np.where(req > 0, req * share * load.patience_s[k], 0.0)
                    tier_calls[g, r] += float(req.sum()) * share
    return GroupLoad(calls, work, pat, tier_calls)


def second_leg(sc: Scenario, tr: Transfer, ct: CallType) -> tuple[int, float, float]:
    """The second group of a transfer, its mean conference time and mean talk + wrap (s)."""
    to = group_index(sc, tr.to)
    assert to is not None
    g = sc.groups[to][1]
    p = proficiency_of(g.proficiency, g.skills, ct.id)
    f = p.time_factor if p is not None and p.time_factor is not None else 1.0
    talk = (tr.talk_time or ct.handle_time).mean * f
    wrap_d = tr.wrap_time or ct.wrap_time
    wrap = (wrap_d.mean if wrap_d is not None else 0.0) * f
    if p is not None and p.handle_time is not None:
        talk = p.handle_time.mean
    if p is not None and p.wrap_time is not None:
        wrap = p.wrap_time.mean
    conf = tr.conference_time.mean if tr.conference_time is not None else 0.0
    return to, conf, talk + wrap


def erlang_plan(sc: Scenario) -> NDArray[np.int64]:
    """Agents per group and interval by Erlang (before shrinkage)."""
    return erlang_for_loads(sc, group_loads(sc))


def erlang_for_loads(sc: Scenario, gl: GroupLoad) -> NDArray[np.int64]:
    """Agents per group and interval by Erlang for given group loads."""
    step = sc.horizon.interval_s
    t = sc.targets
    sl = sc.sl
    base_sl = sl.target if sl.target is not None else (None if (t.asa_s or t.abandon_rate) else 0.8)
    out = np.zeros(gl.calls.shape, dtype=np.int64)
    tiers = sc.tier_list
    for g in range(gl.calls.shape[0]):
        calls, work = gl.calls[g], gl.work_s[g]
        if not calls.any():
            continue
        target = base_sl
        threshold = sl.threshold_s
        share = gl.tier_calls[g] / max(gl.tier_calls[g].sum(), 1e-12)
        for r, tier in enumerate(tiers):
            ts = tier.targets.service_level if tier.targets else None
            if ts is not None and share[r] >= 0.1 and (target is None or ts.target > target):
                target = ts.target
                threshold = ts.threshold_s if ts.threshold_s is not None else threshold
        with np.errstate(invalid="ignore", divide="ignore"):
            aht = np.where(calls > 0, work / np.where(calls > 0, calls, 1.0), 1.0)
            patience = np.where(
                calls > 0, gl.patience_work[g] / np.where(calls > 0, calls, 1.0), np.inf
            )
        finite = bool(np.all(np.isfinite(patience[calls > 0])))
        targets = Targets(
            service_level=min(target, 0.999) if target is not None else None,
            threshold_s=threshold,
            sl_formula=sl.formula if finite else "offered",
            asa_s=t.asa_s,
            abandon_rate=t.abandon_rate if finite else None,
            max_occupancy=t.max_occupancy,
        )
        req = np.asarray(
            required_agents(
                work / step,
                aht,
                targets,
                np.where(np.isfinite(patience), patience, 1.0) if finite else None,
            ),
            dtype=np.int64,
        )
        out[g] = np.where(calls > 0, np.maximum(req, 0), 0)
    return out


def floor_agents(sc: Scenario, gl: GroupLoad, service_level: float) -> NDArray[np.int64]:
    """Agents per group and interval for a floor service level, by Erlang, where calls come.

    The safety net under the search: no group is left so thin in an interval with calls
    that its own first-choice callers mostly wait past the threshold (a quiet night
    staffed with nobody because only whole-day targets were set).
    """
    step = sc.horizon.interval_s
    out = np.zeros(gl.calls.shape, dtype=np.int64)
    for g in range(gl.calls.shape[0]):
        calls, work = gl.calls[g], gl.work_s[g]
        if not calls.any():
            continue
        with np.errstate(invalid="ignore", divide="ignore"):
            aht = np.where(calls > 0, work / np.where(calls > 0, calls, 1.0), 1.0)
        targets = Targets(service_level=service_level, threshold_s=sc.sl.threshold_s)
        req = np.asarray(required_agents(work / step, aht, targets), dtype=np.int64)
        out[g] = np.where(calls > 0, np.maximum(req, 1), 0)
    return out


def erlang_on_offered(
    sc: Scenario, offered: NDArray[np.float64], aht_s: NDArray[np.float64]
) -> NDArray[np.int64]:
    """Erlang per group and interval on the calls each group was offered in simulation.

    ``offered`` and ``aht_s`` are [group, interval] (means over replications). Patience
    per call is each group's first-guess mix over the period (simulation does not report
    it); a group with no first-guess load takes the overall mix.
    """
    base = group_loads(sc)
    calls = np.nan_to_num(offered)
    work = calls * np.nan_to_num(aht_s)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_group = base.patience_work.sum(axis=1) / base.calls.sum(axis=1)
        overall = base.patience_work.sum() / base.calls.sum() if base.calls.sum() > 0 else np.inf
    per_group = np.where(np.isnan(per_group), overall, per_group)
    with np.errstate(invalid="ignore"):
        patience_work = np.where(calls > 0, calls * per_group[:, None], 0.0)
    return erlang_for_loads(sc, GroupLoad(calls, work, patience_work, base.tier_calls))
