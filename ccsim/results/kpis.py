"""KPI formulas over summed counts, and replication statistics.

Every KPI is a function of additive counts, so it can be computed at any roll-up: a
whole day, an interval, a call type, a group, a tier. Ratios with an empty
denominator are NaN (``null`` in JSON), never 0.

Counts (DOMAIN glossary): R requests to agents, A answered, A_T answered within T,
Ab abandoned in queue, Ab_T abandoned within T.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray
from scipy import special

FloatArray = NDArray[np.float64]

# name -> (what it is, direction of "better": +1 higher, -1 lower, 0 neither)
KPIS: dict[str, tuple[str, int]] = {
    "offered": ("calls offered to agents (R)", 0),
    "answered": ("calls answered (A)", 0),
    "abandoned": ("calls abandoned in queue (Ab)", 0),
    "service_level": ("service level under the scenario's formula and threshold", 1),
    "answer_rate": ("A / R", 1),
    "abandon_rate": ("Ab / R", -1),
    "short_abandon_rate": ("abandons within the short threshold / R", -1),
    "asa_s": ("average speed of answer, s", -1),
    "mean_wait_s": ("mean wait of answered and abandoned calls, s", -1),
    "p_wait": ("share of requests that waited at all", -1),
    "aht_s": ("average handling time (talk + wrap), s", 0),
    "occupancy": ("busy time / logged-in time", 0),
    "agents": ("average agents staffed", 0),
    "agent_hours": ("staffed agent-hours", -1),
    "ivr_entries": ("calls entering the IVR", 0),
    "ivr_self_service": ("(IVR entries - agent requests) / IVR entries", 1),
    "containment": ("finished in IVR self-service / IVR entries", 1),
    "blocked": ("calls that heard busy (no line, no IVR port, or the queue full)", -1),
    "blocked_rate": ("blocked / calls", -1),
    "lines_blocked": ("calls that found every line busy", -1),
    "line_blocking": ("lines_blocked / calls (Erlang B's blocking)", -1),
    "queue_full": ("requests refused because the call type's queue was full", -1),
    "queue_full_rate": ("queue_full / R", -1),
    "timed_out": ("callers cut off at their call type's maximum wait", -1),
    "timed_out_rate": ("timed_out / R", -1),
    "messages": ("callers who left a message (maximum wait or closing time)", 0),
    "callbacks_requested": ("callers who accepted a callback (maximum wait or virtual hold)", 0),
    "virtual_holds": ("callers who accepted a callback on joining the queue", 0),
    "callback_rate": ("callbacks_requested / R", 0),
    "closed": ("callers cut off at closing time, in the IVR or waiting", -1),
    "caller_service_level": (
        "callers (a call and its redials) answered within T of total wait / those who asked",
        1,
    ),
    "fcr": ("first-contact resolution of answered calls", 1),
    "repeat_caller_rate": ("answered calls of repeat callers / answered", -1),
    "redials": ("calls that were redials after abandoning or busy", 0),
    "returns": ("calls of unresolved callers calling again", 0),
    "waiting_at_end": ("callers still waiting when the run stopped", -1),
    "chasers": ("calls chasing a work order past its limit", -1),
    "dialect_match_rate": (
        "dialect callers answered by an agent speaking their dialect / those answered",
        1,
    ),
    "transfers": ("calls answered at another site than the first of their plan", 0),
    "orders_raised": ("work orders raised by answered calls", 0),
    "avg_queue": ("average number of callers waiting for an agent", -1),
    "max_queue": ("largest number of callers waiting for an agent", -1),
    "lines_busy": ("average number of lines in use (with lines limited)", 0),
    "max_lines": ("largest number of lines in use at once (with lines limited)", 0),
}

SL_FORMULAS = ("offered", "answered", "excl_short_abandons", "abandons_within_met")


def _div(num: FloatArray, den: FloatArray) -> FloatArray:
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def service_level(c: Mapping[str, FloatArray], formula: str) -> FloatArray:
    """Service level of summed counts under one of the four formulas."""
    at, ab_t = c["answered_within"], c["abandoned_within"]
    r, a = c["requests"], c["answered"]
    if formula == "offered":
        return _div(at, r)
    if formula == "answered":
        return _div(at, a)
    if formula == "excl_short_abandons":
        return _div(at, np.asarray(r) - np.asarray(ab_t))
    if formula == "abandons_within_met":
        return _div(np.asarray(at) + np.asarray(ab_t), r)
    raise ValueError(f"formula must be one of {', '.join(SL_FORMULAS)}, got {formula!r}")


def compute(
    c: Mapping[str, FloatArray],
    formula: str = "offered",
    agents: Mapping[str, FloatArray] | None = None,
    period_s: float | FloatArray | None = None,
) -> dict[str, FloatArray]:
    """All KPIs from summed counts (arrays broadcast together); agent KPIs when given."""
    r = c["requests"]
    a = c["answered"]
    ab = c["abandoned"]
    out: dict[str, FloatArray] = {
        "offered": np.asarray(r, dtype=float),
        "answered": np.asarray(a, dtype=float),
        "abandoned": np.asarray(ab, dtype=float),
        "service_level": service_level(c, formula),
        "answer_rate": _div(a, r),
        "abandon_rate": _div(ab, r),
        "short_abandon_rate": _div(c["abandoned_short"], r),
        "asa_s": _div(c["wait_answered_s"], a),
        "mean_wait_s": _div(
            np.asarray(c["wait_answered_s"]) + c["wait_abandoned_s"], np.asarray(a) + ab
        ),
        "p_wait": _div(c["waited"], r),
        "aht_s": _div(np.asarray(c["talk_s"]) + c["wrap_s"], a),
        "ivr_entries": np.asarray(c["ivr_entries"], dtype=float),
        "ivr_self_service": _div(
            np.asarray(c["ivr_entries"]) - c["ivr_requests"], c["ivr_entries"]
        ),
        "containment": _div(c["contained"], c["ivr_entries"]),
        "blocked": np.asarray(c["blocked"], dtype=float),
        "blocked_rate": _div(c["blocked"], c["calls"]),
        "lines_blocked": np.asarray(c["lines_blocked"], dtype=float),
        "line_blocking": _div(c["lines_blocked"], c["calls"]),
        "queue_full": np.asarray(c["queue_full"], dtype=float),
        "queue_full_rate": _div(c["queue_full"], r),
        "timed_out": np.asarray(c["timed_out"], dtype=float),
        "timed_out_rate": _div(c["timed_out"], r),
        "messages": np.asarray(c["messages"], dtype=float),
        "callbacks_requested": np.asarray(c["callbacks_requested"], dtype=float),
        "virtual_holds": np.asarray(c["virtual_holds"], dtype=float),
        "callback_rate": _div(c["callbacks_requested"], r),
        "closed": np.asarray(c["closed"], dtype=float),
        "caller_service_level": _div(c["chains_answered_within"], c["chains_requesting"]),
        "fcr": _div(c["fcr_resolved"], a),
        "repeat_caller_rate": _div(c["repeat_calls"], a),
        "redials": np.asarray(c["redials"], dtype=float),
        "returns": np.asarray(c["returns"], dtype=float),
        "waiting_at_end": np.asarray(c["waiting_at_end"], dtype=float),
        "chasers": np.asarray(c["chasers"], dtype=float),
        "dialect_match_rate": _div(
            c["answered_in_dialect"],
            np.asarray(c["answered_in_dialect"]) + c["answered_without_dialect"],
        ),
        "transfers": np.asarray(c["transfers"], dtype=float),
        "orders_raised": np.asarray(c["orders_raised"], dtype=float),
    }
    if agents is not None:
        out["occupancy"] = _div(agents["busy_s"], agents["logged_in_s"])
        out["agent_hours"] = np.asarray(agents["staffed_s"], dtype=float) / 3600.0
        if period_s is not None:
            out["agents"] = _div(
                agents["staffed_s"], np.broadcast_to(period_s, np.shape(agents["staffed_s"]))
            )
    return out


@dataclass(frozen=True)
class Estimate:
    """Mean over replications with a 95 % confidence interval (Student t)."""

    mean: float
    low: float
    high: float
    n: int

    def as_dict(self) -> dict[str, object]:
        """``{"mean": m, "ci95": [low, high]}`` (NaN becomes None later, in JSON)."""
        return {"mean": self.mean, "ci95": [self.low, self.high]}


_SHARES = {k for k in KPIS if k.endswith("_rate")} | {
    "list_completion",
    "timeliness", "callback_reach", "service_level", "occupancy", "p_wait", "ivr_self_service",
    "containment", "fcr", "caller_service_level",
}  # fmt: skip


def bounds(kpi: str) -> tuple[float, float]:
    """The range a KPI can take: shares in [0, 1], everything else >= 0."""
    return (0.0, 1.0) if kpi in _SHARES or kpi.endswith("_rate") else (0.0, float("inf"))


@lru_cache(maxsize=256)
def t_quantile(p: float, df: int) -> float:
    """Student's t quantile (cached: sweeps and searches ask for the same few many times).

    ``scipy.special.stdtrit``, the function ``scipy.stats.t.ppf`` evaluates, without
    importing ``scipy.stats`` (about a second of every command's start-up).
    """
    return float(special.stdtrit(df, p))


def t975(df: int) -> float:
    """Student's t quantile of a two-sided 95 % interval."""
    return t_quantile(0.975, df)


def estimate_rows(
    values: FloatArray, lower: float = -np.inf, upper: float = np.inf
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``estimate`` of each row of ``values`` [label, replication]: means, lows and highs.

    The same numbers, bit for bit, as ``estimate`` row by row: rows without NaN are
    reduced together with the operations ``mean`` and ``std`` perform on one row, rows
    with NaN one by one.
    """
    v = np.ascontiguousarray(values, dtype=float)
    rows, n = v.shape
    mean = np.full(rows, np.nan)
    low = np.full(rows, np.nan)
    high = np.full(rows, np.nan)
    gaps = np.isnan(v).any(axis=1)
    full = ~gaps
    if n >= 1 and full.any():
        w = v[full]
        m = np.add.reduce(w, axis=1, keepdims=True) / n
        mean[full] = m[:, 0]
        if n >= 2:
            x = w - m
            sd = np.sqrt(np.add.reduce(x * x, axis=1) / (n - 1))
            half = t975(n - 1) * sd / np.sqrt(n)
            low[full] = np.maximum(m[:, 0] - half, lower)
            high[full] = np.minimum(m[:, 0] + half, upper)
    for i in np.flatnonzero(gaps):
        e = estimate(v[i], lower, upper)
        mean[i], low[i], high[i] = e.mean, e.low, e.high
    return mean, low, high


def estimate(values: FloatArray, lower: float = -np.inf, upper: float = np.inf) -> Estimate:
    """Mean and 95 % interval of per-replication values; NaN replications are skipped.

    The interval is Student's t, clipped to the range the quantity can take
    (``lower``, ``upper``), so a share's interval never passes 100 %.
    """
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    n = int(v.size)
    if n == 0:
        return Estimate(float("nan"), float("nan"), float("nan"), 0)
    mean = float(v.mean())
    if n == 1:
        return Estimate(mean, float("nan"), float("nan"), 1)
    sd = float(v.std(ddof=1))
    half = float(t975(n - 1) * sd / np.sqrt(n))
    # plain floats, so that printed results read 0.81, not np.float64(0.81)
    return Estimate(mean, float(max(mean - half, lower)), float(min(mean + half, upper)), n)
