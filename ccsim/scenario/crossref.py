"""Cross-reference checks of a scenario, run on the raw mapping.

They run whether or not the field-level checks passed, so that one pass reports every
problem. Each check reads defensively: a value of the wrong shape is the field checks'
business and is skipped here.
"""

from __future__ import annotations

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
    if (
        demand.get("profile") is not None
        and share_users == 0
        and _num(demand.get("daily_volume")) is not None
    ):
        yield Problem(
            "demand", "no call type takes a share of it (arrivals: {share: ...})", has_value=False
        )

    # routing rules
    routing = _dict(data.get("routing"))
    rules = _list(routing.get("rules"))
    covered: dict[str, bool] = {
        t: False for t in type_ids
    }  # every (tier, network) matched by a rule
    for ri, r in enumerate(rules):
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
            found = group_refs.get(ref)
            if not found:
                yield Problem(where, "names no group (use a group id or 'centre/group')", ref)
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
        if rd.get("tiers") is None and rd.get("networks") is None:
            for t in matched_types:
                covered[t] = True
    for ti, ct in enumerate(call_types):
        tid = _dict(ct).get("id")
        if not isinstance(tid, str) or covered.get(tid):
            continue
        if not any(tid in skills for refs in group_refs.values() for _, skills in refs):
            yield Problem(
                f"call_types[{ti}]",
                "can reach no group: no group has it as a skill and no routing rule covers it",
                tid,
            )


def _fmt(ids: set[str]) -> str:
    items = sorted(ids)
    return ", ".join(items[:12]) + (" ..." if len(items) > 12 else "") if items else "none"
