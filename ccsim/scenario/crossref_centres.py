"""Cross-reference checks of centres, their agent groups, and the staffing settings.

Groups have unique ids within a centre and skills that name call types; there is one
provincial centre at most, and each local centre takes the calls of one network; the
staffing settings name existing groups and centres.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ccsim.errors import Problem
from ccsim.scenario.crossref_period import list_length_problems
from ccsim.scenario.crossref_raw import (
    GroupRefs,
    KnownIds,
    as_dict,
    as_list,
    as_number,
    duplicate_ids,
    names_no,
)


def group_refs(centers: list[Any]) -> GroupRefs:
    """Each group id, bare and as ``centre/group``, with its centres and text skills."""
    refs: GroupRefs = {}
    for c in centers:
        cd = as_dict(c)
        for g in as_list(cd.get("groups")):
            gd = as_dict(g)
            skills = [s for s in as_list(gd.get("skills")) if isinstance(s, str)]
            gid, cid = gd.get("id"), cd.get("id")
            if isinstance(gid, str):
                refs.setdefault(gid, []).append((str(cid), skills))
                refs.setdefault(f"{cid}/{gid}", []).append((str(cid), skills))
    return refs


def group_problems(
    centers: list[Any], known: KnownIds, call_types: list[Any] | None = None
) -> Iterator[Problem]:
    """Groups: unique within a centre; skills name call types; agents per interval; proficiency."""
    # call types whose unresolved callers have no return delay: no group may resolve less
    no_return = {
        str(cd.get("id"))
        for cd in (as_dict(c) for c in call_types or [])
        if cd.get("return_delay") is None
    }
    n, per_day, type_ids = known.n_intervals, known.per_day, known.call_types
    for ci, c in enumerate(centers):
        cd = as_dict(c)
        yield from duplicate_ids(f"centers[{ci}].groups", as_list(cd.get("groups")))
        for gi, g in enumerate(as_list(cd.get("groups"))):
            gd = as_dict(g)
            gpath = f"centers[{ci}].groups[{gi}]"
            skills = [s for s in as_list(gd.get("skills")) if isinstance(s, str)]
            for si, s in enumerate(skills):
                if s not in type_ids:
                    yield names_no(f"{gpath}.skills[{si}]", s, "call type", type_ids, "call types")
                if s in skills[:si]:
                    yield Problem(f"{gpath}.skills[{si}]", "is listed twice", s)
            yield from _proficiency_problems(gpath, gd.get("proficiency"), skills, no_return)
            agents = gd.get("agents")
            if isinstance(agents, dict):
                yield from list_length_problems(
                    f"{gpath}.agents.per_interval", agents.get("per_interval"), n, per_day
                )
            elif isinstance(agents, list):
                yield from list_length_problems(f"{gpath}.agents", agents, n, per_day)


def _proficiency_problems(
    gpath: str, entries: Any, skills: list[str], no_return: set[Any]
) -> Iterator[Problem]:
    """Proficiency entries name skills of their group, each call type in one entry at most."""
    covered: dict[str, int] = {}
    for pi, p in enumerate(as_list(entries)):
        pd_ = as_dict(p)
        raw = pd_.get("call_types")
        names = skills if raw is None else [s for s in as_list(raw) if isinstance(s, str)]
        for key in ("fcr", "fcr_factor"):
            v = as_number(pd_.get(key))
            lacking = [t for t in names if t in no_return]
            if v is not None and v < 1.0 and lacking:
                yield Problem(
                    f"{gpath}.proficiency[{pi}].{key}",
                    f"below 1 needs a return_delay on call type {lacking[0]!r} "
                    "(when do unresolved callers call again?)",
                    v,
                )
        for ti, t in enumerate(names):
            where = f"{gpath}.proficiency[{pi}]" + ("" if raw is None else f".call_types[{ti}]")
            if raw is not None and t not in skills:
                yield names_no(where, t, "skill of this group", set(skills), "skills")
            elif t in covered and covered[t] != pi:
                yield Problem(
                    where,
                    f"call type {t!r} already has proficiency[{covered[t]}]: one entry per call type",
                    t if raw is not None else None,
                    has_value=raw is not None,
                )
            else:
                covered.setdefault(t, pi)


def centre_problems(centers: list[Any], known: KnownIds) -> Iterator[Problem]:
    """Centres: one provincial at most; local centres name their network, once each."""
    net_ids = known.networks
    provincial = [
        i for i, c in enumerate(centers) if as_dict(c).get("kind", "provincial") == "provincial"
    ]
    for i in provincial[1:]:
        yield Problem(
            f"centers[{i}].kind", "a scenario has at most one provincial centre", "provincial"
        )
    seen_net: dict[str, str] = {}
    for ci, c in enumerate(centers):
        cd = as_dict(c)
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
                yield names_no(f"centers[{ci}].network", net, "network", net_ids)
            elif net in seen_net:
                yield Problem(
                    f"centers[{ci}].network", f"already has a local centre ({seen_net[net]})", net
                )
            else:
                seen_net[net] = str(cd.get("id"))
        for gi, g in enumerate(as_list(cd.get("groups"))):
            for di, dname in enumerate(as_list(as_dict(g).get("dialects"))):
                if isinstance(dname, str) and dname not in net_ids:
                    yield names_no(
                        f"centers[{ci}].groups[{gi}].dialects[{di}]", dname, "network", net_ids
                    )


def staffing_problems(data: dict[str, Any], known: KnownIds) -> Iterator[Problem]:
    """The staffing settings name groups and centres."""
    group_ids, centre_ids = known.groups, known.centres
    staffing = as_dict(data.get("staffing"))
    for field in ("max_agents", "min_agents"):
        for gname in as_dict(staffing.get(field)):
            if gname not in group_ids:
                yield names_no(f"staffing.{field}.{gname}", gname, "group", group_ids, "groups")
    n, per_day = known.n_intervals, known.per_day
    for gname, value in as_dict(staffing.get("min_agents")).items():
        if isinstance(value, list):
            yield from list_length_problems(f"staffing.min_agents.{gname}", value, n, per_day)
    for cname in as_dict(staffing.get("seats")):
        if cname not in centre_ids:
            yield names_no(f"staffing.seats.{cname}", cname, "centre", centre_ids, "centres")
    yield from duplicate_ids("staffing.shifts", as_list(staffing.get("shifts")))
    for si, sh in enumerate(as_list(staffing.get("shifts"))):
        for gi, gname in enumerate(as_list(as_dict(sh).get("groups"))):
            if isinstance(gname, str) and gname not in group_ids:
                yield names_no(
                    f"staffing.shifts[{si}].groups[{gi}]", gname, "group", group_ids, "groups"
                )
