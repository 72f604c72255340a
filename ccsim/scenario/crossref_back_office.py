"""Cross-reference checks of the back office: calendars, work orders, back-office groups.

Calendars have opening hours; back-office groups take order types that exist and
follow calendars that exist; each work-order type is raised by known call types and
tiers, and some back-office group takes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ccsim.errors import Problem
from ccsim.scenario.crossref_period import list_length_problems
from ccsim.scenario.crossref_raw import (
    KnownIds,
    as_dict,
    as_list,
    duplicate_ids,
    ids_of,
    names_no,
)


def back_office_problems(data: dict[str, Any], known: KnownIds) -> Iterator[Problem]:
    """Calendars, work-order types and back-office groups refer to each other."""
    n, per_day = known.n_intervals, known.per_day
    type_ids, tier_ids = known.call_types, known.tiers
    centers = as_list(data.get("centers"))
    calendars = as_list(data.get("calendars"))
    yield from duplicate_ids("calendars", calendars)
    cal_ids = set(ids_of(calendars))
    for i, cal in enumerate(calendars):
        cd = as_dict(cal)
        ranges = list(as_list(cd.get("every_day"))) + [
            x for v in as_dict(cd.get("hours")).values() for x in as_list(v)
        ]
        if not ranges:
            yield Problem(
                f"calendars[{i}]", "has no opening hours (give every_day or hours)", cd.get("id")
            )
    orders = as_list(data.get("work_orders"))
    yield from duplicate_ids("work_orders", orders)
    order_ids = set(ids_of(orders))
    handled: set[str] = set()
    for ci, c in enumerate(centers):
        yield from duplicate_ids(
            f"centers[{ci}].back_office", as_list(as_dict(c).get("back_office"))
        )
        for bi, b in enumerate(as_list(as_dict(c).get("back_office"))):
            bd = as_dict(b)
            bpath = f"centers[{ci}].back_office[{bi}]"
            for oi, o in enumerate(as_list(bd.get("order_types"))):
                if isinstance(o, str):
                    handled.add(o)
                    if o not in order_ids:
                        yield names_no(
                            f"{bpath}.order_types[{oi}]", o, "work-order type", order_ids
                        )
            calname = bd.get("calendar")
            if isinstance(calname, str) and calname not in cal_ids:
                yield names_no(f"{bpath}.calendar", calname, "calendar", cal_ids)
            handlers = bd.get("handlers")
            if isinstance(handlers, dict):
                yield from list_length_problems(
                    f"{bpath}.handlers.per_interval", handlers.get("per_interval"), n, per_day
                )
            elif isinstance(handlers, list):
                yield from list_length_problems(f"{bpath}.handlers", handlers, n, per_day)
    for wi, w in enumerate(orders):
        wd = as_dict(w)
        wpath = f"work_orders[{wi}]"
        for ri, rb in enumerate(as_list(wd.get("raised_by"))):
            rbd = as_dict(rb)
            ct = rbd.get("call_type")
            if isinstance(ct, str) and ct not in type_ids:
                yield names_no(f"{wpath}.raised_by[{ri}].call_type", ct, "call type", type_ids)
            for ti2, tname in enumerate(as_list(rbd.get("tiers"))):
                if isinstance(tname, str) and tname not in tier_ids:
                    yield names_no(f"{wpath}.raised_by[{ri}].tiers[{ti2}]", tname, "tier", tier_ids)
        for tname in as_dict(wd.get("limit_by_tier")):
            if tname not in tier_ids:
                yield names_no(f"{wpath}.limit_by_tier.{tname}", tname, "tier", tier_ids)
        calname = wd.get("limit_calendar")
        if isinstance(calname, str) and calname not in cal_ids:
            yield names_no(f"{wpath}.limit_calendar", calname, "calendar", cal_ids)
        chaser_type = as_dict(wd.get("chaser")).get("call_type")
        if isinstance(chaser_type, str) and chaser_type not in type_ids:
            yield names_no(f"{wpath}.chaser.call_type", chaser_type, "call type", type_ids)
        wid = wd.get("id")
        if isinstance(wid, str) and wid not in handled:
            yield Problem(
                wpath,
                "has no back-office group: no centre's back_office lists it in order_types",
                wid,
            )
