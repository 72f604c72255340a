"""Checks that need a well-formed scenario: every caller reaches a group, every order a back office.

They run after the field checks pass (they follow routing rules and defaults).
"""

from __future__ import annotations

from ccsim.errors import Problem
from ccsim.scenario import workload
from ccsim.scenario.calendar import Calendar
from ccsim.scenario.routing import (
    group_index,
    home_centre,
    matching_rule,
    plan_for,
    work_order_group,
)
from ccsim.scenario.schema import Scenario


def check(sc: Scenario) -> list[Problem]:
    """Reachability problems of a validated scenario."""
    out: list[Problem] = []
    nets = sc.network_list
    tiers = sc.tier_list
    for ti, ct in enumerate(sc.call_types):
        stranded = []
        for net in nets:
            for dialect in (False, True) if net.dialect_share > 0 else (False,):
                if any(not plan_for(sc, ct.id, tier.id, net.id, dialect) for tier in tiers):
                    stranded.append(net.id)
                    break
        if stranded:
            where = "" if stranded == ["all"] else f" from network(s) {', '.join(stranded)}"
            out.append(
                Problem(
                    f"call_types[{ti}]",
                    f"calls{where} can reach no group: no group of their local centre or the provincial "
                    "centre has this skill, and no routing rule sends them anywhere",
                    ct.id,
                )
            )
    seen: set[tuple[int, int]] = set()
    for ct in sc.call_types:
        for tier in tiers:
            for net in nets:
                for dialect in (False, True) if net.dialect_share > 0 else (False,):
                    rule = matching_rule(sc, ct.id, tier.id, net.id, dialect)
                    if rule is None:
                        continue
                    ri = sc.routing.rules.index(rule)
                    for gi, t in enumerate(rule.groups):
                        g = group_index(sc, t.group, net.id)
                        if g is None or ct.id in sc.groups[g][1].skills or (ri, gi) in seen:
                            continue
                        seen.add((ri, gi))
                        c, grp = sc.groups[g]
                        out.append(
                            Problem(
                                f"routing.rules[{ri}].groups[{gi}]",
                                f"sends {ct.id!r} calls to group {grp.id} of centre {c.id}, which lacks that skill",
                                t.group,
                            )
                        )
    for ri, rule in enumerate(sc.routing.rules):
        matched = [n.id for n in nets if rule.networks is None or n.id in rule.networks]
        for gi, t in enumerate(rule.groups):
            if not t.group.startswith("home/"):
                continue
            gid = t.group.partition("/")[2]
            missing = [n for n in matched if group_index(sc, t.group, n) is None]
            if missing:
                why = [
                    f"{n} (no local centre)"
                    if home_centre(sc, n) is None
                    else f"{n} (its local centre has no group {gid!r})"
                    for n in missing
                ]
                out.append(
                    Problem(
                        f"routing.rules[{ri}].groups[{gi}]",
                        "cannot be found for network " + ", ".join(why),
                        t.group,
                    )
                )
    for ct in sc.call_types:
        for tier in tiers:
            total = sum(
                rb.probability
                for wo in sc.work_orders
                for rb in wo.raised_by
                if rb.call_type == ct.id and (rb.tiers is None or tier.id in rb.tiers)
            )
            if total > 1.0 + 1e-9:
                out.append(
                    Problem(
                        "work_orders[*].raised_by",
                        f"probabilities for call type {ct.id!r} (tier {tier.id}) sum to more than 1: a call raises one order at most",
                        round(total, 10),
                    )
                )
                break
    hz = sc.horizon
    for ki, camp in enumerate(sc.campaigns):
        days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
        cal = Calendar.weekly({d: list(camp.windows) for d in days}, hz.start_s, hz.start_day)
        if cal.open_time_between(0.0, hz.duration_h * 3600.0) <= 0:
            out.append(
                Problem(
                    f"campaigns[{ki}].windows",
                    f"never open within the horizon ({hz.start} + {hz.duration_h:g} h)",
                    list(camp.windows),
                )
            )
    for wi, wo in enumerate(sc.work_orders):
        lost = [n.id for n in nets if work_order_group(sc, wo.id, n.id) is None]
        if lost:
            where = "" if lost == ["all"] else f" from network(s) {', '.join(lost)}"
            place = (
                "the caller's local centre or the provincial centre"
                if wo.queue_at == "home"
                else "the provincial centre"
            )
            out.append(
                Problem(
                    f"work_orders[{wi}]",
                    f"orders{where} have no back-office group: none in {place} takes this order type",
                    wo.id,
                )
            )
    out.extend(workload.check(sc))
    return out
