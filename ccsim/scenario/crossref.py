"""Cross-reference checks of a scenario, run on the raw mapping.

They run whether or not the field-level checks passed, so that one pass reports every
problem. Each check reads defensively: a value of the wrong shape is the field checks'
business and is skipped here.

The checks are grouped by topic: the period (``crossref_period``), centres, groups and
staffing settings (``crossref_centres``), demand and call types (``crossref_demand``),
routing rules (``crossref_routing``), outbound campaigns (``crossref_outbound``) and
the back office (``crossref_back_office``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ccsim.errors import Problem
from ccsim.scenario.crossref_back_office import back_office_problems
from ccsim.scenario.crossref_centres import (
    centre_problems,
    group_problems,
    group_refs,
    staffing_problems,
)
from ccsim.scenario.crossref_demand import call_type_problems
from ccsim.scenario.crossref_exits import exit_problems
from ccsim.scenario.crossref_outbound import campaign_problems
from ccsim.scenario.crossref_period import (
    MAX_INTERVALS,
    daily_list_problems,
    horizon_problems,
    intervals_info,
)
from ccsim.scenario.crossref_raw import (
    KnownIds,
    as_dict,
    as_list,
    duplicate_ids,
    ids_of,
    share_sums,
)
from ccsim.scenario.crossref_routing import routing_problems
from ccsim.scenario.crossref_transfers import transfer_problems


def check(data: dict[str, Any]) -> list[Problem]:
    """All cross-reference problems of a raw scenario mapping."""
    return list(_check(data))


def known_ids(data: dict[str, Any]) -> KnownIds:
    """The ids a raw scenario mapping defines (with the defaults of networks and tiers)."""
    n, per_day = intervals_info(data)
    centers = as_list(data.get("centers"))
    refs = group_refs(centers)
    return KnownIds(
        n_intervals=n,
        per_day=per_day,
        call_types=set(ids_of(as_list(data.get("call_types")))),
        networks=set(ids_of(as_list(data.get("networks")))) or {"all"},
        tiers=set(ids_of(as_list(data.get("tiers")))) or {"regular"},
        centres=set(ids_of(centers)),
        group_refs=refs,
        groups={
            str(as_dict(g).get("id")) for c in centers for g in as_list(as_dict(c).get("groups"))
        }
        | set(refs),
    )


def _check(data: dict[str, Any]) -> Iterator[Problem]:
    known = known_ids(data)
    centers = as_list(data.get("centers"))
    networks = as_list(data.get("networks"))
    tiers = as_list(data.get("tiers"))

    yield from horizon_problems(as_dict(data.get("horizon")))
    yield from daily_list_problems(data)
    yield from duplicate_ids("call_types", as_list(data.get("call_types")))
    yield from duplicate_ids("networks", networks)
    yield from duplicate_ids("tiers", tiers)
    yield from duplicate_ids("centers", centers)
    yield from share_sums("networks", networks)
    yield from share_sums("tiers", tiers)
    yield from group_problems(centers, known, as_list(data.get("call_types")))
    yield from transfer_problems(centers, known)
    yield from call_type_problems(data, known)
    yield from routing_problems(data, known)
    yield from centre_problems(centers, known)
    yield from staffing_problems(data, known)
    yield from campaign_problems(data, known)
    yield from back_office_problems(data, known)
    yield from exit_problems(data)


__all__ = ["MAX_INTERVALS", "check", "intervals_info", "known_ids"]
