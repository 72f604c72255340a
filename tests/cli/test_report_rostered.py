"""The rostered plan in a staff folder: its KPIs beside the targets, paid hours, joint vs two-step."""

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from ccsim.reporting.labels import fmt_kpi, fmt_num
from tests.cli.test_report_html import section, visible_text
from tests.cli.test_staff_cli import scenario as plan_scenario

WEEKLY = Path(__file__).resolve().parents[2] / "scenarios" / "weekly_joint.yaml"
#: scenarios/weekly_joint.yaml, searched with fewer replications and plans (seconds, not a minute)
LEAN = ("--set", "staffing.replications=3", "--set", "staffing.max_evaluations=10",
        "--set", "staffing.joint_evaluations=3")  # fmt: skip


@pytest.fixture(scope="module")
def joint_folder(tmp_path_factory):
    from click.testing import CliRunner

    from ccsim.cli import cli

    out = tmp_path_factory.mktemp("rostered") / "plan"
    args = ["staff", str(WEEKLY), *LEAN, "--out", str(out), "--no-figures", "-q",
            "--workers", "1"]  # fmt: skip
    r = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert r.exit_code in (0, 1), r.stderr
    return out


def _cells(part: str, name: str) -> list[str]:
    """The cells of the row whose first cell is ``name``."""
    for row in re.findall(r"<tr>(.*?)</tr>", part):
        cells = [visible_text(c).strip() for c in re.findall(r"<td>(.*?)</td>", row)]
        if cells and cells[0] == name:
            return cells
    raise AssertionError(f"no row {name!r} in {visible_text(part)}")


def test_joint_report_sets_the_joint_roster_beside_the_two_step_one(joint_folder):
    doc = json.loads((joint_folder / "summary.json").read_text())
    two, joint = doc["two_step_roster"], doc["rostered_plan"]
    part = section((joint_folder / "report.html").read_text(), "Rostered plan, simulated")
    assert "joint vs two-step" in part
    assert _cells(part, "paid hours") == [
        "paid hours",
        fmt_num(two["paid_hours"]),
        fmt_num(joint["paid_hours"]),
    ]
    saved = two["paid_hours"] - joint["paid_hours"]
    assert _cells(part, "paid hours saved by the joint method")[2] == (
        f"{fmt_num(saved)} ({saved / two['paid_hours']:.1%})"
    )
    for name, t in doc["targets"].items():
        cells = _cells(part, "service level" if name == "service_level" else "abandonment rate")
        for i, p in enumerate((two, joint)):
            tp = p["targets"][name]
            lo, hi = tp["ci95"]
            value = f"{fmt_kpi(t['kpi'], tp['value'])} ({fmt_kpi(t['kpi'], lo)} - {fmt_kpi(t['kpi'], hi)})"
            # the search's verdict at the stated confidence, as the document carries it
            assert tp["met_at_confidence"] == (name not in p["failures"])
            met = tp["met_at_confidence"]
            assert cells[2 + 2 * i : 4 + 2 * i] == [value, "met" if met else "MISSED"], cells
    assert two["confidence"] == joint["confidence"] == doc["confidence"] == 0.95
    verdicts = _cells(part, "every target held (95% confidence)")[1:]
    assert [v == "met" for v in verdicts] == [two["feasible"], joint["feasible"]]
    # the joint search step by step, its first step the two-step roster
    steps = doc["joint"]["history"]
    assert f"{doc['joint']['evaluations']} rostered plans simulated" in visible_text(part)
    assert _cells(part, steps[0]["step"])[1] == fmt_num(two["paid_hours"])


def test_joint_folder_has_the_rostered_plans_as_a_table(joint_folder):
    doc = json.loads((joint_folder / "summary.json").read_text())
    t = pd.read_csv(joint_folder / "rostered_plan.csv")
    assert list(dict.fromkeys(t["plan"])) == ["two-step roster", "joint roster"]
    for name, key in (("two-step roster", "two_step_roster"), ("joint roster", "rostered_plan")):
        p, rows = doc[key], t[t["plan"] == name]
        assert set(rows["paid_hours"]) == {p["paid_hours"]}
        kpis = rows[rows["kind"] == "kpi"].set_index("name")
        assert set(kpis.index) == set(p["kpis"])
        sl = p["kpis"]["service_level"]
        assert kpis.loc["service_level", "value"] == pytest.approx(sl["mean"])
        assert [kpis.loc["service_level", c] for c in ("ci95_low", "ci95_high")] == pytest.approx(
            sl["ci95"]
        )
        targets = rows[rows["kind"] == "target"].set_index("name")
        assert set(targets.index) == set(p["targets"])
        for tname, tp in p["targets"].items():
            assert targets.loc[tname, "value"] == pytest.approx(tp["value"])
            assert bool(targets.loc[tname, "met"]) == tp["met_at_confidence"]


def test_report_of_older_plan_folders(joint_folder, tmp_path, ccsim):
    old = tmp_path / "old"
    shutil.copytree(joint_folder, old)
    # a folder written before rostered_plan.csv: the section comes from summary.json
    (old / "rostered_plan.csv").unlink()
    r = ccsim("report", old, "--no-figures")
    assert r.code == 0, r.err
    assert "<h2>Rostered plan, simulated" in (old / "report.html").read_text()
    # the terminal view beside it, with the saving
    doc = json.loads((old / "summary.json").read_text())
    saved = doc["two_step_roster"]["paid_hours"] - doc["rostered_plan"]["paid_hours"]
    assert "two-step roster" in r.out and f"{saved:,.1f} paid hours saved" in r.out
    # and one written before the rostered plan was simulated at all: no section, no error
    for key in ("rostered_plan", "two_step_roster", "joint", "method"):
        doc.pop(key)
    (old / "summary.json").write_text(json.dumps(doc))
    r = ccsim("report", old, "--no-figures")
    assert r.code == 0, r.err
    page = (old / "report.html").read_text()
    assert "Rostered plan" not in page and "<h2>Roster</h2>" in page


def test_two_step_report_shows_the_rostered_plan_alone(ccsim, tmp_path):
    shifts = [{"id": "half", "starts": ["00:00", "00:30", "01:00", "01:30"], "length_h": 1.5}]
    out = tmp_path / "plan"
    sc = plan_scenario(tmp_path, shifts=shifts)
    r = ccsim("staff", sc, "--out", out, "--quiet", "--no-figures", "--workers", "1")
    assert r.code == 0, r.err
    doc = json.loads((out / "summary.json").read_text())
    p = doc["rostered_plan"]
    part = section((out / "report.html").read_text(), "Rostered plan, simulated")
    assert "joint" not in part and "two-step" not in part
    assert _cells(part, "paid hours") == ["paid hours", fmt_num(p["paid_hours"])]
    assert _cells(part, "agent-hours on the phones")[1] == fmt_num(p["agent_hours_on_phones"])
    assert len(_cells(part, "service level")) == 4  # target, rule, value (interval), met
    assert set(pd.read_csv(out / "rostered_plan.csv")["plan"]) == {"rostered plan"}
    # a plan without shift patterns has neither
    out2 = tmp_path / "plain"
    r = ccsim("staff", plan_scenario(tmp_path, name="plain"), "--out", out2, "-q", "--no-figures")
    assert r.code == 0, r.err
    assert not (out2 / "rostered_plan.csv").exists()
    assert "Rostered plan" not in (out2 / "report.html").read_text()


def test_rostered_section_escapes_once_and_skips_unsimulated_rosters():
    from ccsim.reporting.rostered import rostered_rows, rostered_section

    kpi = {"mean": 0.9, "ci95": [0.85, 0.95]}
    plan = {"paid_hours": 10.0, "agent_hours_on_phones": 9.0, "replications": 2,
            "feasible": True, "failures": [], "kpis": {"service_level": kpi}, "targets": {}}  # fmt: skip
    doc = {"rostered_plan": plan, "two_step_roster": {**plan, "paid_hours": 12.0},
           "joint": {"evaluations": 2, "wall_s": 1.0, "history": [
               {"step": "a < b & c", "paid_hours": 10.0, "feasible": True, "failures": []}]}}  # fmt: skip
    page = rostered_section(doc)
    assert "a &lt; b &amp; c" in page and "&amp;lt;" not in page
    assert "2.0 (16.7%)" in page  # 12 - 10 paid hours saved
    # a roster with no simulation (no group staffed by shifts) has neither section nor rows
    assert rostered_section({"rostered_plan": {"paid_hours": 0.0}}) == ""
    assert rostered_rows({"rostered_plan": {"paid_hours": 0.0}}) == []


def test_rostered_verdict_is_the_confidence_one_not_the_mean():
    from ccsim.reporting.rostered import rostered_rows, rostered_section

    def target(met, at_confidence):
        t = {"kpi": "service_level", "scope": "all", "rule": ">=", "target": 0.8,
             "value": 0.81, "ci95": [0.78, 0.84], "met": met}  # fmt: skip
        return t if at_confidence == "absent" else {**t, "met_at_confidence": at_confidence}

    def plan(t, failures=()):
        return {"paid_hours": 10.0, "agent_hours_on_phones": 9.0, "replications": 4,
                "feasible": not failures, "failures": list(failures), "confidence": 0.95,
                "kpis": {"service_level": {"mean": 0.81, "ci95": [0.78, 0.84]}},
                "targets": {"service_level": t}}  # fmt: skip

    cases = [
        (plan(target(True, False), ["service_level"]), "MISSED"),  # the mean alone meets it
        (plan(target(True, True)), "met"),
        (plan(target(True, None)), "met"),  # not enforced by the search: the mean
        (plan(target(False, None)), "MISSED"),
        (plan(target(True, "absent"), ["service_level"]), "MISSED"),  # an older folder
        (plan(target(True, "absent")), "met"),
    ]
    for p, verdict in cases:
        part = rostered_section({"rostered_plan": p, "confidence": 0.95})
        assert _cells(part, "service level")[3] == verdict, p
        rows = rostered_rows({"rostered_plan": p})
        assert rows[0]["met"] == (verdict == "met")
