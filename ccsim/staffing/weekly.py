"""Weekly rosters: agents on weekly lines (a shift on each working day, days off), by integer programming.

With ``staffing.week`` on a horizon of more than one day, the roster no longer picks
shifts day by day. Each agent works a *line*: one shift pattern at one start time on
the working days of a days-off rotation (``days_worked`` days of every 7; the days off
consecutive, any, or the weekdays the pattern names). The number of agents on each
line is an integer; every interval must have at least the scheduled agents on duty;
each pattern keeps between its ``min_agents`` and ``max_agents``; part-time patterns
hold at most ``week.part_time_share`` of the agents (or paid hours); the paid hours
over the horizon are minimized (``scipy.optimize.milp``, HiGHS).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import LinearConstraint

from ccsim.scenario.staffing import ShiftPattern, WeekSettings
from ccsim.staffing.shifts import DAYS, Roster, Shift, candidate_shifts


@dataclass(frozen=True)
class Line:
    """A weekly line: one pattern's shift at one start time on the working days of a rotation."""

    pattern: str
    label: str
    shifts: tuple[Shift, ...]
    days: tuple[int, ...]  # day of the horizon (0 = first) of each shift
    part_time: bool

    @property
    def length_s(self) -> float:
        """Paid seconds over the horizon."""
        return float(sum(s.length_s for s in self.shifts))

    def on_duty(self, bounds: NDArray[np.float64]) -> NDArray[np.float64]:
        """Fraction of each interval [bounds[i], bounds[i+1]) on duty."""
        out = np.zeros(bounds.size - 1)
        for s in self.shifts:
            out += s.on_duty(bounds)
        return out


def rotations(p: ShiftPattern) -> list[frozenset[str]]:  # weekday names
    """The working weekdays of each days-off rotation a pattern allows."""
    off_n = 7 - p.days_worked
    offs: list[frozenset[str]]
    if isinstance(p.days_off, list):
        offs = [frozenset(p.days_off)]
    elif p.days_off == "consecutive":
        offs = [frozenset(DAYS[(r + k) % 7] for k in range(off_n)) for r in range(7)]
        offs = list(dict.fromkeys(offs))
    else:
        offs = [frozenset(c) for c in itertools.combinations(DAYS, off_n)]
    allowed = set(DAYS if p.days is None else p.days)
    out = []
    for off in offs:
        work = frozenset(d for d in DAYS if d not in off)
        if work <= allowed:
            out.append(work)
    return out


def weekly_lines(
    patterns: list[ShiftPattern], start_clock_s: float, start_day: str, horizon_s: float
) -> list[Line]:
    """Every weekly line of the patterns with at least one shift in the horizon."""
    first = DAYS.index(start_day)
    out = []
    for p in patterns:
        shifts = candidate_shifts([p], start_clock_s, start_day, horizon_s)
        for start in p.starts:
            clock = int(start[:2]) * 3600 + int(start[3:]) * 60
            own = [s for s in shifts if round(s.start_s + start_clock_s) % 86_400 == clock]
            for work in rotations(p):
                picked = []
                days = []
                for s in own:
                    d = int((s.start_s + start_clock_s) // 86_400)
                    if DAYS[(first + d) % 7] in work:
                        picked.append(s)
                        days.append(d)
                if not picked:
                    continue
                off = "".join(w[:2] for w in DAYS if w not in work)
                label = f"{p.id} {start} off {off}" if off else f"{p.id} {start}"
                out.append(Line(p.id, label, tuple(picked), tuple(days), p.part_time))
    return out


def week_constraints(
    lines: list[Line], patterns: list[ShiftPattern], week: WeekSettings
) -> list[LinearConstraint]:
    """Agents per pattern within its min and max; the part-time cap."""
    n = len(lines)
    out = []
    for p in patterns:
        row = np.array([1.0 if ln.pattern == p.id else 0.0 for ln in lines])
        if not row.any():
            continue
        if p.min_agents > 0 or p.max_agents is not None:
            hi = np.inf if p.max_agents is None else float(p.max_agents)
            out.append(LinearConstraint(row[None, :], lb=float(p.min_agents), ub=hi))
    if week.part_time_share is not None and any(ln.part_time for ln in lines):
        w = (
            np.ones(n)
            if week.part_time_basis == "agents"
            else np.array([ln.length_s for ln in lines])
        )
        pt = np.array([1.0 if ln.part_time else 0.0 for ln in lines])
        # part-time weight <= share * total weight
        out.append(LinearConstraint(((pt - week.part_time_share) * w)[None, :], ub=0.0))
    return out


def week_ok(
    counts: NDArray[np.int64], lines: list[Line], patterns: list[ShiftPattern], week: WeekSettings
) -> bool:
    """Whether agents per line respect every pattern's min and max and the part-time cap."""
    for c in week_constraints(lines, patterns, week):
        v = c.A @ counts
        if (v < c.lb - 1e-9).any() or (v > c.ub + 1e-9).any():
            return False
    return True


def day_table(r: Roster, start_day: str, group: str) -> list[dict[str, Any]]:
    """Agents working each pattern each day of the horizon (weekly lines only)."""
    first = DAYS.index(start_day)
    per: dict[tuple[int, str], int] = {}
    for ln, c in zip(r.shifts, r.counts, strict=True):
        if c <= 0 or not isinstance(ln, Line):
            continue
        for d in ln.days:
            per[(d, ln.pattern)] = per.get((d, ln.pattern), 0) + int(c)
    return [
        {"group": group, "day": d + 1, "weekday": DAYS[(first + d) % 7], "pattern": p,
         "agents": a}
        for (d, p), a in sorted(per.items())
        if d >= 0
    ]  # fmt: skip
