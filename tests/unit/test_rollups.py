"""Roll-ups of the KPIs: the daily summary follows the clock and partitions the period."""

import numpy as np
import pytest

from ccsim.runner import simulate
from ccsim.scenario import parse_scenario
from tests.helpers.scen import base, const


def test_days_follow_the_clock():
    # starts Sunday 22:00; calls at 22:00, 23:59 and 00:30 (Monday)
    d = base(
        horizon={"duration_h": 4, "interval_min": 60, "start": "22:00", "start_day": "sun"},
        call_types=[
            {"id": "a", "arrivals": {"times_s": [0, 7140, 9000]}, "handle_time": const(60)}
        ],
    )
    res = simulate(parse_scenario(d), replications=1, workers=1)
    days = res.kpis("day")
    assert list(days.index) == [1, 2]
    assert [res.day_label(x) for x in days.index] == ["day 1 (sun)", "day 2 (mon)"]
    assert list(days[("offered", "mean")]) == [2, 1]
    # day 1 has 2 hours of the period, day 2 has 2: one agent staffed throughout
    assert list(days[("agent_hours", "mean")]) == [2.0, 2.0]
    assert list(days[("agents", "mean")]) == [1.0, 1.0]


def test_days_partition_the_period():
    d = base(
        horizon={
            "duration_h": 60,
            "interval_min": 30,
            "start": "12:00",
            "start_day": "sat",
            "warmup_h": 2,
        }
    )
    d["call_types"][0].update(
        arrivals={"rate_per_h": 60},
        handle_time={"dist": "exponential", "mean_s": 150},
        patience={"dist": "exponential", "mean_s": 60},
    )
    d["centers"][0]["groups"][0]["agents"] = [2, 3, 1] * 16  # a daily list: varies by interval
    res = simulate(parse_scenario(d), replications=3, workers=1)
    by_day = res.kpi_values(["day"])
    total = res.kpi_values()
    # partial first day (14:00-24:00 after warm-up), two whole days... and the last
    # 12 hours of the period end at 24:00 of day 3
    assert sorted(set(by_day.index.get_level_values("day"))) == [1, 2, 3]
    for k in ("offered", "answered", "abandoned", "agent_hours"):
        sums = by_day[k].groupby(level="replication").sum()
        np.testing.assert_allclose(sums.to_numpy(), total[k].to_numpy(), err_msg=k)
    # period averages weigh each day by its measured length: 10 h, 24 h, 24 h
    hours = np.array([10.0, 24.0, 24.0])
    for k in ("agents", "avg_queue"):
        per = by_day[k].to_numpy().reshape(3, 3)
        np.testing.assert_allclose(per @ hours / hours.sum(), total[k].to_numpy(), err_msg=k)
    per_max = by_day["max_queue"].to_numpy().reshape(3, 3).max(axis=1)
    np.testing.assert_array_equal(per_max, total["max_queue"].to_numpy())


def test_unknown_rollup_is_refused():
    res = simulate(parse_scenario(base()), replications=1, workers=1)
    with pytest.raises(ValueError, match="by must name dimensions among interval, day"):
        res.kpis("week")


def test_the_html_report_holds_the_daily_summary(tmp_path):
    from ccsim.reporting.outputs import write_run_folder

    d = base(
        horizon={"duration_h": 4, "interval_min": 60, "start": "22:00", "start_day": "sun"},
        call_types=[
            {"id": "a", "arrivals": {"times_s": [0, 7140, 9000]}, "handle_time": const(60)}
        ],
    )
    res = simulate(parse_scenario(d), replications=2, workers=1)
    out = write_run_folder(res, tmp_path / "run", res.summary(), figures=False)
    page = (out / "report.html").read_text()
    assert "Per day (mean, 95% interval)" in page
    assert "day 1 (sun)" in page and "day 2 (mon)" in page


def test_the_html_report_shows_a_bounded_interval_table(tmp_path, monkeypatch):
    import ccsim.reporting.html as html
    from ccsim.reporting.outputs import write_run_folder

    monkeypatch.setattr(html, "MAX_HTML_INTERVALS", 3)
    res = simulate(parse_scenario(base(horizon={"duration_h": 1, "interval_min": 6})), 1, workers=1)
    out = write_run_folder(res, tmp_path / "run", res.summary(), figures=False)
    page = (out / "report.html").read_text()
    assert "The first 3 of 10 intervals; intervals.csv holds them all." in page
    table = page.split("<h2>Per interval</h2>")[1]
    assert table.count("<tr>") == 1 + 3  # header and three intervals


def test_tables_handed_out_leave_the_kept_sums_alone():
    # the sums of each roll-up are kept once computed: renaming the index of a table
    # handed out must not rename theirs, and a new cells table is summed afresh
    res = simulate(parse_scenario(base(replications=3)), workers=1)
    before = res.kpis("group")
    v = res.kpi_values(["group"])
    v.index.names = ["rep", "team"]
    s = res.sums(["group"])
    s.index.names = ["rep", "team"]
    s.iloc[:, :] = -1
    assert res.kpis("group").equals(before)
    first_two = simulate(parse_scenario(base(replications=2)), workers=1).kpis("group")
    res.reps = res.reps[:2]
    del res.cells
    assert res.kpis("group").equals(first_two)
