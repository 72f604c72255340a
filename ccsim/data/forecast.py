"""``forecast``: calls per interval and call type for the next days, with a backtest.

Every method (``forecast_methods``) is measured by a rolling-origin backtest on the last
weeks of history: from each origin, the method sees only the days before it and forecasts
the next week. All methods are measured from the same origins. Accuracy is the WAPE (sum of absolute errors over the sum of actuals) of
daily totals and of interval volumes, and the bias, beside the Poisson noise floor: the
WAPE that a perfect forecast of the rate would still show, E|Y - l| / l with Y Poisson(l),
which is 2 l P(Y = floor(l)) / l. ``method="auto"`` takes the lowest interval WAPE.

Uncertainty. The day-to-day error of the chosen method's daily totals beyond Poisson,
cv^2 = var(A/F) - mean(1/F), is the forecast's own busyness: prediction intervals of each
interval are those of a Poisson count whose rate carries a gamma day multiplier of that
cv (a negative binomial), and the same cv becomes the scenario's ``busyness_cv``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from ccsim.data.forecast_methods import METHODS, MIN_DAYS
from ccsim.data.history import History, read_history
from ccsim.errors import InputError, Problem

#: Days each backtest origin forecasts.
BACKTEST_DAYS = 7


@dataclass
class ForecastReport:
    """How the forecast was made and how good it was on the history."""

    method: str
    reason: str
    backtest: (
        pd.DataFrame
    )  # method, call_type ('all' too), wape_daily, wape_interval, bias, floors, days
    busyness_cv: float
    cv_by_type: dict[str, float]
    level: float
    history: History
    special_days: list[str]
    skipped_methods: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (without the forecast rows)."""
        h = self.history
        return {
            "source": h.source,
            "interval_min": h.interval_min,
            "history_days": h.days,
            "history_start": f"{h.day_index()[0]:%Y-%m-%d}",
            "call_types": list(h.counts.columns),
            "method": self.method,
            "reason": self.reason,
            "skipped_methods": self.skipped_methods,
            "level": self.level,
            "busyness_cv": self.busyness_cv,
            "cv_by_call_type": self.cv_by_type,
            "special_days": self.special_days,
            "backtest": self.backtest.replace({np.nan: None}).to_dict(orient="records"),
            "notes": [*h.notes, *self.notes],
        }


def forecast(
    history: str | Path | pd.DataFrame | History,
    days: int = 7,
    *,
    method: str = "auto",
    special_days: list[str] | tuple[str, ...] = (),
    level: float = 0.95,
    backtest_weeks: int = 4,
    map: str | Path | None = None,
    interval_min: float | None = None,
) -> tuple[pd.DataFrame, ForecastReport]:
    """Forecast calls per interval and call type for the ``days`` after the history.

    Parameters
    ----------
    history
        A counts table (``timestamp, call_type, calls[, aht_s]``), a call log (with
        ``map`` for foreign exports), a DataFrame of counts, or a ``History``.
    days
        Days to forecast, from midnight after the last day of history.
    method
        ``auto`` (lowest interval WAPE in the backtest), ``seasonal_naive``, ``profile``
        or ``ets``.
    special_days
        Dates (``2026-10-01``) left out of the fitting and the backtest.
    level
        Coverage of the prediction intervals.

    Returns
    -------
    (DataFrame, ForecastReport)
        One row per interval and call type: ``start``, ``call_type``, ``calls`` (expected),
        ``low``, ``high``, and ``aht_s`` when the history has handle times.
    """
    h = (
        history
        if isinstance(history, History)
        else read_history(history, map, None, interval_min, special_days)
    )
    problems = _option_problems(days, method, level, backtest_weeks)
    specials = _special_rows(h, special_days, problems)
    if problems:
        raise InputError(problems)
    usable = h.days - len(specials)
    if usable < min(MIN_DAYS.values()):
        raise InputError(
            [
                Problem(
                    "HISTORY",
                    f"holds {usable} usable day{'s' if usable != 1 else ''}; forecasting needs "
                    f"at least {min(MIN_DAYS.values())} (a week: one of each weekday)",
                    has_value=False,
                )
            ],
            h.source,
        )
    weekday0 = h.day_index()[0].weekday()
    mats = {str(k): h.matrix(str(k)).copy() for k in h.counts.columns}
    for k in mats:
        mats[k][specials] = np.nan
    skipped = {
        m: f"needs {n} days of history ({usable} usable)" for m, n in MIN_DAYS.items() if usable < n
    }
    candidates = [m for m in METHODS if m not in skipped]
    # every method is measured from the same origins (those the most demanding one can use);
    # one that leaves no origin at all is left out of the comparison
    while len(candidates) > 1 and h.days - BACKTEST_DAYS < max(MIN_DAYS[m] for m in candidates):
        worst = max(candidates, key=lambda m: MIN_DAYS[m])
        skipped[worst] = f"its {MIN_DAYS[worst]} days of history leave no week to backtest it on"
        candidates.remove(worst)
    bt = _backtest(mats, weekday0, candidates, backtest_weeks)
    if method == "auto":
        overall = bt[bt["call_type"] == "all"].dropna(subset=["wape_interval"])
        if overall.empty:
            chosen, reason = (
                "profile",
                "the history is too short for a backtest: profile, the default",
            )
        else:
            best = overall.sort_values("wape_interval").iloc[0]
            chosen = str(best["method"])
            reason = (
                f"lowest interval WAPE in the backtest ({best['wape_interval']:.1%} over "
                f"{int(best['days'])} days; noise floor {best['floor_interval']:.1%})"
            )
    else:
        if method in skipped:
            fallback = "profile" if "profile" in candidates else candidates[0]
            reason = f"{method} {skipped[method]}: fell back to {fallback}"
            chosen = fallback
        else:
            chosen, reason = method, "chosen by the user"
    cv_all, cv_by = _busyness(bt, chosen)
    bt = bt.drop(columns=["_ratios"])
    fc = _forecast_rows(h, mats, weekday0, chosen, days, cv_by, level)
    report = ForecastReport(
        chosen, reason, bt, cv_all, cv_by, level, h,
        [f"{h.day_index()[d]:%Y-%m-%d}" for d in specials], skipped,
    )  # fmt: skip
    return fc, report


def _option_problems(days: int, method: str, level: float, weeks: int) -> list[Problem]:
    out = []
    if not 1 <= days <= 366:
        out.append(Problem("--days", "must be 1 to 366", days))
    if method != "auto" and method not in METHODS:
        out.append(Problem("--method", f"must be auto or one of {', '.join(METHODS)}", method))
    if not 0 < level < 1:
        out.append(Problem("--level", "must be between 0 and 1", level))
    if not 1 <= weeks <= 52:
        out.append(Problem("--backtest-weeks", "must be 1 to 52", weeks))
    return out


def _special_rows(
    h: History, special: list[str] | tuple[str, ...], problems: list[Problem]
) -> list[int]:
    index = {f"{d:%Y-%m-%d}": i for i, d in enumerate(h.day_index())}
    rows = []
    for s in special:
        try:
            key = f"{pd.Timestamp(s):%Y-%m-%d}"
        except (ValueError, TypeError):
            problems.append(Problem("--special-days", "must be dates (2026-10-01)", s))
            continue
        if key in index:
            rows.append(index[key])
    return sorted(set(rows))


def _backtest(
    mats: dict[str, NDArray[np.float64]], weekday0: int, methods: list[str], weeks: int
) -> pd.DataFrame:
    """Rolling-origin backtest: per method and call type, errors of the next week's forecast."""
    n = next(iter(mats.values())).shape[0]
    first = max((MIN_DAYS[m] for m in methods), default=0)
    rows = []
    for m in methods:
        acc: dict[str, dict[str, float]] = {}
        for k, hist in mats.items():
            a = acc.setdefault(k, _zero())
            for w in range(1, weeks + 1):
                origin = n - BACKTEST_DAYS * w
                if origin < first:
                    break
                horizon = min(BACKTEST_DAYS, n - origin)
                f = METHODS[m](hist[:origin], weekday0, horizon)
                actual = hist[origin : origin + horizon]
                ok = ~np.isnan(actual).any(axis=1)
                _accumulate(a, f[ok], actual[ok], origin + np.flatnonzero(ok))
        total = _zero()
        for k, a in acc.items():
            rows.append(_metrics(m, k, a))
            for key in ("abs_d", "abs_i", "err", "sum", "floor_d", "floor_i"):
                total[key] += a[key]
            total["days"] = max(total["days"], a["days"])  # the same days for every call type
        rows.append(_metrics(m, "all", total))
    return pd.DataFrame(rows)


def _zero() -> dict[str, Any]:
    return {
        "abs_d": 0.0,
        "abs_i": 0.0,
        "err": 0.0,
        "sum": 0.0,
        "floor_d": 0.0,
        "floor_i": 0.0,
        "days": 0.0,
        "ratios": [],
    }


def _mad(lam: NDArray[np.float64]) -> NDArray[np.float64]:
    """Mean absolute deviation of a Poisson count from its mean: 2 l P(Y = floor(l))."""
    lam = np.maximum(lam, 0.0)
    out: NDArray[np.float64] = 2.0 * lam * stats.poisson.pmf(np.floor(lam), lam)
    return out


def _accumulate(
    a: dict[str, Any], f: NDArray[np.float64], actual: NDArray[np.float64], days: NDArray[np.int64]
) -> None:
    fd, ad = f.sum(axis=1), actual.sum(axis=1)
    a["abs_d"] += float(np.abs(fd - ad).sum())
    a["abs_i"] += float(np.abs(f - actual).sum())
    a["err"] += float(f.sum() - actual.sum())
    a["sum"] += float(actual.sum())
    a["floor_d"] += float(_mad(fd).sum())
    a["floor_i"] += float(_mad(f).sum())
    a["days"] += float(len(fd))
    a["ratios"].extend([(int(d), float(x), float(y)) for d, x, y in zip(days, fd, ad, strict=True)])


def _metrics(method: str, call_type: str, a: dict[str, Any]) -> dict[str, Any]:
    s = a["sum"]
    nan = math.nan
    return {
        "method": method,
        "call_type": call_type,
        "days": int(a["days"]),
        "wape_daily": a["abs_d"] / s if s > 0 else nan,
        "wape_interval": a["abs_i"] / s if s > 0 else nan,
        "bias": a["err"] / s if s > 0 else nan,
        "floor_daily": a["floor_d"] / s if s > 0 else nan,
        "floor_interval": a["floor_i"] / s if s > 0 else nan,
        "_ratios": a["ratios"],
    }


def _cv(ratios: list[tuple[float, float]]) -> float:
    """Day-to-day error beyond Poisson of forecast daily totals F against actuals A."""
    ratios = [r for r in ratios if r[0] > 0]
    if len(ratios) < 3:
        return 0.0
    f = np.array([r[0] for r in ratios])
    a = np.array([r[1] for r in ratios])
    r = a / f
    excess = float(np.var(r, ddof=1) - np.mean(1.0 / f))
    return round(math.sqrt(max(excess, 0.0)), 4)


def _busyness(bt: pd.DataFrame, method: str) -> tuple[float, dict[str, float]]:
    sel = bt[bt["method"] == method]
    by = {
        str(r["call_type"]): _cv([(f, a) for _, f, a in r["_ratios"]])
        for _, r in sel.iterrows()
        if r["call_type"] != "all"
    }
    # the scenario's busyness multiplies every call type on a day: from the days' totals
    totals: dict[int, tuple[float, float]] = {}
    for _, r in sel[sel["call_type"] != "all"].iterrows():
        for day, f, a in r["_ratios"]:
            x = totals.get(day, (0.0, 0.0))
            totals[day] = (x[0] + f, x[1] + a)
    return _cv(list(totals.values())), by


def _forecast_rows(
    h: History,
    mats: dict[str, NDArray[np.float64]],
    weekday0: int,
    method: str,
    days: int,
    cv_by: dict[str, float],
    level: float,
) -> pd.DataFrame:
    spd = h.slots_per_day
    start = h.day_index()[-1] + pd.Timedelta(days=1)
    times = pd.date_range(start, periods=days * spd, freq=f"{h.interval_min:g}min")
    q = (1.0 - level) / 2.0
    frames = []
    for k, hist in mats.items():
        lam = METHODS[method](hist, weekday0, days).ravel()
        cv = cv_by.get(k, 0.0)
        if cv > 0:
            r = 1.0 / cv**2
            p = r / (r + np.maximum(lam, 1e-12))
            low, high = stats.nbinom.ppf(q, r, p), stats.nbinom.ppf(1 - q, r, p)
        else:
            low, high = stats.poisson.ppf(q, lam), stats.poisson.ppf(1 - q, lam)
        frame = pd.DataFrame(
            {
                "start": times,
                "call_type": k,
                "calls": lam,
                "low": np.nan_to_num(low),
                "high": np.nan_to_num(high),
            }
        )
        if h.aht is not None and k in h.aht.columns:
            frame["aht_s"] = _aht(h, k, weekday0, days)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _aht(h: History, k: str, weekday0: int, days: int) -> NDArray[np.float64]:
    """Handle time per future interval: the weekday and slot's call-weighted mean, recent weeks."""
    assert h.aht is not None
    spd = h.slots_per_day
    calls = h.matrix(k)
    aht = h.aht[k].to_numpy(dtype=float).reshape(h.days, spd)
    recent = max(0, h.days - 56)
    w = np.where(np.isnan(aht), 0.0, calls)
    tot = np.nansum(aht * w, axis=None)
    overall = tot / w.sum() if w.sum() > 0 else np.nan
    out = np.full((days, spd), overall)
    for d in range(days):
        wd = (weekday0 + h.days + d) % 7
        rows = [r for r in range(recent, h.days) if (weekday0 + r) % 7 == wd]
        ww, aa = w[rows], np.nan_to_num(aht[rows])
        s = ww.sum(axis=0)
        out[d] = np.where(s > 0, (aa * ww).sum(axis=0) / np.maximum(s, 1e-12), overall)
    return out.ravel()
