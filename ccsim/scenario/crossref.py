"""Cross-reference checks of a scenario, run on the raw mapping.

They run whether or not the field-level checks passed, so that one pass reports every
problem. Each check reads defensively: a value of the wrong shape is the field checks'
business and is skipped here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ccsim.errors import Problem

_TOL = 1e-6


def _list(x: Any) -> list[Any]:
    return x if isinstance(x, list) else []


def _dict(x: Any) -> dict[str, Any]:
    return x if isinstance(x, dict) else {}


def _num(x: Any) -> float | None:
    if isinstance(x, bool) or not isinstance(x, int | float):
        return None
    return float(x)


def _ids(items: list[Any]) -> list[str]:
    return [str(_dict(it).get("id")) for it in items if isinstance(_dict(it).get("id"), str)]


def _unique(path: str, items: list[Any]) -> Iterator[Problem]:
    seen: set[str] = set()
    for i, it in enumerate(items):
        id_ = _dict(it).get("id")
        if isinstance(id_, str):
            if id_ in seen:
                yield Problem(f"{path}[{i}].id", "duplicates an earlier id", id_)
            seen.add(id_)


def _shares(path: str, items: list[Any], key: str = "share") -> Iterator[Problem]:
    values = [_num(_dict(it).get(key)) for it in items]
    if items and all(v is not None for v in values):
        total = sum(v for v in values if v is not None)
        if abs(total - 1.0) > _TOL:
            yield Problem(f"{path}[*].{key}", "must sum to 1", round(total, 10))


def intervals_info(data: dict[str, Any]) -> tuple[int | None, int | None]:
    """(intervals in the horizon, intervals in a day when whole) from a raw horizon."""
    h = _dict(data.get("horizon"))
    dur = _num(h.get("duration_h"))
    imin = _num(h.get("interval_min", 30.0))
    if dur is None or imin is None or imin <= 0 or dur <= 0:
        return None, None
    n = dur * 60.0 / imin
    per_day = 1440.0 / imin
    return (
        round(n) if abs(n - round(n)) < 1e-9 else None,
        round(per_day) if abs(per_day - round(per_day)) < 1e-9 else None,
    )


def _per_day_alignment(data: dict[str, Any]) -> Iterator[Problem]:
    """A daily list (one value per interval of a day) follows the clock: the start must fall on the grid."""
    n, per_day = intervals_info(data)
    if per_day is None or n == per_day:
        return
    h = _dict(data.get("horizon"))
    start = h.get("start", "00:00")
    step = _num(h.get("interval_min", 30.0)) or 30.0
    if isinstance(start, int) and not isinstance(start, bool):
        start = f"{start // 60:02d}:{start % 60:02d}"
    if not isinstance(start, str) or not _CLOCK.match(start):
        return
    minutes = int(start[:2]) * 60 + int(start[3:])
    if minutes % step == 0:
        return

    def length(v: Any) -> int:
        return len(_list(v) or _list(_dict(v).get("per_interval")))

    lists = [
        _dict(g).get("agents")
        for c in _list(data.get("centers"))
        for g in _list(_dict(c).get("groups"))
    ]
    lists += [
        _dict(b).get("handlers")
        for c in _list(data.get("centers"))
        for b in _list(_dict(c).get("back_office"))
    ]
    lists += [
        _dict(_dict(ct).get("arrivals")).get("per_interval") for ct in _list(data.get("call_types"))
    ]
    daily = any(length(v) == per_day for v in lists)
    if daily:
        yield Problem(
            "horizon.start",
            f"must fall on the {step:g}-minute grid when lists give one value per interval of a day",
            start,
        )


def _per_interval_len(
    path: str, values: Any, n: int | None, per_day: int | None
) -> Iterator[Problem]:
    if not isinstance(values, list) or n is None:
        return
    ok = {n} | ({per_day} if per_day is not None else set())
    if len(values) not in ok:
        want = f"{n} (one per interval)"
        if per_day is not None and per_day != n:
            want += f" or {per_day} (one per interval of a day, repeated)"
        yield Problem(path, f"must have {want} values", len(values))


_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


#: Most reporting intervals a horizon may have: every table and staffing vector is
#: per interval, so a year of 1-minute intervals would cost minutes and gigabytes.
MAX_INTERVALS = 105_408


def _horizon(h: dict[str, Any]) -> Iterator[Problem]:
    dur = _num(h.get("duration_h"))
    step = _num(h.get("interval_min", 30.0))
    warm = _num(h.get("warmup_h", 0.0))
    start = h.get("start", "00:00")
    if isinstance(start, int) and not isinstance(start, bool) and 0 <= start < 1440:
        start = f"{start // 60:02d}:{start % 60:02d}"
    if isinstance(start, str) and re.fullmatch(r"\d:\d\d", start.strip()):
        start = "0" + start.strip()
    if isinstance(start, str) and not _CLOCK.match(start):
        yield Problem("horizon.start", "must be a clock time HH:MM", start)
    if dur is None or step is None or dur <= 0 or step <= 0:
        return
    n = dur * 60.0 / step
    if abs(n - round(n)) > 1e-9:
        yield Problem(
            "horizon.duration_h", f"must be a whole number of intervals of {step:g} minutes", dur
        )
    elif round(n) > MAX_INTERVALS:
        yield Problem(
            "horizon",
            f"must have at most {MAX_INTERVALS:,} intervals (a leap year of 5-minute "
            f"intervals); {dur:g} h of {step:g}-minute intervals make {round(n):,}",
            has_value=False,
        )
    if warm is not None:
        if warm >= dur:
            yield Problem("horizon.warmup_h", f"must be shorter than duration_h ({dur:g})", warm)
        w = warm * 60.0 / step
        if abs(w - round(w)) > 1e-9:
            yield Problem(
                "horizon.warmup_h", f"must be a whole number of intervals of {step:g} minutes", warm
            )


def check(data: dict[str, Any]) -> list[Problem]:
    """All cross-reference problems of a raw scenario mapping."""
    return list(_check(data))


def _check(data: dict[str, Any]) -> Iterator[Problem]:
    n, per_day = intervals_info(data)
    call_types = _list(data.get("call_types"))
    centers = _list(data.get("centers"))
    networks = _list(data.get("networks"))
    tiers = _list(data.get("tiers"))
    type_ids = set(_ids(call_types))
    net_ids = set(_ids(networks)) or {"all"}
    tier_ids = set(_ids(tiers)) or {"regular"}

    yield from _horizon(_dict(data.get("horizon")))
    yield from _per_day_alignment(data)
    yield from _unique("call_types", call_types)
    yield from _unique("networks", networks)
    yield from _unique("tiers", tiers)
    yield from _unique("centers", centers)
    yield from _shares("networks", networks)
    yield from _shares("tiers", tiers)

    # groups: unique within a centre; skills name call types
    group_refs: dict[str, list[tuple[str, list[str]]]] = {}  # ref -> [(centre, skills)]
    for ci, c in enumerate(centers):
        cd = _dict(c)
        yield from _unique(f"centers[{ci}].groups", _list(cd.get("groups")))
        for gi, g in enumerate(_list(cd.get("groups"))):
            gd = _dict(g)
            gpath = f"centers[{ci}].groups[{gi}]"
            skills = [s for s in _list(gd.get("skills")) if isinstance(s, str)]
            for si, s in enumerate(skills):
                if s not in type_ids:
                    yield Problem(
                        f"{gpath}.skills[{si}]",
                        f"names no call type (call types: {_fmt(type_ids)})",
                        s,
                    )
                if s in skills[:si]:
                    yield Problem(f"{gpath}.skills[{si}]", "is listed twice", s)
            agents = gd.get("agents")
            if isinstance(agents, dict):
                yield from _per_interval_len(
                    f"{gpath}.agents.per_interval", agents.get("per_interval"), n, per_day
                )
            elif isinstance(agents, list):
                yield from _per_interval_len(f"{gpath}.agents", agents, n, per_day)
            gid, cid = gd.get("id"), cd.get("id")
            if isinstance(gid, str):
                group_refs.setdefault(gid, []).append((str(cid), skills))
                group_refs.setdefault(f"{cid}/{gid}", []).append((str(cid), skills))

    # call types: arrivals, demand shares, fcr
    demand = _dict(data.get("demand"))
    share_total = 0.0
    share_users = 0
    for ti, ct in enumerate(call_types):
        cd = _dict(ct)
        arr = _dict(cd.get("arrivals"))
        yield from _per_interval_len(
            f"call_types[{ti}].arrivals.per_interval", arr.get("per_interval"), n, per_day
        )
        times = arr.get("times_s")
        dur = _num(_dict(data.get("horizon")).get("duration_h"))
        if isinstance(times, list) and dur is not None:
            late = [t for t in times if _num(t) is not None and float(t) >= dur * 3600.0]
            if late:
                yield Problem(
                    f"call_types[{ti}].arrivals.times_s",
                    f"must all be before the end of the horizon ({dur * 3600.0:g} s)",
                    late[0],
                )
        for key, known, label in (("tiers", tier_ids, "tier"), ("networks", net_ids, "network")):
            for i, v in enumerate(_list(arr.get(key))):
                if isinstance(v, str) and v not in known:
                    yield Problem(
                        f"call_types[{ti}].arrivals.{key}[{i}]",
                        f"names no {label} (known: {_fmt(known)})",
                        v,
                    )
        share = _num(arr.get("share"))
        if share is not None:
            share_users += 1
            share_total += share
            if _num(demand.get("daily_volume")) is None:
                yield Problem(
                    f"call_types[{ti}].arrivals.share", "needs demand.daily_volume", share
                )
        for key in ("profile",):
            prof = arr.get(key)
            if isinstance(prof, list) and prof and all(_num(v) is not None for v in prof):
                if sum(float(v) for v in prof) <= 0:
                    yield Problem(
                        f"call_types[{ti}].arrivals.{key}", "must have a positive sum", prof[:4]
                    )
        fcr = _num(cd.get("fcr", 1.0))
        if fcr is not None and fcr < 1.0 and cd.get("return_delay") is None:
            yield Problem(
                f"call_types[{ti}].return_delay",
                "is required when fcr < 1 (when do unresolved callers call again?)",
                has_value=False,
            )
    if share_users and abs(share_total - 1.0) > _TOL:
        yield Problem(
            "call_types[*].arrivals.share",
            "must sum to 1 (the business mix)",
            round(share_total, 10),
        )
    prof = demand.get("profile")
    if (
        isinstance(prof, list)
        and prof
        and all(_num(v) is not None for v in prof)
        and sum(float(v) for v in prof) <= 0
    ):
        yield Problem("demand.profile", "must have a positive sum", prof[:4])
    if share_users == 0 and _num(demand.get("daily_volume")) is not None:
        yield Problem(
            "demand.daily_volume",
            "no call type takes a share of it (arrivals: {share: ...})",
            demand.get("daily_volume"),
        )

    # routing rules
    routing = _dict(data.get("routing"))
    centre_ids = set(_ids(centers))
    local_groups = {
        str(_dict(g).get("id"))
        for c in centers
        if _dict(c).get("kind") == "local"
        for g in _list(_dict(c).get("groups"))
    }
    for ri, r in enumerate(_list(routing.get("rules"))):
        rd = _dict(r)
        rpath = f"routing.rules[{ri}]"
        rtypes = rd.get("call_types")
        for key, known, label in (
            ("call_types", type_ids, "call type"),
            ("tiers", tier_ids, "tier"),
            ("networks", net_ids, "network"),
        ):
            for i, v in enumerate(_list(rd.get(key))):
                if isinstance(v, str) and v not in known:
                    yield Problem(
                        f"{rpath}.{key}[{i}]", f"names no {label} (known: {_fmt(known)})", v
                    )
        matched_types = (
            [t for t in _list(rtypes) if isinstance(t, str)]
            if rtypes is not None
            else sorted(type_ids)
        )
        for gi, tgt in enumerate(_list(rd.get("groups"))):
            ref = tgt if isinstance(tgt, str) else _dict(tgt).get("group")
            if not isinstance(ref, str):
                continue
            where = f"{rpath}.groups[{gi}]" + ("" if isinstance(tgt, str) else ".group")
            prefix, sep, gid = ref.partition("/")
            if sep and prefix == "home":
                if gid not in local_groups:
                    yield Problem(where, f"names no group {gid!r} of a local centre", ref)
                continue
            if sep and prefix not in centre_ids:
                yield Problem(
                    where, f"names no centre {prefix!r} (centres: {_fmt(centre_ids)})", ref
                )
                continue
            found = group_refs.get(ref)
            if not found:
                yield Problem(
                    where, "names no group (use a group id, 'centre/group' or 'home/group')", ref
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

    # centres: one provincial at most; local centres name their network, once each
    provincial = [
        i for i, c in enumerate(centers) if _dict(c).get("kind", "provincial") == "provincial"
    ]
    for i in provincial[1:]:
        yield Problem(
            f"centers[{i}].kind", "a scenario has at most one provincial centre", "provincial"
        )
    seen_net: dict[str, str] = {}
    for ci, c in enumerate(centers):
        cd = _dict(c)
        net = cd.get("network")
        if cd.get("kind", "provincial") == "provincial" and net is not None:
            yield Problem(
                f"centers[{ci}].network",
                "is only for local centres (a provincial centre takes every network)",
                net,
            )
            continue
        if cd.get("kind") == "local":
            if net is None:
                yield Problem(
                    f"centers[{ci}].network",
                    "is required for a local centre (which network's calls it takes)",
                    has_value=False,
                )
        if isinstance(net, str):
            if net not in net_ids:
                yield Problem(
                    f"centers[{ci}].network", f"names no network (known: {_fmt(net_ids)})", net
                )
            elif net in seen_net:
                yield Problem(
                    f"centers[{ci}].network", f"already has a local centre ({seen_net[net]})", net
                )
            else:
                seen_net[net] = str(cd.get("id"))
        for gi, g in enumerate(_list(cd.get("groups"))):
            for di, dname in enumerate(_list(_dict(g).get("dialects"))):
                if isinstance(dname, str) and dname not in net_ids:
                    yield Problem(
                        f"centers[{ci}].groups[{gi}].dialects[{di}]",
                        f"names no network (known: {_fmt(net_ids)})",
                        dname,
                    )

    # staffing settings name groups and centres
    staffing = _dict(data.get("staffing"))
    group_ids = {
        str(_dict(g).get("id")) for c in centers for g in _list(_dict(c).get("groups"))
    } | set(group_refs)
    for gname in _dict(staffing.get("max_agents")):
        if gname not in group_ids:
            yield Problem(
                f"staffing.max_agents.{gname}", f"names no group (groups: {_fmt(group_ids)})", gname
            )
    for cname in _dict(staffing.get("seats")):
        if cname not in centre_ids:
            yield Problem(
                f"staffing.seats.{cname}", f"names no centre (centres: {_fmt(centre_ids)})", cname
            )
    yield from _unique("staffing.shifts", _list(staffing.get("shifts")))
    for si, sh in enumerate(_list(staffing.get("shifts"))):
        for gi, gname in enumerate(_list(_dict(sh).get("groups"))):
            if isinstance(gname, str) and gname not in group_ids:
                yield Problem(
                    f"staffing.shifts[{si}].groups[{gi}]",
                    f"names no group (groups: {_fmt(group_ids)})",
                    gname,
                )

    # campaigns: their groups, feeds; outbound-only groups
    campaigns = _list(data.get("campaigns"))
    yield from _unique("campaigns", campaigns)
    named: set[str] = set()
    fed_by: dict[str, str] = {}
    for ki, k in enumerate(campaigns):
        kd = _dict(k)
        seen_groups: set[str] = set()
        for gi, ref in enumerate(_list(kd.get("groups"))):
            if not isinstance(ref, str):
                continue
            found = group_refs.get(ref)
            if not found:
                yield Problem(
                    f"campaigns[{ki}].groups[{gi}]",
                    f"names no group (groups: {_fmt(group_ids)})",
                    ref,
                )
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
        feed = _dict(kd.get("feed"))
        if feed.get("source") == "work_orders":
            wanted = feed.get("order_types")
            known_orders = {str(_dict(w).get("id")) for w in _list(data.get("work_orders"))}
            for oi, o in enumerate(_list(wanted)):
                if isinstance(o, str) and o not in known_orders:
                    yield Problem(
                        f"campaigns[{ki}].feed.order_types[{oi}]",
                        f"names no work-order type (known: {_fmt(known_orders)})",
                        o,
                    )
            fed = (
                known_orders if wanted is None else {x for x in _list(wanted) if isinstance(x, str)}
            )
            for o in sorted(fed):
                if o in fed_by:
                    yield Problem(
                        f"campaigns[{ki}].feed",
                        f"calls back {o!r} orders, which campaign {fed_by[o]!r} already does",
                        kd.get("id"),
                    )
                fed_by.setdefault(o, str(kd.get("id")))
            for wi, w in enumerate(_list(data.get("work_orders"))):
                wd = _dict(w)
                if (wanted is None or wd.get("id") in wanted) and wd.get("callback") is not None:
                    yield Problem(
                        f"work_orders[{wi}].callback",
                        f"conflicts with campaign {kd.get('id')!r}, which calls these orders back; remove one",
                        wd.get("id"),
                    )
    for ci, c in enumerate(centers):
        for gi, g in enumerate(_list(_dict(c).get("groups"))):
            gd = _dict(g)
            if (
                isinstance(gd.get("skills"), list)
                and not gd["skills"]
                and f"{_dict(c).get('id')}/{gd.get('id')}" not in named
            ):
                yield Problem(
                    f"centers[{ci}].groups[{gi}].skills",
                    "is empty and no campaign names the group: it would take no calls",
                    gd.get("id"),
                )

    # calendars, work orders, back offices
    calendars = _list(data.get("calendars"))
    yield from _unique("calendars", calendars)
    cal_ids = set(_ids(calendars))
    for i, cal in enumerate(calendars):
        cd = _dict(cal)
        ranges = list(_list(cd.get("every_day"))) + [
            x for v in _dict(cd.get("hours")).values() for x in _list(v)
        ]
        if not ranges:
            yield Problem(
                f"calendars[{i}]", "has no opening hours (give every_day or hours)", cd.get("id")
            )
    orders = _list(data.get("work_orders"))
    yield from _unique("work_orders", orders)
    order_ids = set(_ids(orders))
    handled: set[str] = set()
    for ci, c in enumerate(centers):
        yield from _unique(f"centers[{ci}].back_office", _list(_dict(c).get("back_office")))
        for bi, b in enumerate(_list(_dict(c).get("back_office"))):
            bd = _dict(b)
            bpath = f"centers[{ci}].back_office[{bi}]"
            for oi, o in enumerate(_list(bd.get("order_types"))):
                if isinstance(o, str):
                    handled.add(o)
                    if o not in order_ids:
                        yield Problem(
                            f"{bpath}.order_types[{oi}]",
                            f"names no work-order type (known: {_fmt(order_ids)})",
                            o,
                        )
            calname = bd.get("calendar")
            if isinstance(calname, str) and calname not in cal_ids:
                yield Problem(
                    f"{bpath}.calendar", f"names no calendar (known: {_fmt(cal_ids)})", calname
                )
            handlers = bd.get("handlers")
            if isinstance(handlers, dict):
                yield from _per_interval_len(
                    f"{bpath}.handlers.per_interval", handlers.get("per_interval"), n, per_day
                )
            elif isinstance(handlers, list):
                yield from _per_interval_len(f"{bpath}.handlers", handlers, n, per_day)
    for wi, w in enumerate(orders):
        wd = _dict(w)
        wpath = f"work_orders[{wi}]"
        for ri, rb in enumerate(_list(wd.get("raised_by"))):
            rbd = _dict(rb)
            ct = rbd.get("call_type")
            if isinstance(ct, str) and ct not in type_ids:
                yield Problem(
                    f"{wpath}.raised_by[{ri}].call_type",
                    f"names no call type (known: {_fmt(type_ids)})",
                    ct,
                )
            for ti2, tname in enumerate(_list(rbd.get("tiers"))):
                if isinstance(tname, str) and tname not in tier_ids:
                    yield Problem(
                        f"{wpath}.raised_by[{ri}].tiers[{ti2}]",
                        f"names no tier (known: {_fmt(tier_ids)})",
                        tname,
                    )
        for tname in _dict(wd.get("limit_by_tier")):
            if tname not in tier_ids:
                yield Problem(
                    f"{wpath}.limit_by_tier.{tname}",
                    f"names no tier (known: {_fmt(tier_ids)})",
                    tname,
                )
        calname = wd.get("limit_calendar")
        if isinstance(calname, str) and calname not in cal_ids:
            yield Problem(
                f"{wpath}.limit_calendar", f"names no calendar (known: {_fmt(cal_ids)})", calname
            )
        chaser_type = _dict(wd.get("chaser")).get("call_type")
        if isinstance(chaser_type, str) and chaser_type not in type_ids:
            yield Problem(
                f"{wpath}.chaser.call_type",
                f"names no call type (known: {_fmt(type_ids)})",
                chaser_type,
            )
        wid = wd.get("id")
        if isinstance(wid, str) and wid not in handled:
            yield Problem(
                wpath,
                "has no back-office group: no centre's back_office lists it in order_types",
                wid,
            )


def _fmt(ids: set[str]) -> str:
    items = sorted(ids)
    return ", ".join(items[:12]) + (" ..." if len(items) > 12 else "") if items else "none"
