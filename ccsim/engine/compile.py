"""From a validated Scenario to the engine's plain structures: indices, plans, queues.

Routing is compiled once per scenario: every caller class (call type, tier, local
network) gets a plan, the ordered groups that may answer it with the delay after which
each becomes eligible. Classes with the same call type, tier priority and plan share
one FIFO queue. Each group gets its queues in the order the routing policy says a
freed agent should look at them, as buckets of equal rank inside which the longest
waiting call wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ccsim.engine.arrivals import Segments, segments
from ccsim.scenario.schema import RouteRule, Scenario

Plan = tuple[tuple[int, float], ...]  # ((group, delay_s), ...)


@dataclass(frozen=True)
class QueueSpec:
    """One FIFO queue of waiting calls."""

    call_type: int
    priority: int
    plan: Plan

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
    route: NDArray[np.int64]  # [type, tier, network] -> queue
    buckets: list[list[list[tuple[int, float]]]]  # group -> buckets -> (queue, delay)
    n_days: int
    extras: dict[str, object] = field(default_factory=dict)


def _group_names(scenario: Scenario) -> list[str]:
    ids = [g.id for _, g in scenario.groups]
    return [g.id if ids.count(g.id) == 1 else f"{c.id}/{g.id}" for c, g in scenario.groups]


def _resolve(ref: str, scenario: Scenario) -> int:
    for i, (c, g) in enumerate(scenario.groups):
        if ref in (g.id, f"{c.id}/{g.id}"):
            return i
    raise KeyError(ref)


def _matches(rule: RouteRule, ctype: str, tier: str, net: str) -> bool:
    return (
        (rule.call_types is None or ctype in rule.call_types)
        and (rule.tiers is None or tier in rule.tiers)
        and (rule.networks is None or net in rule.networks)
    )


def plan_for(scenario: Scenario, ctype: str, tier: str, net: str) -> Plan:
    """Ordered (group index, delay) for a caller class: first matching rule, else skills."""
    for rule in scenario.routing.rules:
        if _matches(rule, ctype, tier, net):
            return tuple((_resolve(t.group, scenario), float(t.delay_s)) for t in rule.groups)
    return tuple((i, 0.0) for i, (_, g) in enumerate(scenario.groups) if ctype in g.skills)


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
    route = np.zeros((len(type_ids), len(tiers), len(nets)), dtype=np.int64)
    for ti, ct in enumerate(scenario.call_types):
        for ri, tier in enumerate(tiers):
            for ni, net in enumerate(nets):
                spec = QueueSpec(ti, tier.priority, plan_for(scenario, ct.id, tier.id, net.id))
                if spec not in qindex:
                    qindex[spec] = len(queues)
                    queues.append(spec)
                route[ti, ri, ni] = qindex[spec]

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
    return Compiled(
        scenario=scenario,
        horizon_s=horizon_s,
        interval_s=hz.interval_s,
        n_intervals=n,
        warmup_s=hz.warmup_h * 3600.0,
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
    )
