"""Lines and queue capacity on the command line: run and staff --json, bad input."""

import pytest
import yaml

from ccsim.analytics import erlang_b, required_lines
from tests.cli.test_run_cli import SCEN
from tests.cli.test_staff_cli import scenario


def test_run_json_has_blocked_calls_and_lines(ccsim):
    r = ccsim("run", SCEN / "lines_and_queue_limits.yaml", "--json", "-r", "2", "--no-output")
    assert r.code == 0, r.err
    doc = r.json()
    k = doc["kpis"]
    for key in ("blocked", "blocked_rate", "lines_blocked", "line_blocking", "queue_full",
                "queue_full_rate", "lines_busy", "max_lines"):  # fmt: skip
        assert {"mean", "ci95"} == set(k[key]), key
    assert 0 < k["lines_busy"]["mean"] <= k["max_lines"]["mean"] <= 36
    assert doc["capacity"] == {
        "lines": {"hotline": 36, "centers": {"main": None}},
        "queue_capacity": {"complaint": 3},
    }
    assert doc["centers"]["main"]["lines_busy"]["mean"] == pytest.approx(k["lines_busy"]["mean"])
    assert "queue_full_rate" in doc["call_types"]["complaint"]
    assert doc["targets"]["blocked_rate"]["rule"] == "<="
    # blocked = no line + queue full (no IVR ports here), of every call
    assert k["blocked"]["mean"] == pytest.approx(
        k["lines_blocked"]["mean"] + k["queue_full"]["mean"]
    )


def test_run_without_limits_has_no_capacity_block(ccsim):
    r = ccsim("run", SCEN / "mmn.yaml", "--json", "-r", "2", "--no-output")
    doc = r.json()
    assert "capacity" not in doc and "lines_busy" not in doc["kpis"]
    assert doc["kpis"]["line_blocking"]["mean"] == 0


def test_staff_checks_the_lines_by_erlang_b(ccsim, tmp_path):
    p = scenario(tmp_path, name="lines")
    data = yaml.safe_load(p.read_text())
    data["lines"] = 14
    data["targets"]["blocked_rate"] = 0.02
    p.write_text(yaml.safe_dump(data))
    r = ccsim("staff", p, "--json", "--quiet")
    assert r.code == 0, r.err
    (ln,) = r.json()["lines"]
    assert ln["scope"] == "hotline" and ln["lines"] == 14
    a = ln["offered_erlangs"]
    assert a > 0
    assert ln["erlang_b_blocking"] == pytest.approx(float(erlang_b(14, a)))
    assert ln["required_lines"] == required_lines(a, 0.02)
    assert 0 <= ln["simulated_blocking"] <= 1


def test_bad_lines_are_bad_input(ccsim, tmp_path):
    p = scenario(tmp_path, name="bad")
    data = yaml.safe_load(p.read_text())
    data["lines"] = -2
    data["call_types"][0]["queue_capacity"] = "ten"
    p.write_text(yaml.safe_dump(data))
    r = ccsim("validate", p)
    assert r.code == 2
    found = r.err.splitlines()
    assert any(x.strip().startswith("lines (line") and "must be >= 0, got -2" in x for x in found)
    assert any("call_types[0].queue_capacity" in x and "must be a whole number" in x for x in found)
