"""``ccsim staff`` with weekly rosters and the joint method: the roster table per pattern and day."""

import csv
import json

import yaml

WEEK = {
    "name": "tiny-week",
    "seed": 3,
    "replications": 2,
    "horizon": {"duration_h": 168, "interval_min": 120},
    "call_types": [
        {
            "id": "general",
            "arrivals": {"daily_volume": 120, "profile": [0, 0, 0, 0, 1, 2, 2, 2, 1, 0, 0, 0]},
            "handle_time": {"dist": "exponential", "mean_s": 240},
        }
    ],
    "centers": [
        {"id": "main", "kind": "provincial", "groups": [
            {"id": "desk", "skills": ["general"], "agents": 3}]}
    ],
    "targets": {"service_level": {"threshold_s": 60, "target": 0.8}},
    "staffing": {
        "replications": 3,
        "max_evaluations": 6,
        "joint_evaluations": 4,
        "method": "joint",
        "week": {"part_time_share": 0.5},
        "shifts": [
            {"id": "day", "starts": ["08:00"], "length_h": 8},
            {"id": "half", "starts": ["12:00"], "length_h": 4, "days_worked": 3,
             "days_off": "any", "part_time": True, "max_agents": 2},
        ],
    },
}  # fmt: skip


def test_staff_weekly_joint_writes_the_day_table(ccsim, tmp_path):
    f = tmp_path / "week.yaml"
    f.write_text(yaml.safe_dump(WEEK), encoding="utf-8")
    out = tmp_path / "plan"
    r = ccsim("staff", f, "--json", "--quiet", "--workers", "1", "--no-figures", "--out", out)
    assert r.code in (0, 1), r.err
    doc = json.loads(r.out)
    assert doc["method"] == "joint"
    assert doc["rostered_plan"]["paid_hours"] <= doc["two_step_roster"]["paid_hours"]
    assert "ci95" in doc["rostered_plan"]["kpis"]["service_level"]
    days = doc["roster_days"]
    assert {d["weekday"] for d in days} <= {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
    assert {d["pattern"] for d in days} <= {"day", "half"}
    # per day, agents working add up from the weekly lines: each works 5 (or 3) days of 7
    shifts = doc["roster"]["desk"]["shifts"]
    full = sum(s["agents"] for s in shifts if s["pattern"] == "day")
    part = sum(s["agents"] for s in shifts if s["pattern"] == "half")
    assert sum(d["agents"] for d in days if d["pattern"] == "day") == 5 * full
    assert sum(d["agents"] for d in days if d["pattern"] == "half") == 3 * part
    assert part <= 2 and part <= 0.5 * (full + part)
    with open(out / "roster_days.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [int(x["agents"]) for x in rows] == [d["agents"] for d in days]
