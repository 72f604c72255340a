"""Erlang B check of the lines (trunks) in a staffing plan.

A call holds a line for its IVR time, its wait and its talk, so how many lines a centre
needs depends on the agents: the plan's simulation measures the line load. Per limit
(the hotline's ``lines``, each centre's ``lines``), the busiest interval's offered line
load is the carried load (lines in use, time-weighted) scaled by attempts over
seizures; Erlang B gives the blocking of the lines set and, with the scenario's
``targets.blocked_rate``, the lines it asks for. Erlang B assumes Poisson attempts and
blocked calls cleared: redials of blocked callers make real blocking somewhat higher,
which the simulated figure beside it shows.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ccsim.analytics import erlang_b, required_lines
from ccsim.results.result import SimulationResult


def _limit(
    res: SimulationResult, scope: str, lines: int, prefix: str, row: int | None
) -> dict[str, Any]:
    m = res.compiled
    n0 = m.warmup_intervals

    def per_rep(key: str) -> np.ndarray:
        arr = [r.lines[prefix + key] for r in res.reps]
        return np.asarray([a[row] if row is not None else a for a in arr], dtype=float)[:, n0:]

    carried = per_rep("lines_area_s").mean(axis=0) / m.interval_s
    seized = per_rep("lines_seized").sum(axis=0)
    refused = per_rep("lines_refused").sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        offered = np.where(seized > 0, carried * (seized + refused) / seized, 0.0)
        simulated = np.where(seized + refused > 0, refused / (seized + refused), np.nan)
    i = int(np.argmax(offered)) if offered.size else 0
    a = float(offered[i]) if offered.size else 0.0
    target = res.scenario.targets.blocked_rate
    return {
        "scope": scope,
        "lines": lines,
        "peak_interval": n0 + i,
        "peak_start": res.interval_label(n0 + i),
        "offered_erlangs": a,
        "erlang_b_blocking": float(erlang_b(lines, a)),
        "simulated_blocking": float(simulated[i]) if simulated.size else float("nan"),
        "blocking_target": target,
        "required_lines": required_lines(a, target) if target else None,
    }


def lines_check(res: SimulationResult) -> list[dict[str, Any]]:
    """One entry per line limit of the scenario (none without lines)."""
    sc = res.scenario
    if not res.reps or not res.reps[0].lines:
        return []
    out = []
    if sc.lines is not None:
        out.append(_limit(res, "hotline", sc.lines, "", None))
    for ci, c in enumerate(sc.centers):
        if c.lines is not None:
            out.append(_limit(res, f"centre {c.id}", c.lines, "center_", ci))
    return out
