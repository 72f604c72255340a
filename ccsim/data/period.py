"""The period a call log covers, cut into intervals on the clock.

Times become seconds from the period's start; intervals and slots of the day follow the
clock (a slot is an interval of the day counted from midnight, as the scenario's
profiles and per-interval lists are).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Period:
    """From ``start`` for ``n_intervals`` intervals of ``interval_s`` seconds."""

    start: pd.Timestamp  # on the interval grid of the clock
    interval_s: float
    n_intervals: int
    replications: int  # independent copies of the period in the log (ccsim's replications)

    @property
    def duration_s(self) -> float:
        """Length of the period, seconds."""
        return self.interval_s * self.n_intervals

    @property
    def slots_per_day(self) -> int:
        """Intervals in a day."""
        return round(86400.0 / self.interval_s)

    @property
    def first_slot(self) -> int:
        """Slot of the day of the first interval."""
        midnight = self.start.normalize()
        return round((self.start - midnight).total_seconds() / self.interval_s)

    @property
    def start_day(self) -> str:
        """Weekday of the start (``mon`` ... ``sun``)."""
        return _WEEKDAYS[self.start.weekday()]

    @property
    def start_clock(self) -> str:
        """Clock time of the start, ``HH:MM``."""
        return f"{self.start:%H:%M}"

    def seconds(self, times: pd.Series) -> NDArray[np.float64]:
        """Seconds from the start (NaN where the time is missing)."""
        out = (times - self.start).dt.total_seconds().to_numpy(dtype=np.float64, na_value=np.nan)
        return np.asarray(out, dtype=np.float64)

    def interval_of(self, seconds: NDArray[np.float64]) -> NDArray[np.int64]:
        """Interval index of each time (clipped into the period)."""
        i = np.floor(np.nan_to_num(seconds, nan=0.0) / self.interval_s)
        return np.clip(i, 0, self.n_intervals - 1).astype(np.int64)

    def slot(self, interval: NDArray[np.int64]) -> NDArray[np.int64]:
        """Slot of the day (from midnight) of each interval."""
        out: NDArray[np.int64] = (self.first_slot + interval) % self.slots_per_day
        return out

    def day(self, interval: NDArray[np.int64]) -> NDArray[np.int64]:
        """Calendar day of each interval, 0 for the first."""
        out: NDArray[np.int64] = (self.first_slot + interval) // self.slots_per_day
        return out

    def labels(self) -> list[str]:
        """Clock labels of every interval (``label``)."""
        return [self.label(i) for i in range(self.n_intervals)]

    def label(self, i: int) -> str:
        """Clock label of an interval: ``09:30``, with the day when the period spans days."""
        t = self.start + pd.Timedelta(seconds=i * self.interval_s)
        if (
            self.start.normalize()
            == (self.start + pd.Timedelta(seconds=self.duration_s - 1)).normalize()
        ):
            return f"{t:%H:%M}"
        return f"{t:%a %H:%M}"

    def weekday_of_day(self, day: int) -> str:
        """Weekday of calendar day ``day`` (0 = the first) of the period."""
        return _WEEKDAYS[(self.start.weekday() + day) % 7]


def period_of(
    arrivals: pd.Series, interval_min: float, replications: int, folder: Path | None = None
) -> Period:
    """The period of a log: its run's horizon for ccsim's own records, else the arrivals' span.

    The span starts at the interval (on the clock) of the first arrival and ends at the end
    of the interval of the last one.
    """
    interval_s = interval_min * 60.0
    if folder is not None:
        start, duration_s = _run_horizon(folder)
        return Period(
            start, interval_s, max(1, math.ceil(duration_s / interval_s - 1e-9)), replications
        )
    first = arrivals.min()
    last = arrivals.max()
    midnight = first.normalize()
    k0 = math.floor((first - midnight).total_seconds() / interval_s)
    start = midnight + pd.Timedelta(seconds=k0 * interval_s)
    n = math.floor((last - start).total_seconds() / interval_s) + 1
    return Period(start, interval_s, max(1, n), replications)


def _run_horizon(folder: Path) -> tuple[pd.Timestamp, float]:
    import yaml

    from ccsim.data.ccsimlog import run_folder_start

    doc = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8")) or {}
    horizon = doc.get("horizon") or {}
    return run_folder_start(folder), float(horizon.get("duration_h", 24)) * 3600.0
