"""Working calendars: weekly opening hours, and time measured only while open.

Times are seconds from the start of the simulated period; a calendar knows the clock
time and weekday of that start. Opening hours are given per weekday as ``HH:MM-HH:MM``
ranges (``24:00`` allowed as an end; a range whose end is before its start runs past
midnight). Time limits of work orders are measured on a calendar: "48 h" on an
always-open calendar is two days; "1 h excluding 22:00-08:00" is one open hour.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ccsim.scenario.common import parse_range

WEEK_S = 7 * 86_400.0
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Calendar:
    """Open periods repeating weekly.

    Parameters
    ----------
    hours : mapping weekday -> list of "HH:MM-HH:MM"
        Opening hours per weekday (missing weekday: closed that day).
    start_s : float
        Clock time of simulated time 0, seconds after midnight.
    start_day : str
        Weekday of simulated time 0.
    """

    opens: tuple[float, ...]  # week-relative open times (0 = Monday 00:00), sorted
    closes: tuple[float, ...]
    offset: float  # week-relative time of simulated time 0

    @classmethod
    def weekly(
        cls, hours: Mapping[str, Sequence[str]], start_s: float = 0.0, start_day: str = "mon"
    ) -> Calendar:
        """Build from weekday opening hours."""
        periods: list[tuple[float, float]] = []
        for di, day in enumerate(DAYS):
            for text in hours.get(day, ()):
                a, b = parse_range(text)
                base = di * 86_400.0
                if b > a:
                    periods.append((base + a, base + b))
                else:  # runs past midnight into the next day
                    periods.append((base + a, base + 86_400.0 + b))
        return cls.from_periods(periods, start_s + DAYS.index(start_day) * 86_400.0)

    @classmethod
    def always(cls, offset: float = 0.0) -> Calendar:
        """A calendar that never closes."""
        return cls((0.0,), (WEEK_S,), offset)

    @classmethod
    def from_periods(cls, periods: Iterable[tuple[float, float]], offset: float) -> Calendar:
        """Merge week-relative periods (wrapping past the week's end) into a sorted list."""
        flat: list[tuple[float, float]] = []
        for a, b in periods:
            a, b = a % WEEK_S, a % WEEK_S + (b - a)
            if b > WEEK_S:
                flat.append((a, WEEK_S))
                flat.append((0.0, b - WEEK_S))
            else:
                flat.append((a, b))
        flat.sort()
        merged: list[list[float]] = []
        for a, b in flat:
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        if not merged:
            raise ValueError("a calendar needs some opening hours")
        return cls(tuple(p[0] for p in merged), tuple(p[1] for p in merged), offset % WEEK_S)

    @property
    def open_per_week_s(self) -> float:
        """Open seconds in a week."""
        return sum(b - a for a, b in zip(self.opens, self.closes, strict=True))

    def _split(self, t: float) -> tuple[float, float]:
        w = t + self.offset
        base = math.floor(w / WEEK_S) * WEEK_S
        return base, w - base

    def is_open(self, t: float) -> bool:
        """Whether the calendar is open at simulated time ``t``."""
        _, r = self._split(t)
        i = bisect.bisect_right(self.opens, r) - 1
        return i >= 0 and r < self.closes[i]

    def next_change(self, t: float) -> float:
        """The first time after ``t`` at which the calendar opens or closes."""
        base, r = self._split(t)
        for a, b in zip(self.opens, self.closes, strict=True):
            if a > r:
                return base + a - self.offset
            if b > r:
                return base + b - self.offset
        return base + WEEK_S + self.opens[0] - self.offset

    def open_time_between(self, t0: float, t1: float) -> float:
        """Open seconds in the simulated interval [t0, t1]."""
        if t1 <= t0:
            return 0.0
        return self._cum(t1) - self._cum(t0)

    def _cum(self, t: float) -> float:
        """Open seconds from week-relative 0 of the offset's week to ``t``."""
        base, r = self._split(t)
        weeks = (base - 0.0) / WEEK_S
        done = 0.0
        for a, b in zip(self.opens, self.closes, strict=True):
            if r <= a:
                break
            done += min(r, b) - a
        return weeks * self.open_per_week_s + done

    def add_open_time(self, t0: float, seconds: float) -> float:
        """The simulated time at which ``seconds`` of open time have passed since ``t0``."""
        if seconds <= 0:
            return t0
        target = self._cum(t0) + seconds
        per_week = self.open_per_week_s
        weeks = math.floor(target / per_week)
        rest = target - weeks * per_week
        if rest == 0.0 and weeks > 0:  # exactly at a week's last close: stay in that week
            weeks -= 1
            rest = per_week
        t = weeks * WEEK_S
        for a, b in zip(self.opens, self.closes, strict=True):
            if rest <= b - a:
                return t + a + rest - self.offset
            rest -= b - a
        raise AssertionError("unreachable")  # pragma: no cover

    def changes(self, t0: float, t1: float) -> list[float]:
        """Times in (t0, t1] at which the calendar opens or closes."""
        out = []
        t = self.next_change(t0)
        while t <= t1:
            out.append(t)
            t = self.next_change(t)
        return out
