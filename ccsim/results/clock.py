"""Simulated time as people read it: the day of each interval, clock labels, weekday labels."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ccsim.engine.compile import Compiled
from ccsim.scenario.common import WEEKDAYS
from ccsim.scenario.schema import Scenario


def interval_day(m: Compiled) -> NDArray[np.int64]:
    """Day of each interval: 1 for the first calendar day of the horizon (by the clock)."""
    t = m.scenario.horizon.start_s + np.arange(m.n_intervals) * m.interval_s
    return (np.floor(np.round(t) / 86_400.0) + 1).astype(np.int64)


def day_label(sc: Scenario, day: int) -> str:
    """``day 2 (tue)``: a day of the horizon with its weekday."""
    hz = sc.horizon
    return f"day {day} ({WEEKDAYS[(WEEKDAYS.index(hz.start_day) + day - 1) % 7]})"


def interval_label(m: Compiled, i: int) -> str:
    """Clock time of interval ``i``'s start, with the day for multi-day runs."""
    t = m.scenario.horizon.start_s + i * m.interval_s
    day, rem = divmod(round(t), 86_400)
    hhmm = f"{rem // 3600:02d}:{(rem % 3600) // 60:02d}"
    return hhmm if m.horizon_s + m.scenario.horizon.start_s <= 86_400 else f"d{day + 1} {hhmm}"


def clock_label(m: Compiled, t: float) -> str:
    """Day and clock time of simulated time ``t`` (e.g. ``d2 00:00``)."""
    c = m.scenario.horizon.start_s + t
    day, rem = divmod(round(c), 86_400)
    return f"d{day + 1} {rem // 3600:02d}:{(rem % 3600) // 60:02d}"
