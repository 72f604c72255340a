"""Calendar arithmetic for work-order time limits, by exact cases."""

import pytest

from ccsim.scenario.calendar import Calendar
from ccsim.scenario.common import parse_range

H = 3600.0
D = 86_400.0


def test_parse_range():
    assert parse_range("08:00-18:00") == (8 * H, 18 * H)
    assert parse_range("22:00-24:00") == (22 * H, 24 * H)
    for bad in ("8-18", "25:00-26:00", "08:00-08:00", "08:61-09:00"):
        with pytest.raises(ValueError):
            parse_range(bad)


def test_always_open_limit_is_plain_hours():
    cal = Calendar.always()
    assert cal.add_open_time(5 * H, 48 * H) == 53 * H
    assert cal.open_time_between(0, 48 * H) == 48 * H
    assert cal.is_open(123.0)


def test_night_excluded_broadband_pre_processing():
    # open 08:00-22:00 every day: 1 h from 21:30 ends at 08:30 next day
    every = {d: ["08:00-22:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    cal = Calendar.weekly(every, start_s=0.0, start_day="tue")
    assert cal.add_open_time(21.5 * H, 1 * H) == D + 8.5 * H
    # created at night (23:00): the clock starts at 08:00
    assert cal.add_open_time(23 * H, 1 * H) == D + 9 * H
    assert cal.open_time_between(21.5 * H, D + 8.5 * H) == pytest.approx(H)
    assert not cal.is_open(23 * H) and cal.is_open(8 * H)
    assert cal.next_change(23 * H) == D + 8 * H


def test_weekends_closed_and_start_clock():
    office = {d: ["09:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")}
    # simulated time 0 is Friday 16:00
    cal = Calendar.weekly(office, start_s=16 * H, start_day="fri")
    # 2 open hours from Friday 16:00: 1 h on Friday, the 2nd hour on Monday 09:00-10:00
    assert cal.add_open_time(0.0, 2 * H) == (8 + 24 + 24 + 10) * H  # Mon 10:00 is 66 h later
    assert cal.open_time_between(0.0, 66 * H) == pytest.approx(2 * H)
    assert not cal.is_open(10 * H)  # Saturday 02:00


def test_overnight_range_and_several_ranges():
    cal = Calendar.weekly({"mon": ["22:00-02:00"], "tue": ["08:00-12:00", "14:00-18:00"]})
    assert cal.is_open(23 * H) and cal.is_open(D + 1 * H) and not cal.is_open(D + 3 * H)
    assert cal.open_per_week_s == 4 * H + 8 * H
    # from Monday 23:00: 3 open hours end at Tuesday 09:00 (1 + 2 past midnight, then 08-09)
    assert cal.add_open_time(23 * H, 4 * H) == D + 9 * H
    assert cal.add_open_time(D + 11 * H, 2 * H) == D + 15 * H  # lunch 12-14 skipped


def test_limit_spanning_weeks():
    cal = Calendar.weekly({"wed": ["10:00-11:00"]})
    # 3 open hours: three Wednesdays
    assert cal.add_open_time(0.0, 3 * H) == (2 * 24 + 11) * H + 14 * D
    assert cal.open_time_between(0.0, 3 * 7 * D) == pytest.approx(3 * H)


def test_changes_list():
    cal = Calendar.weekly({d: ["08:00-20:00"] for d in ("mon", "tue")})
    assert cal.changes(0.0, 2 * D) == [8 * H, 20 * H, D + 8 * H, D + 20 * H]
