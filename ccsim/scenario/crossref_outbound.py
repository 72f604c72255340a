"""Cross-reference checks of outbound campaigns.

A campaign names groups that exist once, each once; a campaign fed by work orders
calls back order types that exist and that no other campaign or order callback
already calls back. A group without skills must be named by a campaign.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ccsim.errors import Problem
from ccsim.scenario.crossref_raw import KnownIds, as_dict, as_list, duplicate_ids, names_no


def campaign_problems(data: dict[str, Any], known: KnownIds) -> Iterator[Problem]:
    """Campaigns: their groups and feeds; then groups for outbound calls only."""
    group_refs, group_ids = known.group_refs, known.groups
    centers = as_list(data.get("centers"))
    campaigns = as_list(data.get("campaigns"))
    yield from duplicate_ids("campaigns", campaigns)
    named: set[str] = set()
    fed_by: dict[str, str] = {}
    for ki, k in enumerate(campaigns):
        kd = as_dict(k)
        seen_groups: set[str] = set()
        for gi, ref in enumerate(as_list(kd.get("groups"))):
            if not isinstance(ref, str):
                continue
            found = group_refs.get(ref)
            if not found:
                yield names_no(f"campaigns[{ki}].groups[{gi}]", ref, "group", group_ids, "groups")
            elif len(found) > 1:
                yield Problem(
                    f"campaigns[{ki}].groups[{gi}]",
                    "is ambiguous: groups of that id exist in several centres; write 'centre/group'",
                    ref,
                )
            else:
                full = f"{found[0][0]}/{ref.split('/')[-1]}"
                if full in seen_groups:
                    yield Problem(
                        f"campaigns[{ki}].groups[{gi}]", "names a group listed before", ref
                    )
                seen_groups.add(full)
                named.add(full)
        feed = as_dict(kd.get("feed"))
        if feed.get("source") == "work_orders":
            wanted = feed.get("order_types")
            known_orders = {str(as_dict(w).get("id")) for w in as_list(data.get("work_orders"))}
            for oi, o in enumerate(as_list(wanted)):
                if isinstance(o, str) and o not in known_orders:
                    yield names_no(
                        f"campaigns[{ki}].feed.order_types[{oi}]",
                        o,
                        "work-order type",
                        known_orders,
                    )
            fed = (
                known_orders
                if wanted is None
                else {x for x in as_list(wanted) if isinstance(x, str)}
            )
            for o in sorted(fed):
                if o in fed_by:
                    yield Problem(
                        f"campaigns[{ki}].feed",
                        f"calls back {o!r} orders, which campaign {fed_by[o]!r} already does",
                        kd.get("id"),
                    )
                fed_by.setdefault(o, str(kd.get("id")))
            for wi, w in enumerate(as_list(data.get("work_orders"))):
                wd = as_dict(w)
                if (wanted is None or wd.get("id") in wanted) and wd.get("callback") is not None:
                    yield Problem(
                        f"work_orders[{wi}].callback",
                        f"conflicts with campaign {kd.get('id')!r}, which calls these orders back; remove one",
                        wd.get("id"),
                    )
    for ci, c in enumerate(centers):
        for gi, g in enumerate(as_list(as_dict(c).get("groups"))):
            gd = as_dict(g)
            if (
                isinstance(gd.get("skills"), list)
                and not gd["skills"]
                and f"{as_dict(c).get('id')}/{gd.get('id')}" not in named
            ):
                yield Problem(
                    f"centers[{ci}].groups[{gi}].skills",
                    "is empty and no campaign names the group: it would take no calls",
                    gd.get("id"),
                )
