"""The committed staffing baselines of the reference scenarios hold (what a planning team's CI does)."""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BASELINES = sorted((ROOT / "scenarios" / "baselines").glob("*.staff.json"))


@pytest.mark.parametrize("baseline", BASELINES, ids=lambda p: p.name.split(".")[0])
def test_staffing_plan_matches_its_baseline(ccsim, baseline):
    scenario = ROOT / "scenarios" / (baseline.name.split(".")[0] + ".yaml")
    r = ccsim("staff", scenario, "--baseline", baseline, "--quiet", "--json")
    assert r.code == 0, r.out + r.err
    report = r.json()["baseline"]
    assert report["ok"] is True and report["scenario_changes"] == [], report
    assert not [i for i in report["drift"] if i["beyond"]]
    assert report["notes"] == []


def test_baselines_exist():
    assert {p.name for p in BASELINES} >= {
        "mmn.staff.json",
        "two_skill_overflow.staff.json",
        "province_10000.staff.json",
    }
    for p in BASELINES:  # in the form that lets a drift report list the scenario's changes
        assert "scenario_fields" in json.loads(p.read_text()), p.name
