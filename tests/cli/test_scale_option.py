"""``--scale volume=1.1,aht=1.05``: demand and handling times scaled on run, staff and compare."""

from pathlib import Path

import pytest
import yaml

from tests.cli.test_run_cli import COMPACT
from tests.cli.test_staff_cli import scenario as plan_scenario

ROOT = Path(__file__).resolve().parents[2]
MMN = ROOT / "scenarios" / "mmn.yaml"


def test_run_with_scale_equals_the_scaled_scenario(ccsim, tmp_path):
    import ccsim as api

    scaled = api.load_scenario(MMN).replace(
        {
            "call_types.general.arrivals.rate_per_h": 252 * 1.1,
            "call_types.general.handle_time.mean_s": 120 * 1.05,
        }
    )
    (tmp_path / "scaled.yaml").write_text(scaled.to_yaml())
    a = ccsim("run", MMN, "-r", 2, "--no-output", "--json", "--scale", "volume=1.1,aht=1.05")
    assert a.code == 0, a.err
    b = ccsim("run", tmp_path / "scaled.yaml", "-r", 2, "--no-output", "--json").json()
    assert a.json()["kpis"] == b["kpis"]
    assert a.json()["scale"] == {"volume": 1.1, "aht": 1.05}
    # repeated --scale items add up; the run folder keeps the scenario as it ran
    out = tmp_path / "run"
    r = ccsim(
        "run",
        MMN,
        "-r",
        1,
        "--out",
        out,
        "--no-figures",
        "--scale",
        "volume=1.1",
        "--scale",
        "aht=1.05",
    )
    assert r.code == 0, r.err
    ran = api.load_scenario(out / "scenario.yaml")
    assert ran.call_types[0].arrivals.rate_per_h == pytest.approx(277.2)
    assert ran.call_types[0].handle_time.mean_s == pytest.approx(126.0)


def test_scale_changes_every_rate_and_handling_time():
    from ccsim.scenario.scale import scale_changes

    data = {
        "demand": {"daily_volume": 1000, "profile": [1, 2]},
        "call_types": [
            {"id": "a", "arrivals": {"share": 0.5},
             "handle_time": {"dist": "lognormal", "mean_s": 100, "cv": 1},
             "wrap_time": {"dist": "uniform", "min_s": 10, "max_s": 30}},
            {"id": "b", "arrivals": {"per_interval": [10, 20]},
             "handle_time": {"dist": "empirical", "values_s": [60, 120]}},
        ],
    }  # fmt: skip
    changes = scale_changes(data, {"volume": 2.0, "aht": 1.5})
    assert changes == {
        "demand.daily_volume": 2000.0,
        "call_types.a.handle_time.mean_s": 150.0,
        "call_types.a.wrap_time.min_s": 15.0,
        "call_types.a.wrap_time.max_s": 45.0,
        "call_types.b.arrivals.per_interval": [20.0, 40.0],
        "call_types.b.handle_time.values_s": [90.0, 180.0],
    }
    assert (
        scale_changes(data, {"aht": 1.5})
        .keys()
        .isdisjoint({"demand.daily_volume", "call_types.b.arrivals.per_interval"})
    )


@pytest.mark.parametrize("command", ["run", "staff", "compare"])
def test_bad_scale_is_refused_with_every_problem(ccsim, command):
    files = [MMN, MMN] if command == "compare" else [MMN]
    r = ccsim(command, *files, "--scale", "volume=0,speed=2", "--scale", "aht=-1,x", "--json")
    assert r.code == 2 and "Traceback" not in r.err
    rules = [p["rule"] for p in r.json()["problems"]]
    assert rules == [
        "volume must be a factor > 0",
        "unknown factor 'speed'; known: volume, aht",
        "aht must be a factor > 0",
        "must be NAME=FACTOR, e.g. volume=1.1,aht=1.05",
    ]
    assert "--scale: volume must be a factor > 0, got '0'" in r.err


def test_replayed_arrivals_cannot_be_scaled(ccsim, tmp_path):
    data = yaml.safe_load(COMPACT)
    data["call_types"][0]["arrivals"] = {"times_s": [0, 60, 120]}
    p = tmp_path / "replay.yaml"
    p.write_text(yaml.safe_dump(data))
    r = ccsim("run", p, "--no-output", "--scale", "volume=1.2")
    assert r.code == 2
    assert (
        "volume cannot scale replayed arrival times (call_types.general.arrivals.times_s)" in r.err
    )
    assert ccsim("run", p, "-r", 1, "--no-output", "--scale", "aht=1.2").code == 0


def test_staff_and_compare_take_scale(ccsim, tmp_path):
    doc = ccsim("staff", plan_scenario(tmp_path), "--json", "-q", "--scale", "volume=1.2").json()
    assert doc["scale"] == {"volume": 1.2}
    # 700 calls expected in 3 h, 840 scaled: six replications are well within 5 % of it
    assert doc["kpis"]["offered"]["mean"] == pytest.approx(840, rel=0.05)
    a = tmp_path / "a.yaml"
    a.write_text(COMPACT)
    cmp = ccsim("compare", a, a, "-r", 2, "--json", "--scale", "aht=1.5").json()
    assert all(s["kpis"]["aht_s"]["mean"] == pytest.approx(180, rel=0.1) for s in cmp["scenarios"])
