"""Step 3 of the staffing plan: cover the requirement with shifts, by integer programming.

Each shift pattern gives, every day it is worked, one candidate shift per start time:
on duty from its start for ``length_h`` hours except a meal break. The number of agents
on each candidate shift is an integer; every interval must have at least the
scheduled agents on duty (a shift covering part of an interval counts for that
fraction); the paid hours are minimized (``scipy.optimize.milp``, HiGHS).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, milp

from ccsim.scenario.staffing import ShiftPattern

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Shift:
    """One candidate shift: a pattern started at a given time."""

    pattern: str
    start_s: float  # simulated time of its start (may be before 0 for a shift begun the day before)
    length_s: float
    break_start_s: float | None
    break_s: float
    label: str

    def on_duty(self, bounds: NDArray[np.float64]) -> NDArray[np.float64]:
        """Fraction of each interval [bounds[i], bounds[i+1]) on duty."""
        lo, hi = bounds[:-1], bounds[1:]
        width = hi - lo
        on = np.clip(
            np.minimum(hi, self.start_s + self.length_s) - np.maximum(lo, self.start_s), 0, None
        )
        if self.break_start_s is not None and self.break_s > 0:
            b0, b1 = self.break_start_s, self.break_start_s + self.break_s
            on -= np.clip(np.minimum(hi, b1) - np.maximum(lo, b0), 0, None)
        out: NDArray[np.float64] = on / width
        return out


class Column(Protocol):
    """What the roster picks agents for: a shift, or a weekly line of shifts."""

    @property
    def pattern(self) -> str: ...  # noqa: D102
    @property
    def label(self) -> str: ...  # noqa: D102
    @property
    def length_s(self) -> float: ...  # noqa: D102
    def on_duty(self, bounds: NDArray[np.float64]) -> NDArray[np.float64]: ...  # noqa: D102


@dataclass(frozen=True)
class Roster:
    """Agents per shift (or weekly line), the coverage per interval, and its cost in paid hours."""

    shifts: Sequence[Column]
    counts: NDArray[np.int64]
    coverage: NDArray[np.float64]  # agents on duty per interval
    required: NDArray[np.float64]
    paid_hours: float
    status: str

    @property
    def over_cover(self) -> NDArray[np.float64]:
        """Agents on duty beyond the requirement, per interval."""
        return self.coverage - self.required

    def rows(self) -> list[dict[str, Any]]:
        """The shifts worked, with their agents."""
        return [
            {
                "shift": s.label,
                "pattern": s.pattern,
                "agents": int(c),
                "paid_hours": float(c) * s.length_s / 3600.0,
            }
            for s, c in zip(self.shifts, self.counts, strict=True)
            if c > 0
        ]


def candidate_shifts(
    patterns: list[ShiftPattern], start_clock_s: float, start_day: str, horizon_s: float
) -> list[Shift]:
    """Every shift of the patterns that overlaps the horizon."""
    out = []
    first = DAYS.index(start_day)
    n_days = int((start_clock_s + horizon_s) // 86_400) + 1
    for p in patterns:
        for d in range(-1, n_days + 1):
            weekday = DAYS[(first + d) % 7]
            if p.days is not None and weekday not in p.days:
                continue
            for s in p.starts:
                hh, mm = int(s[:2]), int(s[3:])
                t = d * 86_400.0 + hh * 3600.0 + mm * 60.0 - start_clock_s
                length = p.length_h * 3600.0
                if t + length <= 0 or t >= horizon_s:
                    continue
                brk = None if p.break_after_h is None else t + p.break_after_h * 3600.0
                label = f"{p.id} {s}" + (f" d{d + 1}" if n_days > 1 else "")
                out.append(Shift(p.id, t, length, brk, p.break_min * 60.0, label))
    return out


def coverage_matrix(shifts: Sequence[Column], n: int, interval_s: float) -> NDArray[np.float64]:
    """Fraction of each interval (rows) each shift (columns) is on duty."""
    bounds = np.arange(n + 1, dtype=float) * interval_s
    return np.stack([s.on_duty(bounds) for s in shifts], axis=1)


def roster(
    required: NDArray[np.float64],
    interval_s: float,
    shifts: Sequence[Column],
    time_limit_s: float = 30.0,
    extra: list[LinearConstraint] | None = None,
) -> Roster:
    """Fewest paid hours of shifts covering ``required`` agents in every interval.

    ``extra`` adds linear constraints on the agents per shift (weekly rosters: agents
    per pattern, the part-time cap).
    """
    n = required.size
    if not shifts:
        raise ValueError("no shift pattern covers the period")
    A = coverage_matrix(shifts, n, interval_s)  # intervals x shifts
    need = np.asarray(required, dtype=float)
    uncoverable = (A.sum(axis=1) <= 0) & (need > 0)
    rhs = np.where(uncoverable, 0.0, need)
    cost = np.asarray([s.length_s / 3600.0 for s in shifts])
    res = milp(
        c=cost,
        constraints=[LinearConstraint(A, lb=rhs, ub=np.inf), *(extra or [])],
        integrality=np.ones(len(shifts)),
        bounds=Bounds(0, np.inf),
        options={"time_limit": time_limit_s},
    )
    if res.x is None:
        raise ValueError(f"the shift problem has no solution ({res.message})")
    counts = np.round(res.x).astype(np.int64)
    coverage = A @ counts
    status = "optimal" if res.status == 0 else f"best found ({res.message})"
    if uncoverable.any():
        status += f"; {int(uncoverable.sum())} intervals no shift covers"
    return Roster(shifts, counts, coverage, need, float(cost @ counts), status)
