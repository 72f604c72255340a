"""Back-office handler time of one replication: seconds on duty and busy per interval and group."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ccsim.engine.compile import Compiled
from ccsim.results.agent_time import integrate_busy


def back_office_time(m: Compiled, tasks: dict[str, NDArray[Any]]) -> dict[str, NDArray[np.float64]]:
    """Handler-seconds on duty (staffed while the calendar is open) and busy, per interval and group."""
    n, B, step = m.n_intervals, len(m.bo_ids), m.interval_s
    on_duty = np.zeros((n, B))
    busy = np.zeros((n, B))
    for b in range(B):
        cal = m.bo_calendar[b]
        for i in range(n):
            t0, t1 = i * step, (i + 1) * step
            open_s = step if cal is None else cal.open_time_between(t0, t1)
            on_duty[i, b] = m.bo_staffing[b, i] * open_s
    if tasks and tasks["group"].size:
        for b in range(B):
            sel = tasks["group"] == b
            busy[:, b], _ = integrate_busy(tasks["start"][sel], tasks["end"][sel], m)
    warm = m.warmup_intervals
    on_duty[:warm] = 0.0
    busy[:warm] = 0.0
    return {"on_duty_s": on_duty, "busy_s": busy}
