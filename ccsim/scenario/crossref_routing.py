"""Cross-reference checks of routing rules.

A rule names known call types, tiers and networks, and groups that exist once (a
group id, ``centre/group``, or ``home/group`` for a group of the caller's local
centre) and have the skills of the call types the rule sends them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ccsim.errors import Problem
from ccsim.scenario.crossref_raw import KnownIds, as_dict, as_list, names_no
from ccsim.scenario.problem_paths import did_you_mean


def routing_problems(data: dict[str, Any], known: KnownIds) -> Iterator[Problem]:
    """Routing rules name what exists, and send calls to groups with their skills."""
    type_ids, tier_ids, net_ids = known.call_types, known.tiers, known.networks
    centre_ids, group_refs = known.centres, known.group_refs
    centers = as_list(data.get("centers"))
    routing = as_dict(data.get("routing"))
    local_groups = {
        str(as_dict(g).get("id"))
        for c in centers
        if as_dict(c).get("kind") == "local"
        for g in as_list(as_dict(c).get("groups"))
    }
    policy = routing.get("policy", "tier_skill_wait")
    aging = routing.get("aging")
    if policy == "aging" and aging is None:
        yield Problem(
            "routing.aging",
            "is required with policy aging (aging: {weight_per_s: ...})",
            has_value=False,
        )
    elif aging is not None and policy != "aging":
        yield Problem(
            "routing.aging", f"goes with policy: aging (the policy is {policy!r})", has_value=False
        )
    for t in as_dict(as_dict(aging).get("call_type_priority")):
        if t not in type_ids:
            yield names_no(f"routing.aging.call_type_priority.{t}", t, "call type", type_ids)
    for ri, r in enumerate(as_list(routing.get("rules"))):
        rd = as_dict(r)
        rpath = f"routing.rules[{ri}]"
        rtypes = rd.get("call_types")
        for key, names, label in (
            ("call_types", type_ids, "call type"),
            ("tiers", tier_ids, "tier"),
            ("networks", net_ids, "network"),
        ):
            for i, v in enumerate(as_list(rd.get(key))):
                if isinstance(v, str) and v not in names:
                    yield names_no(f"{rpath}.{key}[{i}]", v, label, names)
        matched_types = (
            [t for t in as_list(rtypes) if isinstance(t, str)]
            if rtypes is not None
            else sorted(type_ids)
        )
        for gi, tgt in enumerate(as_list(rd.get("groups"))):
            ref = tgt if isinstance(tgt, str) else as_dict(tgt).get("group")
            if not isinstance(ref, str):
                continue
            where = f"{rpath}.groups[{gi}]" + ("" if isinstance(tgt, str) else ".group")
            prefix, sep, gid = ref.partition("/")
            if sep and prefix == "home":
                if gid not in local_groups:
                    yield Problem(
                        where,
                        f"names no group {gid!r} of a local centre"
                        + did_you_mean(gid, local_groups),
                        ref,
                    )
                continue
            if sep and prefix not in centre_ids:
                yield names_no(where, ref, f"centre {prefix!r}", centre_ids, "centres")
                continue
            found = group_refs.get(ref)
            if not found:
                yield Problem(
                    where,
                    "names no group (use a group id, 'centre/group' or 'home/group')"
                    + did_you_mean(ref, known.groups),
                    ref,
                )
                continue
            if len(found) > 1:
                yield Problem(
                    where,
                    "is ambiguous: groups of that id exist in several centres; write 'centre/group'",
                    ref,
                )
                continue
            skills = found[0][1]
            for t in matched_types:
                if t in type_ids and t not in skills:
                    yield Problem(
                        where, f"does not have skill {t!r}, which this rule routes to it", ref
                    )
