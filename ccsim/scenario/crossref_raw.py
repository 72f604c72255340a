"""Reading a raw scenario mapping for the cross-reference checks, and the ids it defines.

The checks run on the mapping as given, whether or not the field checks passed, so
every reader here is defensive: a value of the wrong shape reads as empty or missing
(the field checks report it).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ccsim.errors import Problem
from ccsim.scenario.problem_paths import did_you_mean

#: Tolerance of shares that must sum to 1.
TOL = 1e-6

#: Each group id, bare and as ``centre/group``: [(centre id, skills that are text)].
GroupRefs = dict[str, list[tuple[str, list[str]]]]


def as_list(x: Any) -> list[Any]:
    """``x`` if it is a list, else an empty list."""
    return x if isinstance(x, list) else []


def as_dict(x: Any) -> dict[str, Any]:
    """``x`` if it is a mapping, else an empty mapping."""
    return x if isinstance(x, dict) else {}


def as_number(x: Any) -> float | None:
    """``x`` as a float if it is a finite number (not a bool), else None.

    NaN and infinity are left to the field checks, which refuse them.
    """
    if isinstance(x, bool) or not isinstance(x, int | float):
        return None
    value = float(x)
    return value if math.isfinite(value) else None


def ids_of(items: list[Any]) -> list[str]:
    """The ids of the items that have a text id, in order."""
    return [str(as_dict(it).get("id")) for it in items if isinstance(as_dict(it).get("id"), str)]


def duplicate_ids(path: str, items: list[Any]) -> Iterator[Problem]:
    """Items of the list at ``path`` whose id an earlier item has."""
    seen: set[str] = set()
    for i, it in enumerate(items):
        id_ = as_dict(it).get("id")
        if isinstance(id_, str):
            if id_ in seen:
                yield Problem(f"{path}[{i}].id", "duplicates an earlier id", id_)
            seen.add(id_)


def share_sums(path: str, items: list[Any], key: str = "share") -> Iterator[Problem]:
    """A problem if the items' shares (all numbers) do not sum to 1."""
    values = [as_number(as_dict(it).get(key)) for it in items]
    if items and all(v is not None for v in values):
        total = sum(v for v in values if v is not None)
        if abs(total - 1.0) > TOL:
            hint = " (shares are fractions: write 0.22 for 22 %)" if 99 <= total <= 101 else ""
            yield Problem(f"{path}[*].{key}", "must sum to 1" + hint, round(total, 10))


def listing(ids: set[str]) -> str:
    """Ids for a message: sorted, at most 12, or 'none'."""
    items = sorted(ids)
    return ", ".join(items[:12]) + (" ..." if len(items) > 12 else "") if items else "none"


@dataclass(frozen=True)
class KnownIds:
    """What a raw scenario defines, for checking the names that refer to it."""

    n_intervals: int | None  # intervals in the horizon, when a whole number
    per_day: int | None  # intervals in a day, when a whole number
    call_types: set[str]
    networks: set[str]  # or the default network 'all'
    tiers: set[str]  # or the default tier 'regular'
    centres: set[str]
    group_refs: GroupRefs
    groups: set[str]  # group ids, bare and as 'centre/group'


def names_no(path: str, value: Any, what: str, ids: set[str], label: str = "known") -> Problem:
    """A reference to something the scenario does not define, with what it does define."""
    rule = f"names no {what} ({label}: {listing(ids)})" + did_you_mean(value, ids)
    return Problem(path, rule, value)
