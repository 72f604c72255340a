"""From a validated Scenario to the engine's plain structures: indices, plans, queues.

Routing is compiled once per scenario: every caller class (call type, tier, local
network, prefers dialect) gets a plan (``ccsim.scenario.routing``), the ordered groups that may answer it with the delay after which
each becomes eligible. Classes with the same call type, tier priority and plan share
one FIFO queue. Each group gets its queues in the order the routing policy says a
freed agent should look at them, as buckets of equal rank inside which the longest
waiting call wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ccsim.scenario.calendar import Calendar
from ccsim.scenario.routing import (
    Plan,
    base_plan,
    group_index,
    matching_rule,
    plan_for,
    work_order_group,
)
from ccsim.scenario.schema import Scenario
from ccsim.scenario.timeline import Segments, segments
from ccsim.scenario.transfers import transfers_of


@dataclass(frozen=True)
class QueueSpec:
    """One FIFO queue of waiting calls."""

    call_type: int
    priority: int
    plan: Plan
    first_site: int  # centre index of the plan's first group (-1: empty plan)
    select: str = "order"  # which idle agent takes an arriving call (``selection.py``)
    leg: bool = False  # callers transferred on from another group (``transfers.py``)

    @property
    def immediate(self) -> tuple[int, ...]:
        """Groups eligible from the moment the call enters the queue, in order."""
        return tuple(g for g, d in self.plan if d <= 0.0)


@dataclass(frozen=True)
class Compiled:
    """A scenario reduced to what the event loop needs."""

    scenario: Scenario
    horizon_s: float
    interval_s: float
    n_intervals: int
    warmup_s: float
    warmup_intervals: int  # leading intervals left out of the KPIs
    drain_limit_s: float | None
    type_ids: list[str]
    tier_ids: list[str]
    network_ids: list[str]
    group_ids: list[str]  # "group" or "centre/group" when ids repeat across centres
    group_center: list[str]
    staffing: NDArray[np.int64]  # groups x intervals
    segments: list[Segments]
    tier_cum: NDArray[np.float64]
    network_cum: NDArray[np.float64]
    tier_priority: list[int]
    tier_patience: list[float]
    queues: list[QueueSpec]
    route: NDArray[np.int64]  # [type, tier, network, prefers dialect] -> queue
    center_ids: list[str]
    group_center_index: list[int]
    group_speaks: list[frozenset[int]]  # network indices whose dialect the group speaks
    group_cost: list[float]  # per agent-hour
    network_dialect: list[float]
    bo_ids: list[str]
    bo_center_index: list[int]
    bo_staffing: NDArray[np.int64]  # back-office groups x intervals
    bo_calendar: list[Calendar | None]
    bo_cost: list[float]
    order_ids: list[str]
    order_group: NDArray[np.int64]  # [order type, network] -> back-office group
    order_limit_calendar: list[Calendar | None]
    buckets: list[list[list[tuple[int, float]]]]  # group -> buckets -> (queue, delay)
    n_days: int
    extras: dict[str, object] = field(default_factory=dict)


def _group_names(scenario: Scenario) -> list[str]:
    ids = [g.id for _, g in scenario.groups]
    return [g.id if ids.count(g.id) == 1 else f"{c.id}/{g.id}" for c, g in scenario.groups]


def _rank_key(policy: str, priority: int, skill_rank: int) -> tuple[int, ...]:
    if policy == "tier_skill_wait":
        return (-priority, skill_rank)
    if policy == "tier_wait":
        return (-priority,)
    if policy == "skill_tier_wait":
        return (skill_rank, -priority)
    return ()


def compile_scenario(scenario: Scenario) -> Compiled:
    """Compile a validated scenario (cheap: milliseconds)."""
    hz = scenario.horizon
    horizon_s = hz.duration_h * 3600.0
    n = hz.n_intervals
    tiers = scenario.tier_list
    nets = scenario.network_list
    type_ids = [ct.id for ct in scenario.call_types]
    groups = scenario.groups
    staffing = np.asarray(
        [g.agents_at(n, hz.start_interval) for _, g in groups], dtype=np.int64
    ).reshape(len(groups), n)

    queues: list[QueueSpec] = []
    qindex: dict[QueueSpec, int] = {}
    route = np.zeros((len(type_ids), len(tiers), len(nets), 2), dtype=np.int64)
    center_ids = [c.id for c in scenario.centers]
    gc = [center_ids.index(c.id) for c, _ in groups]
    for ti, ct in enumerate(scenario.call_types):
        for ri, tier in enumerate(tiers):
            for ni, net in enumerate(nets):
                for dia in (0, 1):
                    plan = plan_for(scenario, ct.id, tier.id, net.id, bool(dia))
                    # the caller's site is its plan's first site before dialect reordering:
                    # a dialect desk elsewhere is a transfer, the caller's own site is not
                    base, _ = base_plan(scenario, ct.id, tier.id, net.id, bool(dia))
                    first = base[0][0] if base else (plan[0][0] if plan else -1)
                    rule = matching_rule(scenario, ct.id, tier.id, net.id, bool(dia))
                    select = (
                        rule.agent_selection
                        if rule is not None and rule.agent_selection is not None
                        else scenario.routing.agent_selection
                    )
                    spec = QueueSpec(
                        ti, tier.priority, plan, gc[first] if first >= 0 else -1, select
                    )
                    if spec not in qindex:
                        qindex[spec] = len(queues)
                        queues.append(spec)
                    route[ti, ri, ni, dia] = qindex[spec]

    # callers transferred on: a queue per (first group, entry, call type, tier)
    legs: dict[tuple[int, int, int, int], int] = {}
    for gi, (_, g) in enumerate(groups):
        for ei, tr in enumerate(g.transfers):
            to = group_index(scenario, tr.to)
            assert to is not None  # checked by the loader
            for ti, ct in enumerate(scenario.call_types):
                if tr not in transfers_of(g.transfers, g.skills, ct.id):
                    continue
                for ri, tier in enumerate(tiers):
                    prio = tier.priority if tr.priority is None else tr.priority
                    spec = QueueSpec(ti, prio, ((to, 0.0),), gc[to], "order", leg=True)
                    if spec not in qindex:
                        qindex[spec] = len(queues)
                        queues.append(spec)
                    legs[(gi, ei, ti, ri)] = qindex[spec]

    buckets: list[list[list[tuple[int, float]]]] = []
    for gi, (_, g) in enumerate(groups):
        ranked: dict[tuple[int, ...], list[tuple[int, float]]] = {}
        for qi, q in enumerate(queues):
            for pg, delay in q.plan:
                if pg == gi:
                    key = _rank_key(
                        scenario.routing.policy, q.priority, g.skills.index(type_ids[q.call_type])
                    )
                    ranked.setdefault(key, []).append((qi, delay))
        buckets.append([ranked[k] for k in sorted(ranked)])

    start = hz.start_s
    n_days = int((start + horizon_s) // 86_400.0) + 1
    net_ids = [x.id for x in nets]
    cals = {
        c.id: Calendar.weekly(c.weekly_hours(), start, hz.start_day) for c in scenario.calendars
    }
    bos = scenario.back_office_groups
    order_group = np.full((len(scenario.work_orders), len(nets)), -1, dtype=np.int64)
    for oi, wo in enumerate(scenario.work_orders):
        for ni, net in enumerate(nets):
            bi = work_order_group(scenario, wo.id, net.id)
            order_group[oi, ni] = -1 if bi is None else bi
    return Compiled(
        scenario=scenario,
        horizon_s=horizon_s,
        interval_s=hz.interval_s,
        n_intervals=n,
        warmup_s=hz.warmup_h * 3600.0,
        warmup_intervals=hz.warmup_intervals,
        drain_limit_s=None if hz.drain_limit_h is None else hz.drain_limit_h * 3600.0,
        type_ids=type_ids,
        tier_ids=[t.id for t in tiers],
        network_ids=[x.id for x in nets],
        group_ids=_group_names(scenario),
        group_center=[c.id for c, _ in groups],
        staffing=staffing,
        segments=[segments(scenario, ct) for ct in scenario.call_types],
        tier_cum=np.cumsum([t.share for t in tiers]),
        network_cum=np.cumsum([x.share for x in nets]),
        tier_priority=[t.priority for t in tiers],
        tier_patience=[t.patience_factor for t in tiers],
        queues=queues,
        route=route,
        buckets=buckets,
        n_days=n_days,
        center_ids=center_ids,
        group_center_index=gc,
        group_speaks=[frozenset(net_ids.index(d) for d in g.dialects) for _, g in groups],
        group_cost=[
            g.cost_per_agent_hour if g.cost_per_agent_hour is not None else c.cost_per_agent_hour
            for c, g in groups
        ],
        network_dialect=[x.dialect_share for x in nets],
        bo_ids=[
            b.id if [x.id for _, x in bos].count(b.id) == 1 else f"{c.id}/{b.id}" for c, b in bos
        ],
        bo_center_index=[center_ids.index(c.id) for c, _ in bos],
        bo_staffing=np.asarray(
            [b.handlers_at(n, hz.start_interval) for _, b in bos], dtype=np.int64
        ).reshape(len(bos), n),
        bo_calendar=[cals[b.calendar] if b.calendar else None for _, b in bos],
        bo_cost=[
            b.cost_per_agent_hour if b.cost_per_agent_hour is not None else c.cost_per_agent_hour
            for c, b in bos
        ],
        order_ids=[w.id for w in scenario.work_orders],
        order_group=order_group,
        order_limit_calendar=[
            cals[w.limit_calendar] if w.limit_calendar else None for w in scenario.work_orders
        ],
        extras={"transfer_queues": legs} if legs else {},
    )
