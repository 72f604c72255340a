"""Messages that help find and fix a scenario: ids for list positions, close names, percentages."""

import pytest

BAD = """\
name: x
seed: 1
horizon: {duration_h: 8, interval_min: 30}
call_types:
  - id: general
    arrivals: {rate_per_h: 100}
    handle_time: {dist: exponential, mean_s: 120}
  - id: billing
    arrivals: {rate_per_h: 100}
    handle_time: {dist: exponential, mean_s: -5}
centers:
  - id: main
    kind: provincial
    groups:
      - id: agents
        skills: [general, billing]
        agents: 10
routing:
  rules:
    - call_types: [billing]
      groups: [agnets]
targets:
  service_level: {threshold_s: 20, target: 80}
  abandon_rate: 5
"""


@pytest.fixture
def bad(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text(BAD, encoding="utf-8")
    return p


def test_human_messages(ccsim, bad):
    r = ccsim("validate", bad)
    assert r.code == 2
    assert (
        "call_types[1].handle_time.mean_s (line 10): must be >= 0, got -5 "
        "(at call_types.billing.handle_time.mean_s)"
    ) in r.err
    assert (
        "routing.rules[0].groups[0] (line 21): names no group (use a group id, 'centre/group' or "
        "'home/group') (did you mean 'agents'?), got 'agnets'"
    ) in r.err
    assert (
        "targets.service_level.target (line 23): must be <= 1 (shares are fractions: if you meant 80 %, write 0.8), got 80"
    ) in r.err
    assert (
        "targets.abandon_rate (line 24): must be <= 1 (shares are fractions: if you meant 5 %, write 0.05), got 5"
        in (r.err)
    )


def test_json_problems_carry_line_and_id_path(ccsim, bad):
    r = ccsim("validate", bad, "--json")
    assert r.code == 2
    found = {q["path"]: q for q in r.json()["problems"]}
    assert found["call_types[1].handle_time.mean_s"] == {
        "path": "call_types[1].handle_time.mean_s",
        "rule": "must be >= 0",
        "value": -5,
        "line": 10,
        "at": "call_types.billing.handle_time.mean_s",
    }
    assert found["targets.abandon_rate"]["line"] == 24
    assert "at" not in found["targets.abandon_rate"]
    assert found["routing.rules[0].groups[0]"]["rule"].endswith("(did you mean 'agents'?)")


def test_the_id_path_is_what_set_takes(ccsim, bad, tmp_path):
    at = ccsim("validate", bad, "--json").json()["problems"][0]["at"]
    fixed = tmp_path / "fixed.yaml"
    fixed.write_text(
        BAD.replace("[agnets]", "[agents]")
        .replace("mean_s: -5", "mean_s: 100")
        .replace("80}", "0.8}")
        .replace(": 5\n", ": 0.05\n"),
        encoding="utf-8",
    )
    r = ccsim("run", fixed, "-r", "1", "--no-output", "--set", f"{at}=120", "--json")
    assert r.code == 0, r.err


def test_shares_given_as_percentages(ccsim, tmp_path):
    p = tmp_path / "shares.yaml"
    p.write_text(
        BAD.replace("[agnets]", "[agents]")
        .replace("mean_s: -5", "mean_s: 100")
        .replace("80}", "0.8}")
        .replace(": 5\n", ": 0.05\n")
        + "networks:\n  - {id: a, share: 60}\n  - {id: b, share: 40}\n",
        encoding="utf-8",
    )
    r = ccsim("validate", p)
    assert r.code == 2
    assert (
        "networks[0].share (line 26): must be <= 1 (shares are fractions: if you meant 60 %, write 0.6), got 60 "
        "(at networks.a.share)"
    ) in r.err
    assert "must sum to 1 (shares are fractions: write 0.22 for 22 %), got 100.0" in r.err
