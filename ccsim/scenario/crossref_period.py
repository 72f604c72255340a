"""Cross-reference checks of the period: the horizon, and lists given per interval.

A list per interval (agents, back-office handlers, arrival rates) has one value per
interval of the period, or one per interval of a day that repeats and follows the clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ccsim.errors import Problem
from ccsim.scenario.crossref_raw import as_dict, as_list, as_number

CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")

#: Most reporting intervals a horizon may have: every table and staffing vector is
#: per interval, so a year of 1-minute intervals would cost minutes and gigabytes.
MAX_INTERVALS = 105_408


def intervals_info(data: dict[str, Any]) -> tuple[int | None, int | None]:
    """(intervals in the horizon, intervals in a day when whole) from a raw horizon."""
    h = as_dict(data.get("horizon"))
    dur = as_number(h.get("duration_h"))
    imin = as_number(h.get("interval_min", 30.0))
    if dur is None or imin is None or imin <= 0 or dur <= 0:
        return None, None
    n = dur * 60.0 / imin
    per_day = 1440.0 / imin
    return (
        round(n) if abs(n - round(n)) < 1e-9 else None,
        round(per_day) if abs(per_day - round(per_day)) < 1e-9 else None,
    )


def horizon_problems(h: dict[str, Any]) -> Iterator[Problem]:
    """Problems of a raw horizon: its start on the clock, and whole intervals."""
    dur = as_number(h.get("duration_h"))
    step = as_number(h.get("interval_min", 30.0))
    warm = as_number(h.get("warmup_h", 0.0))
    start = h.get("start", "00:00")
    if isinstance(start, int) and not isinstance(start, bool) and 0 <= start < 1440:
        start = f"{start // 60:02d}:{start % 60:02d}"
    if isinstance(start, str) and re.fullmatch(r"\d:\d\d", start.strip()):
        start = "0" + start.strip()
    if isinstance(start, str) and not CLOCK.match(start):
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


def daily_list_problems(data: dict[str, Any]) -> Iterator[Problem]:
    """A daily list (one value per interval of a day) follows the clock: the start must fall on the grid."""
    n, per_day = intervals_info(data)
    if per_day is None or n == per_day:
        return
    h = as_dict(data.get("horizon"))
    start = h.get("start", "00:00")
    step = as_number(h.get("interval_min", 30.0)) or 30.0
    if isinstance(start, int) and not isinstance(start, bool):
        start = f"{start // 60:02d}:{start % 60:02d}"
    if not isinstance(start, str) or not CLOCK.match(start):
        return
    minutes = int(start[:2]) * 60 + int(start[3:])
    if minutes % step == 0:
        return

    def length(v: Any) -> int:
        return len(as_list(v) or as_list(as_dict(v).get("per_interval")))

    lists = [
        as_dict(g).get("agents")
        for c in as_list(data.get("centers"))
        for g in as_list(as_dict(c).get("groups"))
    ]
    lists += [
        as_dict(b).get("handlers")
        for c in as_list(data.get("centers"))
        for b in as_list(as_dict(c).get("back_office"))
    ]
    lists += [
        as_dict(as_dict(ct).get("arrivals")).get("per_interval")
        for ct in as_list(data.get("call_types"))
    ]
    daily = any(length(v) == per_day for v in lists)
    if daily:
        yield Problem(
            "horizon.start",
            f"must fall on the {step:g}-minute grid when lists give one value per interval of a day",
            start,
        )


def list_length_problems(
    path: str, values: Any, n: int | None, per_day: int | None
) -> Iterator[Problem]:
    """A problem if the list at ``path`` has neither ``n`` values nor ``per_day``."""
    if not isinstance(values, list) or n is None:
        return
    ok = {n} | ({per_day} if per_day is not None else set())
    if len(values) not in ok:
        want = f"{n} (one per interval)"
        if per_day is not None and per_day != n:
            want += f" or {per_day} (one per interval of a day, repeated)"
        yield Problem(path, f"must have {want} values", len(values))
