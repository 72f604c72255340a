"""The simulated period: its length, reporting intervals and start on the clock."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ccsim.scenario.common import Clock, Model, Weekday


class Horizon(Model):
    """The simulated period and its reporting intervals."""

    duration_h: float = Field(
        gt=0, le=8784, description="Length of the simulated period, hours (at most a leap year)."
    )
    interval_min: float = Field(
        30.0, ge=1, le=1440, description="Reporting and staffing interval, minutes."
    )
    start: Clock = Field(
        "00:00", description="Clock time at the start of the period, HH:MM (quote it in YAML)."
    )
    start_day: Weekday = Field("mon", description="Weekday of the first day.")
    warmup_h: float = Field(0.0, ge=0, description="Initial period excluded from the KPIs, hours.")
    drain_limit_h: float | None = Field(
        None,
        gt=0,
        description="After arrivals stop, stop the run this many hours later (default: run until "
        "every caller has finished). Callers still waiting then count as waiting at the end.",
    )

    @property
    def interval_s(self) -> float:
        """Interval length, seconds."""
        return self.interval_min * 60.0

    @property
    def n_intervals(self) -> int:
        """Number of intervals in the period."""
        return round(self.duration_h * 60.0 / self.interval_min)

    @property
    def warmup_intervals(self) -> int:
        """Leading intervals of the warm-up, left out of the KPIs."""
        return round(self.warmup_h * 60.0 / self.interval_min)

    @property
    def intervals_per_day(self) -> float:
        """Intervals in 24 hours (may be fractional for odd interval lengths)."""
        return 1440.0 / self.interval_min

    @property
    def start_s(self) -> float:
        """Clock time of the start, seconds after midnight."""
        h, m = self.start.split(":")
        return int(h) * 3600.0 + int(m) * 60.0

    @property
    def start_interval(self) -> int:
        """Intervals from midnight to the start (for daily lists that follow the clock)."""
        return int(self.start_s // self.interval_s)


def per_interval(values: list[int] | list[float], n_intervals: int, offset: int = 0) -> list[Any]:
    """Values per interval of the period from a list for the period or for a day (clock-aligned)."""
    if len(values) == n_intervals:
        return list(values)
    return [values[(offset + i) % len(values)] for i in range(n_intervals)]
