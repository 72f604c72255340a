"""The HTML reports of run, staff and compare folders: what a duty manager reads first."""

import html as htmllib
import json
import re

import numpy as np
import pandas as pd
import pytest
import yaml

from tests.cli.test_run_cli import COMPACT
from tests.cli.test_staff_cli import scenario as plan_scenario

TWO_GROUPS = """\
name: two-desks
seed: 11
replications: 2
horizon: {duration_h: 3, interval_min: 30, start: "09:00"}
call_types:
  - id: bill
    arrivals: {rate_per_h: 120}
    handle_time: {dist: exponential, mean_s: 150}
    patience: {dist: exponential, mean_s: 90}
  - id: fault
    arrivals: {per_interval: [60, 60, 200, 200, 60, 60]}
    handle_time: {dist: exponential, mean_s: 200}
    patience: {dist: exponential, mean_s: 90}
centers:
  - id: main
    kind: provincial
    groups:
      - id: billing
        skills: [bill]
        agents: 8
      - id: faults
        skills: [fault]
        agents: [6, 6, 6, 6, 6, 0]
targets:
  service_level: {threshold_s: 20, target: 0.80, interval_target: 0.7}
  abandon_rate: 0.05
  asa_s: 20
"""

RAW_NAMES = ("asa_s", "abandon_rate", "service_level_interval", "max_occupancy", "_agents")


def visible_text(page: str) -> str:
    """The text a reader sees: tags, styles and embedded images left out."""
    body = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    body = re.sub(r'alt="[^"]*"', "", body)
    body = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", body)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", body))


def section(page: str, title: str) -> str:
    start = page.index(f"<h2>{title}")
    end = page.find("<h2>", start + 4)
    return page[start : end if end > 0 else None]


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    from click.testing import CliRunner

    from ccsim.cli import cli

    tmp = tmp_path_factory.mktemp("report")
    p = tmp / "two.yaml"
    p.write_text(TWO_GROUPS)
    out = tmp / "run"
    r = CliRunner().invoke(cli, ["run", str(p), "--out", str(out)], catch_exceptions=False)
    assert r.exit_code == 0, r.stderr
    return out


def test_run_report_headline_targets_alarms_by_clock_time(run_folder):
    page = (run_folder / "report.html").read_text()
    doc = json.loads((run_folder / "summary.json").read_text())
    met = sum(t["met"] for t in doc["targets"].values())
    assert f"{met} of {len(doc['targets'])} targets met" in page
    assert page.index("targets met") < page.index("<h2>Targets")  # the headline comes first
    alarms = visible_text(section(page, "Alarms"))
    # the fault desk has 0 agents in its last interval (11:30): a target broken there, by clock time
    assert "group faults 11:30-end" in alarms
    assert re.search(r"\b10:00-11:00\s*: service level \d+\.\d%", alarms), alarms
    assert "%" in alarms


def test_run_report_speaks_the_planners_language(run_folder):
    page = (run_folder / "report.html").read_text()
    text = visible_text(page)
    for raw in RAW_NAMES:
        assert raw not in text, raw
    assert (
        "ASA (s)" in text and "abandonment rate" in text and "service level, each interval" in text
    )
    # shares as percentages, FCR not shown where the scenario has no repeat calls
    assert re.search(r"service level \(20 s, offered\)\s+\d+\.\d%", text)
    assert "first-contact resolution" not in text
    # sections only for what the scenario uses: two groups and two call types, one tier and centre
    assert "<h2>Agent groups" in page and "<h2>Call types" in page
    assert "<h2>Customer tiers" not in page and "<h2>Centres" not in page
    assert "<h2>Outbound campaigns" not in page and "<h2>Work orders" not in page


def test_run_report_draws_the_per_interval_charts_and_heat_maps(run_folder):
    names = {p.name for p in (run_folder / "figures").iterdir()}
    assert {"service_level.png", "abandonment.png", "asa.png", "queue.png", "traffic.png",
            "agents.png", "occupancy_heat.png", "service_level_heat.png"} <= names  # fmt: skip
    page = (run_folder / "report.html").read_text()
    assert page.count("data:image/png;base64,") == len(names)


def test_no_occupancy_where_no_agent_is_staffed():
    from ccsim.reporting.figures import occupancy_shown

    agents = pd.DataFrame(
        {
            "staffed_agents": [6.0, 0.0, 0.0],
            "busy_agents": [3.0, 0.4, 0.0],
            "logged_in_agents": [6.0, 0.5, 0.0],
        }
    )
    occ = occupancy_shown(agents)
    assert occ[0] == 0.5 and np.isnan(occ[1]) and np.isnan(occ[2])


def test_report_rerenders_the_same_page(run_folder, ccsim):
    before = (run_folder / "report.html").read_text()
    r = ccsim("report", run_folder)
    assert r.code == 0, r.err
    assert (run_folder / "report.html").read_text() == before


def test_staff_folder_has_a_report_with_gaps_by_clock_time(ccsim, tmp_path):
    out = tmp_path / "plan"
    sc = plan_scenario(tmp_path, max_agents={"agents": 9})
    r = ccsim("staff", sc, "--out", out, "--quiet", "--strict")
    assert r.code == 1, r.err  # short: the best plan is still written, with its report
    page = (out / "report.html").read_text()
    text = visible_text(page)
    assert re.search(r"\d+ of \d+ targets met \(simulated plan\)", text)
    gaps = visible_text(section(page, "Gaps and shortfalls"))
    assert re.search(r"at \d\d:\d\d", gaps), gaps
    assert "<h2>Required vs staffed" in page and "plan_agents.png" in {
        p.name for p in (out / "figures").iterdir()
    }
    assert "The simulated plan's day: alarms" in page
    for raw in RAW_NAMES:
        assert raw not in text, raw
    # ccsim report re-renders it, and the terminal shows the plan
    (out / "report.html").unlink()
    r = ccsim("report", out)
    assert r.code == 0, r.err
    assert "staffing plan" in r.out and (out / "report.html").exists()


def test_report_of_a_staff_folder_without_the_day_tables(ccsim, tmp_path):
    out = tmp_path / "plan"
    assert ccsim("staff", plan_scenario(tmp_path), "--out", out, "-q", "--no-figures").code == 0
    for name in ("intervals.csv", "agents.csv", "intervals_detail.csv", "report.html"):
        (out / name).unlink()  # as ccsim staff wrote it before it drew a report
    r = ccsim("report", out, "--no-figures")
    assert r.code == 0, r.err
    page = (out / "report.html").read_text()
    assert "Required vs staffed" in page and "simulated plan's day" not in page
    (out / "plan.csv").write_text("nothing\n1\n")
    r = ccsim("report", out)
    assert r.code == 2 and "plan.csv: lacks columns interval, start, group" in r.err


def test_compare_out_writes_a_side_by_side_report(ccsim, tmp_path):
    a = tmp_path / "a.yaml"
    a.write_text(COMPACT)
    data = yaml.safe_load(COMPACT)
    data["name"] = "fewer-agents"
    data["centers"][0]["groups"][0]["agents"] = 9
    b = tmp_path / "b.yaml"
    b.write_text(yaml.safe_dump(data))
    out = tmp_path / "cmp"
    r = ccsim("compare", a, b, "-r", "2", "--out", out)
    assert r.code == 0, r.err
    # the terminal table: a met/missed column per design
    line = next(x for x in r.out.splitlines() if x.startswith("service level"))
    assert "met" in line and "MISSED" in line
    assert {"manifest.json", "summary.json", "intervals.csv", "agents.csv", "report.html"} <= {
        p.name for p in out.iterdir()
    }
    assert json.loads((out / "manifest.json").read_text())["kind"] == "comparison"
    iv = pd.read_csv(out / "intervals.csv")
    assert sorted(iv["design"].unique()) == [0, 1] and len(iv) == 2 * 16
    page = (out / "report.html").read_text()
    text = visible_text(page)
    assert "mmn-example: " in text and "fewer-agents: " in text and "targets met" in text
    side = section(page, "KPIs side by side")
    assert 'class="met"' in side and 'class="missed"' in side
    assert "Differences from the first design" in page
    per = visible_text(section(page, "Service level per interval"))
    assert re.search(r"[+-]\d+\.\d pt", per)
    r = ccsim("report", out)
    assert r.code == 0, r.err and "fewer-agents" in r.out
    # a foreign folder is refused before anything runs
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep")
    r = ccsim("compare", a, b, "-r", "1", "--out", foreign)
    assert r.code == 2 and "not a ccsim output folder" in r.err


def test_run_report_sets_agents_staffed_against_required(run_folder):
    page = (run_folder / "report.html").read_text()
    part = visible_text(section(page, "Agents staffed vs required"))
    # the fault desk's peak (200 calls an hour on 6 agents) and its empty last interval
    for at in ("10:00", "10:30", "11:30"):
        row = re.search(at + r"\s+(\S+) / (\d+)( ⚠)?\s+(\S+) / (\d+)( ⚠)?", part)
        assert row and row.group(6) == " ⚠", (at, part)
        assert float(row.group(4)) < int(row.group(5))
    row = re.search(r"09:00\s+8\.0 / (\d+)( ⚠)?\s+6\.0 / (\d+)( ⚠)?", part)
    assert row and row.group(4) is None  # 60 calls an hour: 6 agents are enough
