"""Routing plans from a scenario: which groups, in order and after which delay, may answer a caller.

A caller class is (call type, tier, local network, prefers dialect). Its plan is:

1. the groups of the first routing rule that matches it (``home/<group>`` meaning
   that group in the caller's own local centre); or, without a matching rule,
2. the groups with the call type as a skill at the caller's two sites: its local
   centre and the provincial centre, in ``routing.site_order``, the second site after
   ``routing.overflow_after_s``. Other cities' local centres are never in a default plan.

A dialect caller (unless the matching rule names ``dialect: true`` itself) goes first to
the groups of its plan that speak its network's dialect, and reaches the plan's other
groups only after ``dialect.overflow_after_s`` (or their own delay, if longer). A
dialect desk must therefore be in the plan: in the default plan of its site, or named
by a rule.
"""

from __future__ import annotations

from ccsim.scenario.schema import Center, RouteRule, Scenario

Plan = tuple[tuple[int, float], ...]  # ((group index, delay_s), ...)


def group_index(scenario: Scenario, ref: str, network: str | None = None) -> int | None:
    """Index (in ``scenario.groups``) of a group reference, or None if it names none.

    ``group``, ``centre/group``, or ``home/group`` (needs ``network``).
    """
    centre, sep, gid = ref.partition("/")
    if not sep:
        centre, gid = "", ref
    for i, (c, g) in enumerate(scenario.groups):
        if g.id != gid:
            continue
        if centre == "home":
            if network is not None and c.kind == "local" and c.network == network:
                return i
        elif centre in ("", c.id):
            return i
    return None


def home_centre(scenario: Scenario, network: str) -> Center | None:
    """The local centre of a network, if it has one."""
    for c in scenario.centers:
        if c.kind == "local" and c.network == network:
            return c
    return None


def _matches(rule: RouteRule, ctype: str, tier: str, net: str, dialect: bool) -> bool:
    return (
        (rule.call_types is None or ctype in rule.call_types)
        and (rule.tiers is None or tier in rule.tiers)
        and (rule.networks is None or net in rule.networks)
        and (rule.dialect is None or rule.dialect == dialect)
    )


def matching_rule(
    scenario: Scenario, ctype: str, tier: str, net: str, dialect: bool
) -> RouteRule | None:
    """The first rule matching the caller class, if any."""
    for rule in scenario.routing.rules:
        if _matches(rule, ctype, tier, net, dialect):
            return rule
    return None


def base_plan(
    scenario: Scenario, ctype: str, tier: str, net: str, dialect: bool = False
) -> tuple[Plan, bool]:
    """The plan before dialect handling, and whether a rule fixed it for dialect callers."""
    rule = matching_rule(scenario, ctype, tier, net, dialect)
    if rule is not None:
        plan = []
        for t in rule.groups:
            gi = group_index(scenario, t.group, net)
            if gi is not None:
                plan.append((gi, float(t.delay_s)))
        return tuple(plan), rule.dialect is True
    r = scenario.routing
    home = [
        i
        for i, (c, g) in enumerate(scenario.groups)
        if c.kind == "local" and c.network == net and ctype in g.skills
    ]
    prov = [
        i
        for i, (c, g) in enumerate(scenario.groups)
        if c.kind == "provincial" and ctype in g.skills
    ]
    first, second = (home, prov) if r.site_order == "local_first" else (prov, home)
    delay = r.overflow_after_s if first else 0.0
    return tuple([(i, 0.0) for i in first] + [(i, delay) for i in second]), False


def plan_for(scenario: Scenario, ctype: str, tier: str, net: str, dialect: bool = False) -> Plan:
    """The full plan of a caller class."""
    plan, fixed = base_plan(scenario, ctype, tier, net, dialect)
    if not dialect or fixed:
        return plan
    speaks = {i for i, (_, g) in enumerate(scenario.groups) if net in g.dialects}
    in_plan = [(g, d) for g, d in plan if g in speaks]
    if not in_plan:
        return plan
    wait = scenario.dialect.overflow_after_s
    rest = [(g, max(d, wait)) for g, d in plan if g not in speaks]
    return tuple(in_plan + rest)


def work_order_group(scenario: Scenario, order_type: str, network: str) -> int | None:
    """Index (in ``scenario.back_office_groups``) of the back office that takes an order."""
    wo = next(w for w in scenario.work_orders if w.id == order_type)
    bos = scenario.back_office_groups
    if wo.queue_at == "home":
        for i, (c, b) in enumerate(bos):
            if c.kind == "local" and c.network == network and order_type in b.order_types:
                return i
    for i, (c, b) in enumerate(bos):
        if c.kind == "provincial" and order_type in b.order_types:
            return i
    return None
