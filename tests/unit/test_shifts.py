"""The shift step covers every interval and is optimal on a small case checked by hand."""

import itertools

import numpy as np
import pytest

from ccsim.scenario.staffing import ShiftPattern
from ccsim.staffing.shifts import candidate_shifts, roster

H = 3600.0


def test_small_case_is_optimal_by_enumeration():
    # 8 hourly intervals from 08:00; 4-hour shifts may start 08:00 .. 12:00
    need = np.array([1, 1, 2, 3, 3, 2, 1, 1], dtype=float)
    pat = ShiftPattern(id="four", starts=["08:00", "09:00", "10:00", "11:00", "12:00"], length_h=4)
    shifts = candidate_shifts([pat], 8 * H, "mon", 8 * H)
    assert len(shifts) == 5
    r = roster(need, H, shifts)
    assert (r.coverage >= need - 1e-9).all()
    # brute force over 0..3 agents per start
    best = None
    for counts in itertools.product(range(4), repeat=5):
        cov = np.zeros(8)
        for k, c in enumerate(counts):
            cov[k : k + 4] += c
        if (cov >= need).all():
            hours = 4 * sum(counts)
            best = hours if best is None else min(best, hours)
    assert r.paid_hours == best == 16  # e.g. 1 at 08:00, 2 at 10:00, 1 at 12:00
    assert r.status == "optimal"


def test_meal_break_is_off_the_phones():
    pat = ShiftPattern(id="day", starts=["08:00"], length_h=8, break_after_h=4, break_min=60)
    (s,) = candidate_shifts([pat], 8 * H, "mon", 8 * H)
    cover = s.on_duty(np.arange(9) * H)
    assert list(cover) == [1, 1, 1, 1, 0, 1, 1, 1]
    # a need in the break hour takes a second shift
    r = roster(np.ones(8), H, [s])
    assert r.counts[0] == 1 and r.coverage[4] == 0 and "no shift covers" in r.status


def test_half_hour_intervals_and_partial_cover():
    pat = ShiftPattern(id="x", starts=["08:15"], length_h=1)
    (s,) = candidate_shifts([pat], 8 * H, "mon", 2 * H)
    assert list(s.on_duty(np.arange(5) * 1800.0)) == pytest.approx([0.5, 1.0, 0.5, 0.0])


def test_multi_day_shifts_and_weekdays():
    pat = ShiftPattern(id="night", starts=["22:00"], length_h=8, days=["mon"])
    shifts = candidate_shifts([pat], 0.0, "mon", 48 * H)
    assert [s.label for s in shifts] == ["night 22:00 d1"]
    assert shifts[0].start_s == 22 * H


def test_bad_patterns():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="break must end within the shift"):
        ShiftPattern(id="x", starts=["08:00"], length_h=4, break_after_h=4, break_min=30)
    with pytest.raises(ValidationError, match="break_min needs break_after_h"):
        ShiftPattern(id="x", starts=["08:00"], length_h=4, break_min=30)
    with pytest.raises(ValidationError, match="starts must be clock times"):
        ShiftPattern(id="x", starts=["8am"], length_h=4)
