"""``--set PATH=VALUE``: what-ifs on run, staff and compare without copying the file."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MMN = ROOT / "scenarios" / "mmn.yaml"


def test_run_with_set_equals_the_changed_scenario(ccsim, tmp_path):
    import ccsim as api

    changed = api.load_scenario(MMN).replace({"centers.main.groups.agents.agents": 14, "seed": 3})
    (tmp_path / "changed.yaml").write_text(changed.to_yaml())
    a = ccsim("run", MMN, "-r", 3, "--no-output", "--json",
              "--set", "centers.main.groups.agents.agents=14", "--set", "seed=3").json()  # fmt: skip
    b = ccsim("run", tmp_path / "changed.yaml", "-r", 3, "--no-output", "--json").json()
    assert a["seed"] == 3
    assert a["kpis"] == b["kpis"]
    base = ccsim("run", MMN, "-r", 3, "--no-output", "--json", "--seed", 3).json()
    assert base["kpis"]["service_level"] != a["kpis"]["service_level"]  # 14 agents, not 12


def test_set_values_are_read_as_yaml(ccsim):
    doc = ccsim("run", MMN, "-r", 2, "--no-output", "--json",
                "--set", "call_types.general.arrivals={rate_per_h: 400}").json()  # fmt: skip
    base = ccsim("run", MMN, "-r", 2, "--no-output", "--json").json()
    # 400 calls an hour for 8 h against 252: far more than the noise of two replications
    assert doc["kpis"]["offered"]["mean"] > 1.3 * base["kpis"]["offered"]["mean"]


def test_bad_set_items_are_refused_with_exit_2(ccsim):
    r = ccsim("run", MMN, "--no-output", "--set", "nope", "--set", "=3")
    assert r.code == 2
    assert "--set: must be PATH=VALUE, got 'nope'" in r.err
    assert "--set: must be PATH=VALUE, got '=3'" in r.err
    r = ccsim("run", MMN, "--no-output", "--set", "centers.main.groups.agnts.agents=14")
    assert r.code == 2
    assert "centers.main.groups.agnts.agents: no such field or item (agnts), got 14" in r.err
    r = ccsim("staff", MMN, "--set", "horizon.duration_h=-1", "--json")
    assert r.code == 2 and r.json()["problems"][0]["path"] == "horizon.duration_h"
    assert "Traceback" not in r.err


def test_compare_applies_set_to_every_scenario(ccsim):
    doc = ccsim("compare", MMN, MMN, "-r", 2, "--json",
                "--set", "centers.main.groups.agents.agents=20").json()  # fmt: skip
    assert all(s["kpis"]["service_level"]["mean"] > 0.95 for s in doc["scenarios"])


def test_every_problem_of_the_options_the_set_items_and_the_files_at_once(ccsim, tmp_path):
    # were listed stage by stage: the options, then the --set syntax, then the values,
    # then the baseline, then the warm start
    sets = ("--set", "foo", "--set", "call_types.general.handle_time.mean_s=-1")
    r = ccsim("run", MMN, *sets, "--workers", 0, "--no-output")
    assert r.code == 2
    for text in (
        "--workers: must be >= 1, got 0",
        "--set: must be PATH=VALUE, got 'foo'",
        "handle_time.mean_s: must be >= 0, got -1",
    ):
        assert text in r.err, r.err
    missing = ("--warm-start", tmp_path / "none.json", "--baseline", tmp_path / "none2.json")
    for extra in ((), ("--scale", "volume=0")):
        r = ccsim("staff", MMN, *sets, *missing, *extra, "--quiet")
        assert r.code == 2
        for text in (
            "--set: must be PATH=VALUE, got 'foo'",
            "handle_time.mean_s: must be >= 0, got -1",
            "--baseline: file not found",
        ):
            assert text in r.err, r.err
    # a good scenario: the baseline's and the warm start's problems together
    r = ccsim("staff", MMN, *missing, "--quiet")
    assert r.code == 2
    assert "--baseline: file not found" in r.err and "--warm-start: file not found" in r.err
