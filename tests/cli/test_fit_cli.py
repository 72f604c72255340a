"""``ccsim fit LOG --map MAP``: the JSON contract, the output folder, the backtest and bad input."""

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from ccsim.cli import cli

MAP = """\
csv: {delimiter: ";"}
fields:
  arrival: {column: START, format: "%d/%m/%Y %H:%M:%S"}
  call_type: {column: SKILL, values: {1: query}}
  outcome: {column: RESULT, values: {AGENT: answered, HANG: abandoned}}
  wait_s: QUEUE_S
  talk_s: TALK_S
  group: GRP
  agent: {column: SERVER, missing: ["0"]}
"""
CALLS = 300


class Run:
    def __init__(self, result):
        self.code = result.exit_code
        self.out = result.stdout
        self.err = result.stderr

    def json(self):
        return json.loads(self.out)


@pytest.fixture
def ccsim():
    """Run the ``ccsim`` command line in-process; returns exit code, stdout, stderr."""
    runner = CliRunner()

    def invoke(*args):
        result = runner.invoke(
            cli, [str(a) for a in args], catch_exceptions=False, prog_name="ccsim"
        )
        return Run(result)

    return invoke


@pytest.fixture(scope="module")
def acd(tmp_path_factory):
    """A two-hour export: 300 calls of one type, 85% answered, one group, eight agents."""
    d = tmp_path_factory.mktemp("acd")
    rng = np.random.default_rng(11)
    arrival = np.sort(rng.uniform(0, 7200, CALLS))
    answered = rng.random(CALLS) < 0.85
    start = pd.Timestamp("2026-11-02 09:00")
    pd.DataFrame(
        {
            "START": (start + pd.to_timedelta(arrival, unit="s")).strftime("%d/%m/%Y %H:%M:%S"),
            "SKILL": 1,
            "RESULT": np.where(answered, "AGENT", "HANG"),
            "QUEUE_S": np.round(rng.exponential(25, CALLS), 1),
            "TALK_S": np.where(answered, np.round(rng.gamma(2.0, 90, CALLS), 1), np.nan),
            "GRP": np.where(answered, "front", ""),
            "SERVER": np.where(answered, rng.choice([f"A{i}" for i in range(8)], CALLS), "0"),
        }
    ).to_csv(d / "acd.csv", sep=";", index=False)
    (d / "map.yaml").write_text(MAP)
    return d / "acd.csv", d / "map.yaml"


def test_json_is_the_only_thing_on_stdout(ccsim, acd):
    log, m = acd
    r = ccsim("fit", log, "--map", m, "--no-output", "--json")
    assert r.code == 0, r.err
    doc = r.json()  # one document, nothing else
    assert {"arrivals", "talk", "patience", "staffing", "skipped", "scenario"} <= set(doc)
    assert doc["rows_read"] == CALLS and doc["skipped"] == []
    assert doc["scenario"] == "fitted-acd"
    assert [a["call_type"] for a in doc["arrivals"]] == ["query"]
    assert doc["arrivals"][0]["fresh_calls"] == CALLS
    assert doc["period"]["intervals"] == 4 and doc["period"]["start"] == "2026-11-02 09:00"
    assert "check" not in doc and "output_dir" not in doc


def test_out_writes_the_fitted_scenario_its_tables_and_figures(ccsim, acd, tmp_path):
    log, m = acd
    out = tmp_path / "fitted"
    r = ccsim("fit", log, "--map", m, "--out", out, "--name", "acd-fit", "--json")
    assert r.code == 0, r.err
    doc = r.json()
    assert doc["output_dir"] == str(out) and doc["scenario"] == "acd-fit"
    for f in ("scenario.yaml", "fit.json", "arrivals.csv", "durations.csv", "patience.csv"):
        assert (out / f).is_file(), f
    assert (out / "staffing.csv").is_file()
    assert list((out / "figures").iterdir())
    saved = json.loads((out / "fit.json").read_text())
    assert saved["scenario"] == "acd-fit" and saved["rows_read"] == CALLS
    assert pd.read_csv(out / "staffing.csv")["group"].unique().tolist() == ["front"]
    v = ccsim("validate", out / "scenario.yaml")
    assert v.code == 0, v.err + v.out
    assert "valid" in v.out


def test_no_figures_writes_no_figures(ccsim, acd, tmp_path):
    log, m = acd
    out = tmp_path / "fitted"
    r = ccsim("fit", log, "--map", m, "--out", out, "--no-figures")
    assert r.code == 0, r.err
    assert (out / "scenario.yaml").is_file() and not (out / "figures").exists()


def test_check_adds_the_backtest(ccsim, acd, tmp_path):
    log, m = acd
    out = tmp_path / "fitted"
    r = ccsim("fit", log, "--map", m, "--check", "-r", "3", "--out", out, "--no-figures", "--json")
    assert r.code == 0, r.err
    check = r.json()["check"]
    assert check["replications"] == 3
    assert {"offered", "service_level", "abandon_rate"} <= set(check["summary"])
    assert check["summary"]["offered"]["intervals"] == 4
    rows = check["table"]
    assert {"interval", "kpi", "observed", "simulated", "within"} <= set(rows[0])
    offered = {row["clock"]: row["observed"] for row in rows if row["kpi"] == "offered"}
    assert list(offered) == ["09:00", "09:30", "10:00", "10:30", "whole period"]
    assert offered.pop("whole period") == CALLS == sum(offered.values())
    assert (out / "backtest.csv").is_file()


def test_a_bad_log_lists_every_problem_and_writes_nothing(ccsim, acd, tmp_path):
    _, m = acd
    log = tmp_path / "bad.csv"
    log.write_text(
        "START;SKILL;RESULT;QUEUE_S;TALK_S;GRP;SERVER\n"
        "02/11/2026 09:00:00;1;AGENT;3;60;front;A1\n"
        "2026-11-02 09:01:00;1;AGENT;3;60;front;A1\n"
        "02/11/2026 09:02:00;1;LOST;3;60;front;A1\n"
        "02/11/2026 09:03:00;1;AGENT;-3;60;front;A1\n"
    )
    out = tmp_path / "fitted"
    r = ccsim("fit", log, "--map", m, "--out", out, "--no-figures")
    assert r.code == 2
    assert r.out == ""
    assert r.err.startswith(f"ccsim: error: {log}: 3 problems\n")
    assert "line 3, arrival (column START): is not a time in the format" in r.err
    assert "line 4, outcome (column RESULT): is not one of answered, " in r.err
    assert "line 5, wait_s (column QUEUE_S): is negative, got -3" in r.err
    assert "Traceback" not in r.err
    assert not out.exists()


def test_a_bad_log_under_json_is_a_json_document_of_problems(ccsim, acd, tmp_path):
    _, m = acd
    log = tmp_path / "bad.csv"
    log.write_text(
        "START;SKILL;RESULT;QUEUE_S;TALK_S;GRP;SERVER\n02/11/2026 09:00:00;1;SERVED;3;60;front;A1\n"
    )
    r = ccsim("fit", log, "--map", m, "--no-output", "--json")
    assert r.code == 2
    doc = r.json()
    assert doc["error"] == "bad input" and doc["file"] == str(log)
    assert "Traceback" not in r.err and "line 2, outcome (column RESULT)" in r.err
    assert doc["problems"] == [
        {
            "path": "line 2, outcome (column RESULT)",
            "rule": "is not one of answered, abandoned, blocked, ivr, ignore",
            "value": "SERVED",
        }
    ]


def test_a_bad_map_is_exit_2(ccsim, acd, tmp_path):
    log, _ = acd
    m = tmp_path / "map.yaml"
    m.write_text(MAP.replace("TALK_S", "TALK_MS"))
    out = tmp_path / "fitted"
    r = ccsim("fit", log, "--map", m, "--out", out)
    assert r.code == 2
    assert "fields.talk_s: names a column the log does not have (did you mean 'TALK_S'?)" in r.err
    assert "Traceback" not in r.err and not out.exists()


def test_interval_that_does_not_divide_a_day(ccsim, acd, tmp_path):
    log, m = acd
    out = tmp_path / "fitted"
    r = ccsim("fit", log, "--map", m, "--interval-min", "7", "--out", out)
    assert r.code == 2
    assert (
        r.err
        == "ccsim: error: --interval-min: must divide a day (5, 10, 15, 30, 60, ...), got 7.0\n"
    )
    assert not out.exists()
