"""Cross-reference checks of demand and call types.

Arrival lists fit the horizon and name known tiers and networks; shares of the
province-wide demand sum to 1; profiles have a positive sum; a first-contact
resolution below 1 needs a return delay.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ccsim.errors import Problem
from ccsim.scenario.crossref_period import list_length_problems
from ccsim.scenario.crossref_raw import (
    TOL,
    KnownIds,
    as_dict,
    as_list,
    as_number,
    names_no,
)


def call_type_problems(data: dict[str, Any], known: KnownIds) -> Iterator[Problem]:
    """Call types: arrivals, shares of the demand, first-contact resolution; the demand."""
    factor = as_number(as_dict(data.get("dialect")).get("fcr_factor", 1.0))
    dialect_fcr_below_one = (
        factor is not None
        and factor < 1.0
        and any(
            (as_number(as_dict(n).get("dialect_share", 0.0)) or 0.0) > 0
            for n in as_list(data.get("networks"))
        )
    )
    n, per_day = known.n_intervals, known.per_day
    tier_ids, net_ids = known.tiers, known.networks
    call_types = as_list(data.get("call_types"))
    demand = as_dict(data.get("demand"))
    share_total = 0.0
    share_users = 0
    for ti, ct in enumerate(call_types):
        cd = as_dict(ct)
        arr = as_dict(cd.get("arrivals"))
        yield from list_length_problems(
            f"call_types[{ti}].arrivals.per_interval", arr.get("per_interval"), n, per_day
        )
        times = arr.get("times_s")
        dur = as_number(as_dict(data.get("horizon")).get("duration_h"))
        if isinstance(times, list) and dur is not None:
            late = [t for t in times if as_number(t) is not None and float(t) >= dur * 3600.0]
            if late:
                yield Problem(
                    f"call_types[{ti}].arrivals.times_s",
                    f"must all be before the end of the horizon ({dur * 3600.0:g} s)",
                    late[0],
                )
        for key, names, label in (("tiers", tier_ids, "tier"), ("networks", net_ids, "network")):
            for i, v in enumerate(as_list(arr.get(key))):
                if isinstance(v, str) and v not in names:
                    yield names_no(f"call_types[{ti}].arrivals.{key}[{i}]", v, label, names)
        share = as_number(arr.get("share"))
        if share is not None:
            share_users += 1
            share_total += share
            if as_number(demand.get("daily_volume")) is None:
                yield Problem(
                    f"call_types[{ti}].arrivals.share", "needs demand.daily_volume", share
                )
        for key in ("profile",):
            prof = arr.get(key)
            if isinstance(prof, list) and prof and all(as_number(v) is not None for v in prof):
                if sum(float(v) for v in prof) <= 0:
                    yield Problem(
                        f"call_types[{ti}].arrivals.{key}", "must have a positive sum", prof[:4]
                    )
        fcr = as_number(cd.get("fcr", 1.0))
        if fcr is not None and fcr < 1.0 and cd.get("return_delay") is None:
            yield Problem(
                f"call_types[{ti}].return_delay",
                "is required when fcr < 1 (when do unresolved callers call again?)",
                has_value=False,
            )
        elif fcr is not None and dialect_fcr_below_one and cd.get("return_delay") is None:
            yield Problem(
                f"call_types[{ti}].return_delay",
                "is required when dialect.fcr_factor < 1 (callers served without their dialect "
                "may call again: when?)",
                has_value=False,
            )
    if share_users and abs(share_total - 1.0) > TOL:
        yield Problem(
            "call_types[*].arrivals.share",
            "must sum to 1 (the business mix)",
            round(share_total, 10),
        )
    prof = demand.get("profile")
    if (
        isinstance(prof, list)
        and prof
        and all(as_number(v) is not None for v in prof)
        and sum(float(v) for v in prof) <= 0
    ):
        yield Problem("demand.profile", "must have a positive sum", prof[:4])
    if share_users == 0 and as_number(demand.get("daily_volume")) is not None:
        yield Problem(
            "demand.daily_volume",
            "no call type takes a share of it (arrivals: {share: ...})",
            demand.get("daily_volume"),
        )
