import json
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCEN = ROOT / "scenarios"

COMPACT = """\
name: mmn-example
seed: 7
replications: 100
horizon: {duration_h: 8, interval_min: 30}
call_types:
  - id: general
    arrivals: {rate_per_h: 252}             # or per_interval: [...] rates per hour
    handle_time: {dist: exponential, mean_s: 120}
    patience: {dist: exponential, mean_s: 60}   # omit for callers who never hang up
centers:
  - id: main
    kind: provincial
    groups:
      - id: agents
        skills: [general]                    # order = which queue a free agent serves first
        agents: 12                           # or per_interval: [...]
targets:
  service_level: {threshold_s: 20, target: 0.80}
  abandon_rate: 0.05
"""

KPI_KEYS = {
    "offered",
    "answered",
    "abandoned",
    "service_level",
    "answer_rate",
    "abandon_rate",
    "asa_s",
    "occupancy",
}


@pytest.fixture
def compact(tmp_path):
    p = tmp_path / "compact.yaml"
    p.write_text(COMPACT)
    return p


def test_compact_form_runs_as_written_with_the_json_contract(ccsim, compact, tmp_path):
    r = ccsim(
        "run", compact, "--replications", "5", "--seed", "3", "--out", tmp_path / "out", "--json"
    )
    assert r.code == 0, r.err
    doc = r.json()
    assert doc["scenario"] == "mmn-example"
    assert doc["seed"] == 3 and doc["replications"] == 5
    for k in KPI_KEYS:
        v = doc["kpis"][k]
        assert set(v) == {"mean", "ci95"} and len(v["ci95"]) == 2
        assert v["ci95"][0] <= v["mean"] <= v["ci95"][1]
    assert set(doc["call_types"]) == {"general"}
    assert set(doc["groups"]) == {"agents"}
    assert KPI_KEYS <= set(doc["call_types"]["general"])
    assert KPI_KEYS <= set(doc["groups"]["agents"])
    assert doc["targets"]["service_level"]["met"] in (True, False)
    assert doc["targets"]["service_level"]["target"] == 0.8
    assert doc["targets"]["abandon_rate"]["rule"] == "<="
    assert 0.85 < doc["kpis"]["service_level"]["mean"] < 1.0
    # an 8-hour day: the daily summary is the whole period
    assert [(d["day"], d["label"]) for d in doc["days"]] == [(1, "day 1 (mon)")]
    assert doc["days"][0]["kpis"]["offered"] == doc["kpis"]["offered"]


def test_json_stdout_is_only_json(ccsim, compact, tmp_path):
    r = ccsim("run", compact, "-r", "2", "--no-output", "--json")
    json.loads(r.out)  # nothing else on stdout


def test_same_seed_same_numbers(ccsim, compact):
    a = ccsim("run", compact, "-r", "3", "--no-output", "--json").json()
    b = ccsim("run", compact, "-r", "3", "--no-output", "--json").json()
    for d in (a, b):
        d.pop("wall_s")
    assert a == b
    c = ccsim("run", compact, "-r", "3", "--seed", "99", "--no-output", "--json").json()
    assert c["kpis"]["answered"] != a["kpis"]["answered"]


def test_output_folder_contents(ccsim, compact, tmp_path):
    out = tmp_path / "run1"
    r = ccsim("run", compact, "-r", "3", "--out", out, "--calls")
    assert r.code == 0, r.err
    names = {p.name for p in out.iterdir()}
    assert {"manifest.json", "summary.json", "scenario.yaml", "kpis.csv", "days.csv", "intervals.csv",
            "intervals_detail.csv", "agents.csv", "calls.csv.gz", "report.html", "figures"} <= names  # fmt: skip
    man = json.loads((out / "manifest.json").read_text())
    assert man["seed"] == 7 and man["replications"] == 3 and len(man["scenario_hash"]) == 64
    assert {p.name for p in (out / "figures").iterdir()} >= {
        "service_level.png",
        "traffic.png",
        "agents.png",
    }
    html = (out / "report.html").read_text()
    assert "data:image/png;base64," in html and "mmn-example" in html
    # the scenario written back loads to the same scenario
    again = ccsim("validate", out / "scenario.yaml")
    assert again.code == 0
    # no temporary folders left beside it
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_report_rerenders_without_rerunning(ccsim, compact, tmp_path):
    out = tmp_path / "run"
    ccsim("run", compact, "-r", "2", "--out", out)
    (out / "report.html").unlink()
    r = ccsim("report", out)
    assert r.code == 0 and (out / "report.html").exists()
    assert (
        json.loads(ccsim("report", out, "--json", "--no-figures").out)["scenario"] == "mmn-example"
    )
    bad = ccsim("report", tmp_path)
    assert bad.code == 2 and "is not a ccsim output folder" in bad.err


def test_report_of_a_damaged_folder_lists_every_problem_and_changes_nothing(
    ccsim, compact, tmp_path
):
    out = tmp_path / "run"
    ccsim("run", compact, "-r", "1", "--out", out)
    before = {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    summary = json.loads((out / "summary.json").read_text())
    del summary["kpis"]
    (out / "summary.json").write_text(json.dumps(summary))
    (out / "intervals.csv").write_text("nothing,useful\n1,2\n")
    (out / "agents.csv").write_bytes(b"")
    r = ccsim("report", out)
    assert r.code == 2 and "Traceback" not in r.err
    assert "summary.json: lacks keys kpis" in r.err
    assert "intervals.csv: lacks columns start, answered" in r.err
    assert "agents.csv: cannot be read as CSV" in r.err
    # report.html and the figures are untouched, and no temporary folder is left
    assert (out / "report.html").read_bytes() == before["report.html"]
    assert (out / "figures" / "agents.png").read_bytes() == before["agents.png"]
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    summary["kpis"] = {}
    summary["horizon"] = "x"
    (out / "summary.json").write_text(json.dumps(summary))
    r = ccsim("report", out)
    assert r.code == 2 and "horizon, service_level_definition, kpis must each be" in r.err
    # files that pass the checks but that the terminal view cannot show: refused first
    for name in ("intervals.csv", "agents.csv"):
        (out / name).write_bytes(before[name])
    summary = json.loads(before["summary.json"])
    summary["days"] = [{"day": 1}, {"day": 2}]
    (out / "summary.json").write_text(json.dumps(summary))
    r = ccsim("report", out)
    assert r.code == 2 and "summary.json: holds values ccsim cannot print" in r.err
    assert r.out == ""
    assert (out / "report.html").read_bytes() == before["report.html"]
    # ... and values drawing cannot use, under --json too
    summary = json.loads(before["summary.json"])
    summary["targets"] = [1]
    (out / "summary.json").write_text(json.dumps(summary))
    r = ccsim("report", out, "--json")
    assert r.code == 2 and "holds files ccsim cannot draw a report from" in r.err
    assert r.json()["error"] == "bad input"
    assert (out / "report.html").read_bytes() == before["report.html"]
    (out / "manifest.json").write_text("{not json")
    r = ccsim("report", out)
    assert r.code == 2 and "manifest.json: cannot be read as JSON" in r.err


def test_out_refuses_a_foreign_folder(ccsim, compact, tmp_path):
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    r = ccsim("run", compact, "-r", "1", "--out", foreign)
    assert r.code == 2 and "not a ccsim output folder" in r.err
    assert (foreign / "notes.txt").read_text() == "keep me"


def test_rerun_replaces_a_previous_run_folder(ccsim, compact, tmp_path):
    out = tmp_path / "run"
    assert ccsim("run", compact, "-r", "1", "--out", out).code == 0
    assert ccsim("run", compact, "-r", "2", "--out", out).code == 0
    assert json.loads((out / "manifest.json").read_text())["replications"] == 2


def test_failure_leaves_no_half_written_folder(ccsim, compact, tmp_path, monkeypatch):
    import ccsim.reporting.html as html

    def broken(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(html, "render_report", broken)
    out = tmp_path / "run"
    r = ccsim("run", compact, "-r", "1", "--out", out)
    assert r.code == 3 and "internal error" in r.err and "Traceback" not in r.err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [compact]


def test_bad_scenario_exit_2_all_problems_no_output(ccsim, tmp_path):
    data = yaml.safe_load(COMPACT)
    data["seed"] = -1
    data["call_types"][0]["handle_time"]["mean_s"] = -3
    data["centers"][0]["groups"][0]["skills"] = ["nope"]
    p = tmp_path / "bad.yaml"
    p.write_text(yaml.safe_dump(data))
    out = tmp_path / "out"
    r = ccsim("run", p, "--out", out)
    assert r.code == 2
    assert "Traceback" not in r.err
    assert "seed (line" in r.err and "handle_time" in r.err and "skills[0]" in r.err
    assert not out.exists()
    v = ccsim("validate", p, "--json")
    assert v.code == 2
    doc = json.loads(v.out)
    assert doc["valid"] is False and len(doc["problems"]) >= 3
    # under --json, every command's one document on stdout says what was wrong
    for cmd in ("run", "staff"):
        j = ccsim(cmd, p, "--json")
        assert j.code == 2 and "Traceback" not in j.err
        doc = json.loads(j.out)
        assert doc["error"] == "bad input" and doc["file"] == str(p)
        assert {"path", "rule", "value"} <= set(doc["problems"][0])
        assert all("(line" not in q["path"] for q in doc["problems"])
        assert any(isinstance(q.get("line"), int) for q in doc["problems"])
        assert any(q["path"].startswith("seed") and q["value"] == -1 for q in doc["problems"])
    j = ccsim("run", p, "--json", "--no-such-option")
    assert j.code == 2 and json.loads(j.out)["error"] == "bad input"


def test_strict_exit_code(ccsim, compact, tmp_path):
    data = yaml.safe_load(COMPACT)
    data["targets"]["service_level"]["target"] = 0.999
    p = tmp_path / "hard.yaml"
    p.write_text(yaml.safe_dump(data))
    assert ccsim("run", p, "-r", "2", "--no-output").code == 0
    r = ccsim("run", p, "-r", "2", "--no-output", "--strict")
    assert r.code == 1


@pytest.mark.parametrize(
    ("args", "rule"),
    [
        (("-r", "0"), "must be >= 1"),
        (("-r", "100001"), "must be <= 100,000"),
        (("--seed", "-1"), "must be >= 0"),
        (("--workers", "0"), "must be >= 1"),
    ],
)
def test_bad_options(ccsim, compact, args, rule):
    r = ccsim("run", compact, *args, "--no-output")
    assert r.code == 2 and rule in r.err


def test_a_target_without_calls_to_measure_is_shown_missed(ccsim, tmp_path):
    data = yaml.safe_load(COMPACT)
    data["call_types"][0]["arrivals"] = {"rate_per_h": 0}
    p = tmp_path / "quiet.yaml"
    p.write_text(yaml.safe_dump(data))
    r = ccsim("run", p, "-r", "2", "--no-output", "--strict")
    assert r.code == 1
    row = next(line for line in r.out.splitlines() if line.startswith("service level"))
    assert "no calls" in row and "MISSED" in row
    doc = ccsim("run", p, "-r", "2", "--no-output", "--json").json()
    assert doc["targets"]["service_level"]["met"] is False
    assert doc["targets"]["service_level"]["value"] is None


def test_validate_and_schema(ccsim, compact, tmp_path):
    r = ccsim("validate", compact)
    assert r.code == 0 and "valid" in r.out
    doc = ccsim("validate", compact, "--json").json()
    assert doc["valid"] is True and doc["call_types"] == 1
    schema = json.loads(ccsim("schema").out)
    assert schema["title"] == "ccsim scenario"
    assert {"call_types", "centers", "horizon", "targets"} <= set(schema["properties"])
    assert schema["additionalProperties"] is False
    missing = ccsim("validate", tmp_path / "nope.yaml")
    assert missing.code == 2 and "file not found" in missing.err


def test_overloaded_scenario_is_simulated_not_refused(ccsim, tmp_path):
    data = yaml.safe_load(COMPACT)
    data["centers"][0]["groups"][0]["agents"] = 3  # 8.4 Erlangs on 3 agents
    p = tmp_path / "over.yaml"
    p.write_text(yaml.safe_dump(data))
    doc = ccsim("run", p, "-r", "2", "--no-output", "--json").json()
    assert doc["kpis"]["abandon_rate"]["mean"] > 0.5
    assert doc["targets"]["service_level"]["met"] is False


def test_campaigns_in_the_json(ccsim, tmp_path):
    data = yaml.safe_load(COMPACT)
    data["horizon"] = {"duration_h": 4, "interval_min": 30}
    data["centers"][0]["groups"].append({"id": "out", "skills": [], "agents": 4})
    data["campaigns"] = [
        {
            "id": "care",
            "list": {"daily_size": 300, "release": "00:00"},
            "windows": ["01:00-03:00"],
            "retry_after": {"dist": "exponential", "mean_s": 1800},
            "contact_prob": 0.5,
            "success_prob": 0.3,
            "ring_time": {"dist": "constant", "mean_s": 20},
            "talk_time": {"dist": "exponential", "mean_s": 90},
            "groups": ["out", "agents"],
        }
    ]
    p = tmp_path / "camp.yaml"
    p.write_text(yaml.safe_dump(data))
    doc = ccsim("run", p, "-r", "3", "--no-output", "--json").json()
    care = doc["campaigns"]["care"]
    for k in ("attempts", "contacts", "successes", "abandons"):
        assert set(care[k]) == {"mean", "ci95"}
    assert care["attempts"]["mean"] >= care["contacts"]["mean"] > care["successes"]["mean"] > 0
    assert care["abandons"]["mean"] == 0  # progressive dialling never abandons
    r = ccsim("run", p, "-r", "2", "--out", tmp_path / "o")
    assert (tmp_path / "o" / "campaigns.csv").exists() and "care" in r.out


def test_unwritable_outputs_are_refused_before_any_work(ccsim, compact, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    day = tmp_path / "day.csv"
    day.write_text("interval,calls,aht_s\n08:00,100,180\n")
    cases = [
        (("run", compact, "-r", "1", "--out", blocker / "run"), "--out: cannot be created"),
        (
            ("erlang", "--intervals", day, "--sl-target", "0.8", "--out", blocker / "p.csv"),
            "--out: cannot be created",
        ),
        (("schema", "--out", blocker / "s.json"), "--out: cannot be created"),
        (
            ("staff", compact, "--baseline", blocker / "b.json", "--write-baseline"),
            "--baseline: cannot be created",
        ),
        (("staff", compact, "--out", blocker / "plan"), "--out: cannot be created"),
    ]
    for args, message in cases:
        r = ccsim(*args)
        assert r.code == 2, args
        assert message in r.err and str(blocker) in r.err and "Traceback" not in r.err, r.err
    r = ccsim("erlang", "--intervals", day, "--sl-target", "0.8", "--out", tmp_path)
    assert r.code == 2 and "is a directory" in r.err
    assert blocker.read_text() == "not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "compact.yaml", "day.csv"]
