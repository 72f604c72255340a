"""``ccsim.data.forecast``: methods, backtest, noise floor, intervals, bad histories, scenario."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from scipy import stats

from ccsim.cli import cli
from ccsim.data import forecast, read_history
from ccsim.data.forecast import _mad
from ccsim.data.forecast_methods import seasonal_naive
from ccsim.data.forecast_scenario import forecast_scenario
from ccsim.errors import InputError
from ccsim.scenario.loader import load_scenario, load_text
from tests.helpers.history import START, counts, synth

ROOT = Path(__file__).resolve().parents[2]
MMN = ROOT / "scenarios" / "mmn.yaml"


def problems(fn) -> list[str]:
    with pytest.raises(InputError) as exc:
        fn()
    return [str(p) for p in exc.value.problems]


def has(found: list[str], *texts: str) -> None:
    assert any(all(t in p for t in texts) for p in found), found


# --- methods -------------------------------------------------------------------------


def test_seasonal_naive_repeats_last_week():
    hist = np.arange(14 * 3, dtype=float).reshape(14, 3)
    fc, report = forecast(counts({"a": hist}, interval_min=480), days=7, method="seasonal_naive")
    assert report.method == "seasonal_naive"
    np.testing.assert_array_equal(fc["calls"].to_numpy().reshape(7, 3), hist[7:])
    # the same weekdays (START is a Monday; the forecast starts on the Monday after)
    assert fc["start"].iloc[0] == pd.Timestamp(START) + pd.Timedelta(days=14)


def test_seasonal_naive_skips_a_special_day_to_the_week_before():
    hist = np.arange(14 * 3, dtype=float).reshape(14, 3)
    day9 = f"{pd.Timestamp(START) + pd.Timedelta(days=9):%Y-%m-%d}"
    fc, report = forecast(
        counts({"a": hist}, interval_min=480), method="seasonal_naive", special_days=[day9]
    )
    want = hist[7:].copy()
    want[2] = hist[2]  # day 9 is special: its weekday comes from day 2
    np.testing.assert_array_equal(fc["calls"].to_numpy().reshape(7, 3), want)
    assert report.special_days == [day9]
    # the method itself, over two weeks ahead: a NaN row is passed over both times
    m = hist.copy()
    m[11] = np.nan
    out = seasonal_naive(m, 0, 14)
    np.testing.assert_array_equal(out[[4, 11]], hist[[4, 4]])
    np.testing.assert_array_equal(out[[3, 10]], hist[[10, 10]])


def weekly_history(weeks: int = 4, start: str = "2026-01-07") -> tuple[pd.DataFrame, np.ndarray]:
    """Noise-free: a flat level of 1000 calls, a weekly pattern and a profile per weekday."""
    spd = 24
    factor = np.array([1.2, 1.0, 1.0, 1.1, 0.9, 0.5, 0.3])  # Monday to Sunday
    slot = np.arange(spd)
    shape = np.array([1.0 + np.sin((slot + 3 * w) / 4.0) ** 2 for w in range(7)])
    shape /= shape.sum(axis=1, keepdims=True)
    wd0 = pd.Timestamp(start).weekday()
    days = np.array(
        [1000.0 * factor[(wd0 + d) % 7] * shape[(wd0 + d) % 7] for d in range(7 * (weeks + 1))]
    )
    return counts({"a": days[: 7 * weeks]}, start=start), days[7 * weeks :]


def test_profile_reproduces_a_noise_free_weekly_pattern():
    table, next_week = weekly_history()  # from a Wednesday
    fc, report = forecast(table, days=7, method="profile")
    assert report.method == "profile" and report.reason == "chosen by the user"
    np.testing.assert_allclose(fc["calls"].to_numpy().reshape(7, 24), next_week, rtol=0, atol=1e-9)


def test_intervals_with_no_error_beyond_poisson_are_poisson_quantiles():
    table, _ = weekly_history()
    fc, report = forecast(table, days=7, method="profile", level=0.9)
    assert report.cv_by_type == {"a": 0.0} and report.busyness_cv == 0.0
    lam = fc["calls"].to_numpy()
    np.testing.assert_array_equal(fc["low"], stats.poisson.ppf(0.05, lam))
    np.testing.assert_array_equal(fc["high"], stats.poisson.ppf(0.95, lam))


# --- backtest ------------------------------------------------------------------------


def test_backtest_arithmetic_by_hand():
    week1 = np.array([[10.0, 20.0]] * 7)
    week2 = np.array([[12, 20], [10, 18], [10, 20], [13, 18], [10, 20], [8, 20], [10, 25]], float)
    table = counts({"a": np.vstack([week1, week2])}, interval_min=720)
    _, report = forecast(table, method="seasonal_naive", backtest_weeks=1)
    bt = report.backtest.set_index(["method", "call_type"])
    # one origin (day 7): seasonal naive forecasts week 2 as week 1, 30 calls a day
    actual = week2.sum()  # 214
    assert actual == 214
    abs_daily = 2 + 2 + 0 + 1 + 0 + 2 + 5  # |30 - (32, 28, 30, 31, 30, 28, 35)|
    abs_interval = 2 + 2 + (3 + 2) + 2 + 5
    floor_daily = 7 * 2 * 30 * stats.poisson.pmf(30, 30)
    floor_interval = 7 * 2 * (10 * stats.poisson.pmf(10, 10) + 20 * stats.poisson.pmf(20, 20))
    for key in ("a", "all"):
        row = bt.loc[("seasonal_naive", key)]
        assert row["days"] == 7
        assert row["wape_daily"] == pytest.approx(abs_daily / actual, abs=1e-12)
        assert row["wape_interval"] == pytest.approx(abs_interval / actual, abs=1e-12)
        assert row["bias"] == pytest.approx((210 - 214) / actual, abs=1e-12)
        assert row["floor_daily"] == pytest.approx(floor_daily / actual, abs=1e-12)
        assert row["floor_interval"] == pytest.approx(floor_interval / actual, abs=1e-12)


@pytest.mark.parametrize("lam", [0.3, 2.0, 7.5, 40.0])
def test_noise_floor_is_the_poisson_mean_absolute_deviation(lam):
    k = np.arange(0, int(lam + 40 * math.sqrt(lam) + 40))
    direct = float(np.sum(np.abs(k - lam) * stats.poisson.pmf(k, lam)))
    assert _mad(np.array([lam]))[0] == pytest.approx(direct, rel=1e-12, abs=1e-15)


def test_busyness_pairs_the_call_types_days_by_date():
    """A call type closed at weekends has no forecast then: the days still pair by date."""
    rng = np.random.default_rng(5)
    n, spd = 42, 4
    weekday = (pd.Timestamp(START).weekday() + np.arange(n)) % 7
    day = rng.gamma(1 / 0.1**2, 0.1**2, n)[:, None]
    query = rng.poisson(300.0 * day * np.ones((n, spd))).astype(float)
    b2b = rng.poisson(200.0 * day * np.ones((n, spd))).astype(float)
    b2b[weekday >= 5] = 0.0
    _, report = forecast(
        counts({"query": query, "b2b": b2b}, interval_min=360),
        method="seasonal_naive",
        backtest_weeks=3,
    )
    # every method is backtested from the origins ets can use (day 21 on): days 21 to 41
    d = np.arange(21, n)

    def cv(f: np.ndarray, a: np.ndarray) -> float:
        keep = f > 0
        r = a[keep] / f[keep]
        return round(math.sqrt(max(np.var(r, ddof=1) - np.mean(1 / f[keep]), 0.0)), 4)

    f_tot = query[d - 7].sum(axis=1) + b2b[d - 7].sum(axis=1)
    a_tot = query[d].sum(axis=1) + b2b[d].sum(axis=1)
    assert report.busyness_cv == cv(f_tot, a_tot)
    assert report.cv_by_type["query"] == cv(query[d - 7].sum(axis=1), query[d].sum(axis=1))
    assert report.cv_by_type["b2b"] == cv(b2b[d - 7].sum(axis=1), b2b[d].sum(axis=1))


# --- bad histories and options -------------------------------------------------------


def two_weeks() -> pd.DataFrame:
    return counts({"a": np.ones((14, 24))})


def test_a_gap_names_the_missing_range():
    table = two_weeks().drop(index=range(30, 40))  # day 2, 06:00 to 16:00
    has(
        problems(lambda: read_history(table)),
        "has gaps (10 intervals missing)",
        "2026-01-06 06:00 to 2026-01-06 16:00",
    )


def test_a_single_day_is_too_short():
    has(
        problems(lambda: forecast(counts({"a": np.ones((1, 24))}))),
        "HISTORY: holds 1 usable day; forecasting needs at least 7",
    )


def test_negative_counts_name_their_lines():
    table = two_weeks()
    table.loc[3, "calls"] = -1
    table.loc[7, "calls"] = -2
    found = problems(lambda: read_history(table))
    assert found == [
        "line 5, column calls: is negative, got -1.0",
        "line 9, column calls: is negative, got -2.0",
    ]


def test_a_duplicated_timestamp():
    table = two_weeks()
    table = pd.concat([table, table.iloc[[5]]], ignore_index=True)
    found = problems(lambda: read_history(table))
    has(found, "line 7, column timestamp: appears twice for the same call type")
    has(found, "line 338, column timestamp: appears twice for the same call type")


def test_a_history_not_from_midnight():
    table = counts({"a": np.ones((14, 24))}, start="2026-01-05 01:00")
    has(
        problems(lambda: read_history(table)),
        "timestamp: the history must start at midnight (whole days), got '2026-01-05 01:00:00'",
    )


def test_a_step_that_does_not_divide_a_day():
    table = counts({"a": np.ones((14, 3))}, interval_min=420)
    assert problems(lambda: read_history(table)) == [
        "timestamp: steps of 420 min do not divide a day"
    ]


def test_bad_options_are_reported_together():
    found = problems(lambda: forecast(two_weeks(), days=0, method="x", level=1.5))
    assert found == [
        "--days: must be 1 to 366, got 0",
        "--method: must be auto or one of seasonal_naive, profile, ets, got 'x'",
        "--level: must be between 0 and 1, got 1.5",
    ]


def test_a_history_too_short_for_a_method_falls_back_and_says_so():
    _, report = forecast(counts({"a": np.ones((10, 24))}), method="ets")
    assert report.method == "profile"
    assert report.skipped_methods["ets"] == "needs 21 days of history (10 usable)"
    assert report.reason == "ets needs 21 days of history (10 usable): fell back to profile"


def test_fewer_than_seven_usable_days():
    specials = [f"2026-01-{d:02d}" for d in range(5, 13)]  # 8 of 14 days
    has(
        problems(lambda: forecast(two_weeks(), special_days=specials)),
        "HISTORY: holds 6 usable days; forecasting needs at least 7",
    )


# --- the forecast as a scenario ------------------------------------------------------


@pytest.fixture(scope="module")
def general():
    """Three weeks of a ``general`` call type at 15 minutes, from a Monday, and its forecast."""
    s = synth(weeks=3, volume={"general": 3000.0}, interval_min=15, seed=2)
    return s.table, *forecast(s.table, days=5, method="profile")


def test_forecast_scenario_carries_horizon_rates_and_busyness(general):
    _, fc, report = general
    base = load_scenario(MMN)
    scenario, text = forecast_scenario(base, fc, report)
    again = load_text(text)
    assert again.horizon == scenario.horizon
    assert again.horizon.duration_h == 5 * 24
    assert again.horizon.start == "00:00"
    assert again.horizon.start_day == "mon"  # 2026-01-26
    assert fc["start"].min() == pd.Timestamp("2026-01-26")
    assert again.demand.busyness_cv == report.busyness_cv
    rates = np.asarray(again.call_types[0].arrivals.per_interval, dtype=float)
    assert rates.size == 5 * 48  # the scenario's 30-minute intervals
    daily = fc.groupby(fc["start"].dt.normalize())["calls"].sum().to_numpy()
    # rates are written to 4 decimals: a day's 48 rates x 0.5 h differ by at most 48 x 0.5e-4 x 0.5
    np.testing.assert_allclose(
        (rates * 0.5).reshape(5, 48).sum(axis=1), daily, rtol=0, atol=48 * 0.5e-4 * 0.5
    )


def test_forecast_scenario_call_type_missing(general):
    table, _, _ = general
    fc, report = forecast(table.assign(call_type="billing"), days=2, method="profile")
    has(
        problems(lambda: forecast_scenario(load_scenario(MMN), fc, report)),
        "has no call type 'billing' of the history",
    )


def test_forecast_scenario_interval_not_a_multiple(general):
    _, fc, report = general
    base = load_scenario(MMN).replace({"horizon.interval_min": 20})
    has(
        problems(lambda: forecast_scenario(base, fc, report)),
        "horizon.interval_min 20 must be a multiple of the history's 15 min",
    )


# --- a history from ccsim's own call records -----------------------------------------


def test_history_from_a_ccsim_call_log(tmp_path):
    scen = tmp_path / "mmn.yaml"
    text = MMN.read_text().replace("replications: 100", "replications: 1")
    scen.write_text(text.replace("rate_per_h: 252", "rate_per_h: 30"))
    out = tmp_path / "run"
    result = CliRunner().invoke(
        cli,
        [
            "run",
            str(scen),
            "--set",
            "horizon.duration_h=192",
            "--calls",
            "--no-figures",
            "--workers",
            "1",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    h = read_history(out / "calls.csv.gz")
    log = pd.read_csv(out / "calls.csv.gz")
    first = log[log["attempt"] == 0]
    per_day = first.groupby(first["t_arrival"] // 86400).size().to_numpy()
    assert h.days == 8 and h.interval_min == 30
    np.testing.assert_array_equal(h.matrix("general").sum(axis=1), per_day)


def test_bad_counts_repeated_times_and_gaps_are_listed_together():
    # were three rounds: the counts, then the repeated time, then the gap
    table = two_weeks().drop(index=range(30, 40)).reset_index(drop=True)
    table.loc[3, "calls"] = -1
    table = pd.concat([table, table.iloc[[5]]], ignore_index=True)
    found = problems(lambda: read_history(table))
    has(found, "line 5, column calls: is negative, got -1.0")
    has(found, "line 7, column timestamp: appears twice for the same call type")
    has(found, "has gaps (10 intervals missing)", "2026-01-06 06:00 to 2026-01-06 16:00")


def test_a_repeated_time_is_found_beside_its_copys_bad_count():
    table = two_weeks()
    table = pd.concat([table, table.iloc[[5]]], ignore_index=True)
    table["calls"] = table["calls"].astype(object)
    table.loc[len(table) - 1, "calls"] = "x"
    found = problems(lambda: read_history(table))
    has(found, "column calls: is not a number, got 'x'")
    has(found, "line 7, column timestamp: appears twice for the same call type")
