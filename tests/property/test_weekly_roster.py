"""Weekly rosters: every agent works exactly its days of 7, coverage, caps and limits hold."""

from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccsim.scenario.staffing import ShiftPattern, WeekSettings
from ccsim.staffing.shifts import DAYS, roster
from ccsim.staffing.weekly import day_table, week_constraints, weekly_lines

ROOT = Path(__file__).resolve().parents[2]
H = 3600.0
STEP_H = 4  # 4-hour intervals: 42 in a week, small enough for many examples


def _off_is_consecutive(work: set[str]) -> bool:
    off = [i for i, d in enumerate(DAYS) if d not in work]
    # cyclically consecutive: one run of days off around the week
    runs = sum(1 for i in off if (i - 1) % 7 not in off)
    return runs <= 1


@st.composite
def instances(draw):
    need = np.array(draw(st.lists(st.integers(0, 4), min_size=42, max_size=42)), dtype=float)
    pats = [
        # a full-time pattern without limits keeps every instance feasible
        ShiftPattern(id="full", starts=["00:00", "08:00", "16:00"], length_h=8),
    ]
    for k in range(draw(st.integers(0, 2))):
        worked = draw(st.integers(1, 6))
        off = draw(st.sampled_from(["consecutive", "any", "fixed"]))
        days_off = (
            sorted(draw(st.permutations(DAYS))[: 7 - worked], key=DAYS.index)
            if off == "fixed"
            else off
        )
        lo = draw(st.integers(0, 2))
        hi = draw(st.one_of(st.none(), st.integers(lo, lo + 3)))
        pats.append(
            ShiftPattern(
                id=f"p{k}", starts=[draw(st.sampled_from(["00:00", "08:00", "16:00"]))],
                length_h=draw(st.sampled_from([4.0, 8.0])), days_worked=worked,
                days_off=days_off, part_time=draw(st.booleans()), min_agents=lo, max_agents=hi,
            )
        )  # fmt: skip
    week = WeekSettings(
        part_time_share=draw(st.one_of(st.none(), st.floats(0, 1))),
        part_time_basis=draw(st.sampled_from(["agents", "hours"])),
    )
    return need, pats, week


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_weekly_roster_invariants(case):
    need, pats, week = case
    lines = weekly_lines(pats, 0.0, "mon", 7 * 86_400.0)
    try:
        r = roster(need, STEP_H * H, lines, extra=week_constraints(lines, pats, week))
    except ValueError:
        # only the patterns' own limits can make it infeasible (min agents of part-time
        # patterns beyond the cap): the unlimited full-time pattern covers any need
        assert week.part_time_share is not None
        assert any(p.part_time and p.min_agents > 0 for p in pats)
        return
    assert r.status == "optimal"
    by_id = {p.id: p for p in pats}
    # coverage per interval >= requirement
    assert (r.coverage >= need - 1e-9).all()
    agents = {p.id: 0 for p in pats}
    part = total = part_h = total_h = 0.0
    for ln, c in zip(r.shifts, r.counts, strict=True):
        p = by_id[ln.pattern]
        # every agent works exactly days_worked days of the 7, one shift a day
        assert len(ln.days) == len(set(ln.days)) == p.days_worked
        work = {DAYS[d % 7] for d in ln.days}
        if isinstance(p.days_off, list):
            assert work == set(DAYS) - set(p.days_off)
        elif p.days_off == "consecutive":
            assert _off_is_consecutive(work)
        agents[p.id] += int(c)
        total += c
        total_h += c * ln.length_s / H
        if p.part_time:
            part += c
            part_h += c * ln.length_s / H
    for p in pats:
        assert agents[p.id] >= p.min_agents
        assert p.max_agents is None or agents[p.id] <= p.max_agents
    if week.part_time_share is not None:
        if week.part_time_basis == "agents":
            assert part <= week.part_time_share * total + 1e-6
        else:
            assert part_h <= week.part_time_share * total_h + 1e-6
    # the day table adds up to the agents working each day
    rows = day_table(r, "mon", "g")
    for d in range(7):
        working = sum(int(c) for ln, c in zip(r.shifts, r.counts, strict=True) if d in ln.days)
        assert sum(row["agents"] for row in rows if row["day"] == d + 1) == working


def test_one_day_horizon_keeps_shifts_day_by_day():
    from ccsim.engine.compile import compile_scenario
    from ccsim.scenario import load_scenario
    from ccsim.staffing.rostering import build_rosters

    sc = load_scenario(ROOT / "scenarios" / "province_10000.yaml")
    weekly = sc.replace({"staffing.week": {"part_time_share": 0.1}})
    m = compile_scenario(sc)
    scheduled = np.where(m.staffing > 0, m.staffing, 1)
    a, cov_a = build_rosters(sc, m, scheduled)
    b, cov_b = build_rosters(weekly, m, scheduled)
    assert a.keys() == b.keys()
    for g in a:
        assert [s.label for s in a[g].shifts] == [s.label for s in b[g].shifts]
        assert (a[g].counts == b[g].counts).all()
    assert np.array_equal(cov_a, cov_b, equal_nan=True)
