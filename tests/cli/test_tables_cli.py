"""CSV tables on the command line: bad tables refused whole, and staff's plan written back as a table."""

import csv

import yaml

from tests.cli.test_run_cli import COMPACT


def scenario(tmp_path, agents=True):
    data = yaml.safe_load(COMPACT)
    data["name"] = "tables"
    data["horizon"] = {"duration_h": 2, "interval_min": 30, "start": "08:00"}
    data["call_types"][0]["arrivals"] = {"csv": "in/forecast.csv"}
    group = data["centers"][0]["groups"][0]
    if agents:
        group["agents"] = {"csv": "in/agents.csv"}
    else:
        del group["agents"]
    data["staffing"] = {"replications": 4, "max_evaluations": 12}
    (tmp_path / "in").mkdir(exist_ok=True)
    (tmp_path / "in" / "forecast.csv").write_text(
        "interval_start,calls_per_interval\n08:00,60\n08:30,110\n09:00,140\n09:30,90\n"
    )
    (tmp_path / "in" / "agents.csv").write_text(
        "interval_start,group,agents\n08:00,agents,6\n08:30,agents,9\n09:00,agents,11\n09:30,agents,8\n"
    )
    p = tmp_path / "s.yaml"
    p.write_text(yaml.safe_dump(data, sort_keys=False))
    return p


def test_a_bad_table_exits_2_with_every_problem_and_writes_nothing(ccsim, tmp_path):
    path = scenario(tmp_path)
    (tmp_path / "in" / "forecast.csv").write_text(
        "interval_start;calls_per_interval\r\n08:00;-5\r\n08:10;3\r\n09:00;x\r\n09:30;4\r\n"
    )
    out = tmp_path / "out"
    r = ccsim("run", path, "--out", out, "-r", "2")
    assert r.code == 2
    assert "Traceback" not in r.err and not out.exists()
    f = tmp_path / "in" / "forecast.csv"
    for text in (
        f"{f} row 2, column B (calls_per_interval): must be >= 0, got -5.0",
        f"{f} row 3, column A (interval_start): is not on the scenario's grid",
        f"{f} row 4, column B (calls_per_interval): must be a number, got 'x'",
        f"{f}: call type 'general' has no row for 1 interval(s) of the period: 08:30",
    ):
        assert text in r.err, r.err
    r = ccsim("validate", path, "--json")
    assert r.code == 2 and len(r.json()["problems"]) == 4


def test_staff_writes_the_plan_as_a_table_the_staffed_scenario_reads(ccsim, tmp_path):
    path = scenario(tmp_path)
    before = {p.name: p.read_bytes() for p in (tmp_path / "in").iterdir()}
    given = path.read_bytes()
    out = tmp_path / "plan"
    r = ccsim("staff", path, "--out", out, "--json", "--quiet", "--no-figures")
    assert r.code == 0, r.err
    doc = r.json()
    rows = list(csv.DictReader((out / "agents.csv").open()))
    assert list(rows[0]) == ["interval_start", "group", "agents"]
    assert [(x["interval_start"], x["group"], int(x["agents"])) for x in rows] == [
        (t, "agents", p["sim_agents"])
        for t, p in zip(["08:00", "08:30", "09:00", "09:30"], doc["plan"], strict=True)
    ]
    staffed = yaml.safe_load((out / "scenario_staffed.yaml").read_text())
    assert staffed["centers"][0]["groups"][0]["agents"] == {"csv": "agents.csv"}
    assert staffed["call_types"][0]["arrivals"] == {"csv": "../in/forecast.csv"}
    # the user's files are as they were
    assert {p.name: p.read_bytes() for p in (tmp_path / "in").iterdir()} == before
    assert path.read_bytes() == given
    # re-running the written scenario gives the staffed KPIs
    r = ccsim(
        "run", out / "scenario_staffed.yaml", "-r", doc["replications"], "--seed", doc["seed"],
        "--json", "--no-output",
    )  # fmt: skip
    assert r.code == 0, r.err
    assert r.json()["kpis"] == doc["kpis"]
    # and the report of the plan folder still shows the simulated day
    assert "simulated plan's day" in (out / "report.html").read_text()
    # as does a plan folder of the earlier layout (agents.csv: the simulated day's table)
    (out / "agents_simulated.csv").replace(out / "agents.csv")
    (out / "report.html").unlink()
    assert ccsim("report", out, "--no-figures").code == 0
    assert "simulated plan's day" in (out / "report.html").read_text()


def test_staff_needs_no_agents_but_run_does(ccsim, tmp_path):
    path = scenario(tmp_path, agents=False)
    r = ccsim("run", path, "--no-output", "-r", "2")
    assert r.code == 2 and "Traceback" not in r.err
    assert "centers[0].groups[0].agents" in r.err
    assert "is required to simulate" in r.err and "only ccsim staff" in r.err
    out = tmp_path / "plan"
    r = ccsim("staff", path, "--out", out, "--quiet", "--no-figures")
    assert r.code == 0, r.err
    # no table was read for the agents: the staffed scenario lists them, agents.csv has them too
    staffed = yaml.safe_load((out / "scenario_staffed.yaml").read_text())
    assert set(staffed["centers"][0]["groups"][0]["agents"]) == {"per_interval"}
    assert (out / "agents.csv").read_text().startswith("interval_start,group,agents\n08:00,agents,")
    assert ccsim("run", out / "scenario_staffed.yaml", "-r", "2", "--no-output").code == 0
