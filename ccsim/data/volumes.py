"""Arrivals: fresh calls per call type as a daily volume with an intraday profile.

Counts are taken per slot of the day (an interval counted from midnight, as the
scenario's profiles follow the clock) over every day and replication that covers the
slot, so a log of part of a day gives a profile with zeros outside it. With several whole
days, day-to-day busyness is the variance of daily volumes beyond Poisson; with at least
two of every weekday, weekday factors are estimated too.

Assumptions: arrivals are Poisson within a slot, with a rate that repeats every day up
to a weekday factor and a random day multiplier (the scenario's ``busyness_cv``), the same
for every call type.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from ccsim.data.period import Period
from ccsim.data.stats import mean_ci, poisson_ci, poisson_ci_array

#: Whole days (day samples) needed for busyness.
MIN_DAYS_BUSYNESS = 3
#: Occurrences of every weekday needed for weekday factors.
MIN_PER_WEEKDAY = 2


@dataclass(frozen=True)
class VolumeFit:
    """Fresh arrivals of one call type."""

    call_type: str
    calls: int  # fresh calls counted
    daily_volume: float  # calls per day on a day of factor 1
    daily_ci95: tuple[float, float]
    day_samples: int  # whole days seen (days x replications)
    ci_method: str
    slots: pd.DataFrame  # slot, clock, calls, days, rate_per_h, ci_low, ci_high

    @property
    def profile(self) -> list[float]:
        """Weights per slot of the day from midnight (calls per slot on an average day)."""
        return [float(x) for x in self.slots["per_day"]]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "call_type": self.call_type,
            "fresh_calls": self.calls,
            "daily_volume": self.daily_volume,
            "daily_volume_ci95": list(self.daily_ci95),
            "day_samples": self.day_samples,
            "ci_method": self.ci_method,
        }


@dataclass(frozen=True)
class DemandFit:
    """What is shared by every call type: weekday factors and busyness."""

    day_totals: pd.DataFrame  # replication, day, weekday, calls (whole days only)
    day_factors: dict[str, float] = field(default_factory=dict)
    day_factors_note: str = ""
    busyness_cv: float = 0.0
    busyness_ci95: tuple[float, float] | None = None
    busyness_note: str = ""
    mean_factor: float = 1.0  # mean day factor over the days the log holds

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "day_factors": self.day_factors,
            "day_factors_note": self.day_factors_note,
            "busyness_cv": self.busyness_cv,
            "busyness_cv_ci95": list(self.busyness_ci95) if self.busyness_ci95 else None,
            "busyness_note": self.busyness_note,
            "whole_days": len(self.day_totals),
        }


def _coverage(period: Period) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_]]:
    """Per interval its slot and day; per day whether the period covers its usual slots."""
    i = np.arange(period.n_intervals, dtype=np.int64)
    slot, day = period.slot(i), period.day(i)
    per_day = np.bincount(day)
    whole = per_day == per_day.max()
    return slot, day, whole


def fit_demand(period: Period, t_fresh: NDArray[np.float64], reps: NDArray[np.int64]) -> DemandFit:
    """Weekday factors and busyness from the fresh calls of every call type."""
    _, day, whole = _coverage(period)
    iv = period.interval_of(t_fresh)
    d = day[iv]
    keep = whole[d]
    n_days = len(whole)
    counts = np.zeros((period.replications, n_days))
    np.add.at(counts, (reps[keep], d[keep]), 1.0)
    rows = [
        {"replication": r, "day": k, "weekday": period.weekday_of_day(k), "calls": counts[r, k]}
        for r in range(period.replications)
        for k in range(n_days)
        if whole[k]
    ]
    totals = pd.DataFrame(rows, columns=["replication", "day", "weekday", "calls"])
    factors: dict[str, float] = {}
    f_note = ""
    seen = totals.groupby("weekday")["day"].nunique() if len(totals) else pd.Series(dtype=int)
    if len(seen) == 7 and int(seen.min()) >= MIN_PER_WEEKDAY:
        means = totals.groupby("weekday")["calls"].mean()
        base = float(means.mean())
        factors = {w: round(float(means[w] / base), 4) for w in means.index}
        f_note = f"weekday factors from {len(totals)} whole days (at least {int(seen.min())} of each weekday)"
    else:
        f_note = (
            f"no weekday factors: they need at least {MIN_PER_WEEKDAY} whole days of every "
            f"weekday ({len(totals)} whole days in the log)"
        )
    f = (
        totals["weekday"].map(factors).fillna(1.0).to_numpy(dtype=float)
        if len(totals)
        else np.ones(0)
    )
    mean_factor = float(f.mean()) if len(f) else 1.0
    cv, ci, b_note = 0.0, None, ""
    if len(totals) >= MIN_DAYS_BUSYNESS and totals["calls"].sum() > 0:
        x = totals["calls"].to_numpy(dtype=float) / f
        n = len(x)
        mu = float(x.mean())
        s2 = float(x.var(ddof=1))
        poisson = mu * float(np.mean(1.0 / f))
        excess = (s2 - poisson) / mu**2
        # chi-square interval of the variance, then the same subtraction
        lo_s2 = s2 * (n - 1) / stats.chi2.ppf(0.975, n - 1)
        hi_s2 = s2 * (n - 1) / stats.chi2.ppf(0.025, n - 1)
        lo = math.sqrt(max(0.0, (lo_s2 - poisson) / mu**2))
        hi = math.sqrt(max(0.0, (hi_s2 - poisson) / mu**2))
        ci = (lo, hi)
        if lo > 0:
            cv = round(math.sqrt(excess), 4)
            b_note = f"daily volumes vary beyond Poisson ({n} whole days): busyness cv {cv:.3f}"
        else:
            b_note = (
                f"daily volumes of {n} whole days vary no more than Poisson allows "
                f"(cv {math.sqrt(max(excess, 0.0)):.3f}, 95 % up to {hi:.3f}): busyness 0"
            )
    else:
        b_note = (
            f"busyness needs at least {MIN_DAYS_BUSYNESS} whole days ({len(totals)} in the log)"
        )
    return DemandFit(totals, factors, f_note, cv, ci, b_note, mean_factor)


def fit_volume(
    call_type: str,
    period: Period,
    t_fresh: NDArray[np.float64],
    reps: NDArray[np.int64],
    demand: DemandFit,
) -> VolumeFit:
    """Daily volume and profile of one call type's fresh calls (``reps`` coded 0, 1, ...)."""
    spd = period.slots_per_day
    slot_of_iv, day_of_iv, whole = _coverage(period)
    iv = period.interval_of(t_fresh)
    calls = np.bincount(slot_of_iv[iv], minlength=spd).astype(float)
    days = np.bincount(slot_of_iv, minlength=spd).astype(float) * period.replications
    per_day = np.divide(calls, days, out=np.zeros(spd), where=days > 0) / demand.mean_factor
    lo, hi = poisson_ci_array(calls)
    scale = 3600.0 / period.interval_s
    with np.errstate(invalid="ignore", divide="ignore"):
        slots = pd.DataFrame(
            {
                "slot": np.arange(spd),
                "clock": [_clock(k, period.interval_s) for k in range(spd)],
                "calls": calls.astype(np.int64),
                "days": days,
                "per_day": per_day,
                "rate_per_h": np.where(days > 0, calls / days * scale, np.nan),
                "ci_low": np.where(days > 0, lo / days * scale, np.nan),
                "ci_high": np.where(days > 0, hi / days * scale, np.nan),
            }
        )
    volume = float(per_day.sum())
    # daily totals of this type on whole days: the interval then includes busyness
    d = day_of_iv[iv]
    keep = whole[d]
    samples = period.replications * int(whole.sum())
    if samples >= MIN_DAYS_BUSYNESS:
        key = reps[keep].astype(np.int64) * (len(whole) + 1) + d[keep]
        cells = np.bincount(key, minlength=period.replications * (len(whole) + 1))
        grid = (np.arange(period.replications)[:, None] * (len(whole) + 1)) + np.flatnonzero(whole)
        totals = cells[grid.ravel()].astype(float)
        lo_v, hi_v = mean_ci(totals)
        scale_v = volume / float(totals.mean()) if totals.mean() > 0 else 1.0
        ci = (lo_v * scale_v, hi_v * scale_v)
        method = f"Student t over {samples} whole days"
    else:
        c = float(calls.sum())
        plo, phi = poisson_ci(c)
        ci = (volume * plo / c, volume * phi / c) if c > 0 else (0.0, 0.0)
        method = "Poisson (exact) on the calls counted"
    return VolumeFit(call_type, int(calls.sum()), volume, ci, samples, method, slots)


def _clock(slot: int, interval_s: float) -> str:
    m = round(slot * interval_s / 60.0)
    return f"{m // 60:02d}:{m % 60:02d}"
