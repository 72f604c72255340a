"""Validation of the joint method and weekly roster settings: path, value and rule, all at once."""

import yaml

from tests.helpers.problems import has, problems

MMN = yaml.safe_load(open("scenarios/mmn.yaml", encoding="utf-8"))


def _with(staffing):
    return {**MMN, "staffing": staffing}


SHIFT = {"id": "day", "starts": ["08:00"], "length_h": 8}


def test_joint_needs_shift_patterns():
    has(_with({"method": "joint"}), "staffing: method joint needs shift patterns (staffing.shifts)")


def test_unknown_method():
    has(_with({"method": "both"}), "staffing.method")


def test_fixed_days_off_must_match_days_worked():
    bad = {**SHIFT, "days_off": ["sat"]}
    has(
        _with({"shifts": [bad]}),
        "staffing.shifts[0]: days_off lists 1 weekdays, must be 7 - days_worked = 2",
    )


def test_days_off_must_not_repeat():
    bad = {**SHIFT, "days_off": ["sat", "sat"]}
    has(_with({"shifts": [bad]}), "staffing.shifts[0]: days_off must not repeat a weekday")


def test_max_below_min():
    bad = {**SHIFT, "min_agents": 3, "max_agents": 1}
    has(_with({"shifts": [bad]}), "staffing.shifts[0]: max_agents (1) must be >= min_agents (3)")


def test_every_problem_at_once():
    data = _with(
        {
            "shifts": [{**SHIFT, "days_worked": 9}, {**SHIFT, "id": "b", "days_off": "weekends"}],
            "week": {"part_time_share": 1.5, "part_time_basis": "days"},
            "joint_evaluations": 0,
        }
    )
    found = problems(data)
    for text in (
        "staffing.shifts[0].days_worked: must be <= 7, got 9",
        "staffing.shifts[1].days_off",
        "staffing.week.part_time_share: must be <= 1",
        "staffing.week.part_time_basis",
        "staffing.joint_evaluations: must be >= 1, got 0",
    ):
        assert any(text in p for p in found), (text, found)


def test_schema_has_the_new_fields():
    from ccsim.scenario import json_schema

    text = str(json_schema())
    for key in ("joint_evaluations", "part_time_share", "days_off", "days_worked"):
        assert key in text
