"""Checks of ``ccsim erlang``'s inputs, and how its targets are described in output."""

from __future__ import annotations

import math
from typing import Any

from ccsim.analytics import Targets
from ccsim.errors import Problem
from ccsim.reporting.text import fmt_num, fmt_pct

#: Largest offered load the command sizes: far beyond any contact centre, well inside
#: the precision of the formulas (agent counts stay exact integers).
MAX_TRAFFIC_ERLANGS = 1e9


def too_much_traffic(where: str, calls: float, aht_s: float, interval_s: float) -> Problem | None:
    """The problem of a load above ``MAX_TRAFFIC_ERLANGS`` at ``where``, else ``None``."""
    traffic = calls * aht_s / interval_s
    if traffic > MAX_TRAFFIC_ERLANGS:
        return Problem(
            where,
            f"offers {traffic:.3g} Erlangs; at most {MAX_TRAFFIC_ERLANGS:,.0f} are sized",
            float(calls),
        )
    return None


def nonneg_problems(name: str, value: float | None, strict: bool = False) -> list[Problem]:
    """Problems of option ``name`` unless ``value`` is finite and >= 0 (> 0 if ``strict``)."""
    if value is None:
        return []
    if not math.isfinite(value):
        return [Problem(name, "must be a finite number", value)]
    ok = value > 0 if strict else value >= 0
    if not ok:
        return [Problem(name, "must be > 0" if strict else "must be >= 0", value)]
    return []


def share_problems(
    name: str, value: float | None, *, upper_open: bool, zero_ok: bool = False
) -> list[Problem]:
    """Problems of option ``name`` unless ``value`` is a share.

    A share is > 0 (>= 0 if ``zero_ok``) and <= 1 (< 1 if ``upper_open``).
    """
    if value is None:
        return []
    lo_ok = value >= 0 if zero_ok else value > 0
    hi_ok = value < 1 if upper_open else value <= 1
    if not (lo_ok and hi_ok):
        lo = ">= 0" if zero_ok else "> 0"
        hi = "< 1" if upper_open else "<= 1"
        return [Problem(name, f"must be {lo} and {hi}", value)]
    return []


def targets_doc(t: Targets | None) -> dict[str, Any] | None:
    """The targets as a JSON object (``None`` when no target is set)."""
    if t is None:
        return None
    return {
        "service_level": t.service_level,
        "sl_threshold_s": t.threshold_s,
        "sl_formula": t.sl_formula,
        "asa_s": t.asa_s,
        "abandon_rate": t.abandon_rate,
        "max_occupancy": t.max_occupancy,
    }


def targets_text(t: Targets) -> str:
    """The targets in one line of text, for the console."""
    parts = []
    if t.service_level is not None:
        parts.append(
            f"service level >= {fmt_pct(t.service_level, 0)} "
            f"within {fmt_num(t.threshold_s, 0)} s ({t.sl_formula})"
        )
    if t.asa_s is not None:
        parts.append(f"ASA <= {fmt_num(t.asa_s, 0)} s")
    if t.abandon_rate is not None:
        parts.append(f"abandonment <= {fmt_pct(t.abandon_rate)}")
    if t.max_occupancy is not None:
        parts.append(f"occupancy <= {fmt_pct(t.max_occupancy, 0)}")
    return ", ".join(parts)
