"""Forecasting methods: from a days x slots matrix of calls to the next days' expected calls.

Each method takes the history of one call type (rows: days, columns: slots of the day,
``weekday0`` the weekday of row 0) and returns the expected calls of the next ``days``
days as a days x slots matrix. They are "top-down": a daily total, then split over the
day by a weekday-by-slot profile, as workforce-management tools forecast.

* ``seasonal_naive``: each day repeats the same weekday of the last week (the baseline).
* ``profile``: weekday factors and a smoothed daily level (simple exponential smoothing
  of the deseasonalised daily totals), split by the weekday's intraday profile.
* ``ets``: Holt-Winters exponential smoothing of the daily totals of the last 26 weeks
  (statsmodels: additive damped trend, multiplicative weekly season), split by the same
  profile.

Special days (holidays, outages) are NaN rows: left out of every estimate.
"""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import NDArray

Matrix = NDArray[np.float64]

#: Days of history each method needs (a method with less is skipped, and the report says so).
MIN_DAYS = {"seasonal_naive": 7, "profile": 7, "ets": 21}
#: Weeks of recent history the intraday profiles are averaged over.
PROFILE_WEEKS = 8
#: Days of recent history Holt-Winters is fitted to (``ets``).
ETS_DAYS = 182
#: Smoothing constant of the daily level (``profile``).
LEVEL_ALPHA = 0.2


def weekday_profiles(hist: Matrix, weekday0: int) -> Matrix:
    """7 x slots: each weekday's share of its calls per slot, over the recent weeks."""
    days, slots = hist.shape
    out = np.full((7, slots), 1.0 / slots)
    recent = max(0, days - 7 * PROFILE_WEEKS)
    flat = np.nansum(hist[recent:], axis=0)
    flat = flat / flat.sum() if flat.sum() > 0 else np.full(slots, 1.0 / slots)
    for w in range(7):
        rows = [
            d
            for d in range(recent, days)
            if (weekday0 + d) % 7 == w and not np.isnan(hist[d]).any()
        ]
        total = hist[rows].sum(axis=0) if rows else np.zeros(slots)
        out[w] = total / total.sum() if total.sum() > 0 else flat
    return out


def weekday_factors(totals: NDArray[np.float64], weekday0: int) -> NDArray[np.float64]:
    """Mean daily total per weekday over the overall mean (1 where a weekday is unseen)."""
    f = np.ones(7)
    ok = ~np.isnan(totals)
    if not ok.any():
        return f
    mean = totals[ok].mean()
    for w in range(7):
        sel = ok & ((weekday0 + np.arange(len(totals))) % 7 == w)
        if sel.any() and mean > 0:
            f[w] = totals[sel].mean() / mean
    return f


def seasonal_naive(hist: Matrix, weekday0: int, days: int) -> Matrix:
    """The same weekday of the most recent week with data, slot by slot."""
    n, slots = hist.shape
    out = np.zeros((days, slots))
    for h in range(days):
        d = n + h - 7
        while d >= n or (d >= 0 and np.isnan(hist[d]).any()):
            d -= 7
        out[h] = hist[d] if d >= 0 else np.nanmean(hist, axis=0)
    return out


def profile(hist: Matrix, weekday0: int, days: int) -> Matrix:
    """Weekday factors x smoothed daily level x the weekday's intraday profile."""
    totals = hist.sum(axis=1)
    f = weekday_factors(totals, weekday0)
    wd = (weekday0 + np.arange(len(totals))) % 7
    level = np.nan
    for d, x in enumerate(totals):
        if np.isnan(x) or f[wd[d]] <= 0:
            continue
        y = x / f[wd[d]]
        level = y if np.isnan(level) else LEVEL_ALPHA * y + (1 - LEVEL_ALPHA) * level
    return _split(np.full(days, level), f, weekday_profiles(hist, weekday0), weekday0, len(totals))


def ets(hist: Matrix, weekday0: int, days: int) -> Matrix:
    """Holt-Winters on daily totals (damped additive trend, multiplicative weekly season)."""
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    # the last ETS_DAYS days: enough for the level, trend and weekly season, and a year of
    # history then fits in a fraction of the time
    cut = max(0, hist.shape[0] - ETS_DAYS)
    hist = hist[cut:]
    weekday0 = (weekday0 + cut) % 7
    totals = hist.sum(axis=1)
    ok = ~np.isnan(totals)
    # special days: the same weekday's mean stands in, so the season stays aligned
    filled = totals.copy()
    if not ok.all():
        f = weekday_factors(totals, weekday0)
        filled[~ok] = np.nanmean(totals) * f[(weekday0 + np.flatnonzero(~ok)) % 7]
    filled = np.maximum(filled, 1e-3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ExponentialSmoothing(
            filled, trend="add", damped_trend=True, seasonal="mul", seasonal_periods=7,
            initialization_method="estimated",
        ).fit()  # fmt: skip
        daily = np.maximum(np.asarray(model.forecast(days), dtype=float), 0.0)
    ones = np.ones(7)
    return _split(daily, ones, weekday_profiles(hist, weekday0), weekday0, len(totals))


def _split(
    daily: NDArray[np.float64], f: NDArray[np.float64], prof: Matrix, weekday0: int, n: int
) -> Matrix:
    """Daily totals (times the weekday factor) split over each day by its weekday's profile."""
    wd = (weekday0 + n + np.arange(len(daily))) % 7
    out: Matrix = (daily * f[wd])[:, None] * prof[wd]
    return np.nan_to_num(out)


METHODS = {"seasonal_naive": seasonal_naive, "profile": profile, "ets": ets}
