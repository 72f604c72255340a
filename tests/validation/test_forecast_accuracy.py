"""The forecast against synthetic histories whose truth is known.

Each history (``tests.helpers.history``): 16 weeks at 30 minutes, two call types, a weekly
and an intraday pattern, a trend of 0.2 % a day, and a gamma day multiplier of mean 1 and
cv ``C`` shared by the call types, with Poisson counts around the resulting rates.

Tolerances are the suite's (``stats.CONFIDENCE``, 99.9 %), derived below, never tuned.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ccsim.data import forecast, forecast_methods
from ccsim.data.forecast_methods import LEVEL_ALPHA
from tests.helpers.history import START, synth
from tests.validation.stats import CONFIDENCE, agrees

C = 0.08  # the true day-to-day cv
WEEKS = 16
Z = float(stats.norm.ppf(0.5 + CONFIDENCE / 2))


def forecast_error_cv(daily_calls: float, weeks_at_origins: list[int]) -> float:
    """The cv of ``profile``'s daily forecast error beyond Poisson, for a day multiplier of cv C.

    Actual over forecast is M (1 + e): the day multiplier M and the forecast's own
    estimation error e, independent, so cv^2 = C^2 + var(e), with var(e) from
    * the smoothed level, an exponentially weighted mean of days of variance
      C^2 + 1/V (V the calls of a day): alpha / (2 - alpha) of it;
    * the weekday factor, a mean over the n weeks of history of that weekday, relative to
      the mean of all seven (a common scale cancels in level x factor): C^2 (6/7) / n.
    The trend's lag is a bias, the same on the same day ahead: it shifts A/F, whose
    variance the cv ignores.
    """
    a = LEVEL_ALPHA
    level = a / (2 - a) * (C**2 + 1 / daily_calls)
    factor = C**2 * (6 / 7) * float(np.mean([1 / n for n in weeks_at_origins]))
    return math.sqrt(C**2 + level + factor)


def test_chosen_method_beats_seasonal_naive_near_the_noise_floor():
    s = synth(weeks=WEEKS, cv=C, seed=1)
    _, report = forecast(s.table, days=7)
    bt = report.backtest.set_index(["method", "call_type"])
    chosen = bt.loc[(report.method, "all")]
    naive = bt.loc[("seasonal_naive", "all")]
    assert report.method != "seasonal_naive"
    # seasonal naive carries last week's noise and last week's day multiplier on top of
    # this week's: about sqrt(2) times the error of a forecast of the rate
    assert chosen["wape_interval"] < naive["wape_interval"], report.backtest
    # Margin over the noise floor. An interval of rate l whose forecast is off by a
    # relative error of cv s (day multiplier and estimation) has E|Y - F| about
    # sqrt(2/pi) sqrt(l + s^2 l^2) <= sqrt(2/pi) (sqrt(l) + s l): beyond the Poisson floor,
    # at most s sqrt(2/pi) per unit of volume. The backtest's days are 28 independent
    # day multipliers (shared by the call types); a day's extra error, about s |M - 1|,
    # has sd s sqrt(1 - 2/pi), so its mean over the days is within Z s sqrt(1 - 2/pi) / sqrt(days).
    # s is profile's error cv; auto takes the lowest interval WAPE, so no worse than profile.
    days = int(chosen["days"])
    daily = s.table.groupby("call_type")["calls"].sum().min() / (7 * WEEKS)  # the larger s
    sv = forecast_error_cv(daily, [WEEKS - w for w in range(1, 5)])
    margin = sv * math.sqrt(2 / math.pi) + Z * sv * math.sqrt(1 - 2 / math.pi) / math.sqrt(days)
    extra = chosen["wape_interval"] - chosen["floor_interval"]
    assert 0 <= extra <= margin, (
        f"{report.method}: interval WAPE {chosen['wape_interval']:.4f}, floor "
        f"{chosen['floor_interval']:.4f}, extra {extra:.4f} > margin {margin:.4f} "
        f"(s {sv:.4f}, {days} days)"
    )


HISTORIES = 40


@pytest.fixture(scope="module")
def weeks_ahead():
    """Per history: coverage of the next (17th) week by the intervals, and busyness_cv.

    ``profile`` for speed (ets, fitted at every origin, is left out of the backtest): the
    intervals are built from the chosen method's own backtest error, whatever the method.
    """
    mp = pytest.MonkeyPatch()
    mp.setitem(forecast_methods.MIN_DAYS, "ets", 10**6)
    cut = pd.Timestamp(START) + pd.Timedelta(days=7 * WEEKS)
    coverage, cv, daily = [], [], []
    try:
        for i in range(HISTORIES):
            s = synth(weeks=WEEKS + 1, cv=C, seed=100 + i)
            past = s.table[s.table["timestamp"] < cut]
            future = s.table[s.table["timestamp"] >= cut]
            fc, report = forecast(past, days=7, method="profile", level=0.95)
            assert report.method == "profile" and report.reason == "chosen by the user"
            both = fc.merge(
                future,
                left_on=["start", "call_type"],
                right_on=["timestamp", "call_type"],
                suffixes=("", "_actual"),
            )
            assert len(both) == len(fc) == 7 * 48 * 2
            inside = (both["calls_actual"] >= both["low"]) & (both["calls_actual"] <= both["high"])
            coverage.append(float(inside.mean()))
            cv.append(report.busyness_cv)
            daily.append(past["calls"].sum() / (7 * WEEKS))
    finally:
        mp.undo()
    return np.array(coverage), np.array(cv), float(np.mean(daily))


def test_prediction_interval_coverage(weeks_ahead):
    # A history's 672 intervals are not independent draws: the intervals of a day share
    # its multiplier, and the days of the week share the forecast's estimation error. The
    # histories are: the coverage of each is one value, and the level is compared with
    # their mean by the spread across histories (t interval at the suite's confidence).
    # Two small effects of opposite sign are part of what is measured: [low, high] of a
    # count covers at least ``level`` (quantiles of an integer), and the cv is estimated
    # from 28 days of backtest, which narrows or widens the intervals at random.
    coverage, _, _ = weeks_ahead
    ok, msg = agrees(coverage, 0.95)
    assert ok, msg


def test_busyness_cv_recovers_the_day_cv(weeks_ahead):
    # busyness_cv is the forecast's own error beyond Poisson: the true day cv C with the
    # profile's estimation error on top (forecast_error_cv, about +8 % here). Each history
    # gives one estimate from its 28 backtest days; the mean over histories is compared
    # with the spread across them (t interval at the suite's confidence). A single
    # history's sampling error is about C / sqrt(2 x 27) = 0.011 (sd of an sd from 28
    # days), which the spread measures directly.
    _, cv, daily = weeks_ahead
    theory = forecast_error_cv(daily, [WEEKS - w for w in range(1, 5)])
    ok, msg = agrees(cv, theory)
    assert ok, msg
    assert C < theory < 1.1 * C  # the estimation error is a small part of it
