"""Cross-reference checks of transfers between groups (``groups[].transfers``).

An entry names skills of its group and a group that exists once (``group`` or
``centre/group``), is not the group itself and has the entry's call types among its
skills; a group transfers at most all of a call type's calls; ``conference_time`` goes
with ``consult`` and ``priority`` with ``blind``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ccsim.errors import Problem
from ccsim.scenario.crossref_raw import KnownIds, as_dict, as_list, as_number, names_no


def transfer_problems(centers: list[Any], known: KnownIds) -> Iterator[Problem]:
    """Every problem of the groups' transfer entries."""
    for ci, c in enumerate(centers):
        cd = as_dict(c)
        for gi, g in enumerate(as_list(cd.get("groups"))):
            gd = as_dict(g)
            skills = [s for s in as_list(gd.get("skills")) if isinstance(s, str)]
            self_refs = {str(gd.get("id")), f"{cd.get('id')}/{gd.get('id')}"}
            total: dict[str, float] = {}
            for ti, t in enumerate(as_list(gd.get("transfers"))):
                td = as_dict(t)
                path = f"centers[{ci}].groups[{gi}].transfers[{ti}]"
                raw = td.get("call_types")
                names = skills if raw is None else [s for s in as_list(raw) if isinstance(s, str)]
                for si, s in enumerate(names):
                    if raw is not None and s not in skills:
                        yield names_no(
                            f"{path}.call_types[{si}]",
                            s,
                            "skill of this group",
                            set(skills),
                            "skills",
                        )
                share = as_number(td.get("share"))
                for s in names:
                    total[s] = total.get(s, 0.0) + (share or 0.0)
                kind = td.get("kind", "blind")
                if td.get("conference_time") is not None and kind != "consult":
                    yield Problem(
                        f"{path}.conference_time", "goes with kind: consult", has_value=False
                    )
                if td.get("priority") is not None and kind != "blind":
                    yield Problem(
                        f"{path}.priority",
                        "goes with kind: blind (a consulted caller does not queue on its own)",
                        td.get("priority"),
                    )
                ref = td.get("to")
                if not isinstance(ref, str):
                    continue
                if ref.startswith("home/"):
                    yield Problem(f"{path}.to", "must name a group id or 'centre/group'", ref)
                    continue
                found = known.group_refs.get(ref)
                if not found:
                    yield names_no(f"{path}.to", ref, "group", known.groups, "groups")
                    continue
                if len(found) > 1:
                    yield Problem(
                        f"{path}.to",
                        "is ambiguous: groups of that id exist in several centres; write 'centre/group'",
                        ref,
                    )
                    continue
                if ref in self_refs and found[0][0] == str(cd.get("id")):
                    yield Problem(f"{path}.to", "names the group itself", ref)
                    continue
                for s in names:
                    if s in skills and s not in found[0][1]:
                        yield Problem(
                            f"{path}.to",
                            f"does not have skill {s!r}, which this entry transfers to it",
                            ref,
                        )
            for s, v in total.items():
                if v > 1.0 + 1e-9:
                    yield Problem(
                        f"centers[{ci}].groups[{gi}].transfers",
                        f"transfer shares of call type {s!r} must sum to at most 1",
                        round(v, 10),
                    )
