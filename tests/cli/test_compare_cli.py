from pathlib import Path

import yaml

from tests.cli.test_run_cli import COMPACT

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path, name, **changes):
    data = yaml.safe_load(COMPACT)
    data["name"] = name
    for path, value in changes.items():
        node = data
        keys = path.split(".")
        for k in keys[:-1]:
            node = node[int(k)] if k.isdigit() else node[k]
        node[keys[-1]] = value
    p = tmp_path / f"{name}.yaml"
    p.write_text(yaml.safe_dump(data))
    return p


def test_self_comparison_gives_zero_differences(ccsim, tmp_path):
    a = write(tmp_path, "same")
    doc = ccsim("compare", a, a, "-r", "3", "--json").json()
    assert [s["name"] for s in doc["scenarios"]] == ["same", "same"]
    (d,) = doc["differences"]
    for k in (
        "offered",
        "answered",
        "service_level",
        "abandon_rate",
        "asa_s",
        "occupancy",
        "agent_hours",
        "cost",
    ):
        assert d[k]["mean"] == 0.0, k
        assert d[k]["ci95"] == [0.0, 0.0], k


def test_compare_json_contract_and_common_random_numbers(ccsim, tmp_path):
    a = write(tmp_path, "twelve")
    b = write(tmp_path, "eleven", **{"centers.0.groups.0.agents": 11})
    r = ccsim("compare", a, b, "-r", "4", "--seed", "5", "--json")
    assert r.code == 0, r.err
    doc = r.json()
    assert doc["seed"] == 5 and doc["replications"] == 4
    names = [s["name"] for s in doc["scenarios"]]
    assert names == ["twelve", "eleven"]
    for s in doc["scenarios"]:
        assert {"name", "kpis", "agent_hours", "cost", "work_orders"} <= set(s)
        assert set(s["kpis"]["service_level"]) == {"mean", "ci95"}
    (d,) = doc["differences"]
    assert d["against"] == "twelve"
    # same callers in both: the offered calls are identical, draw for draw
    assert d["offered"]["mean"] == 0.0 and d["offered"]["ci95"] == [0.0, 0.0]
    assert d["service_level"]["mean"] < 0  # one agent fewer
    assert d["agent_hours"]["mean"] == -8.0
    assert doc["notes"] == []
    longer = write(tmp_path, "longer", **{"horizon.duration_h": 9})
    r = ccsim("compare", a, longer, "-r", "2")
    assert r.code == 0 and "Note: the scenarios' horizons differ" in r.out
    pool = doc["pooling"]
    assert {"separate_agent_hours", "pooled_agent_hours", "gain_agent_hours", "by_scenario"} <= set(
        pool
    )


def test_compare_needs_two_files_and_valid_ones(ccsim, tmp_path):
    a = write(tmp_path, "one")
    r = ccsim("compare", a)
    assert r.code == 2 and "at least two scenario files" in r.err
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\n")
    r = ccsim("compare", a, bad)
    assert r.code == 2 and "bad.yaml" in r.err and "seed" in r.err
    doc = ccsim("compare", a, bad, "--json").json()
    assert doc["file"] == str(bad)
    assert {"path": "seed", "rule": "is required", "value": None} in doc["problems"]
    worse = tmp_path / "worse.yaml"
    worse.write_text("name: y\nseed: -1\n")
    doc = ccsim("compare", bad, worse, "--json").json()
    paths = [q["path"] for q in doc["problems"]]
    assert f"{bad}: seed" in paths and f"{worse}: seed" in paths
    assert {"path": f"{worse}: seed", "rule": "must be >= 0", "value": -1, "line": 2} in doc[
        "problems"
    ]
    r = ccsim("compare", a, a, "--workers", "0", "--replications", "0")
    assert r.code == 2 and "--workers: must be >= 1, got 0" in r.err
    assert "--replications: must be >= 1" in r.err and "Traceback" not in r.err


def test_province_designs_compare(ccsim):
    files = [ROOT / "scenarios" / f"province_{d}.yaml" for d in ("centralized", "local", "hybrid")]
    r = ccsim("compare", *files, "-r", "2", "--json")
    assert r.code == 0, r.err
    doc = r.json()
    cent, local, hybrid = doc["scenarios"]
    assert cent["work_orders"]["created"]["mean"] > 0
    # the same demand reaches each design
    assert (
        abs(local["kpis"]["ivr_entries"]["mean"] / cent["kpis"]["ivr_entries"]["mean"] - 1) < 0.01
    )
    assert local["kpis"]["dialect_match_rate"]["mean"] == 1.0  # local agents speak the dialect
    assert hybrid["kpis"]["transfers"]["mean"] > 0
    assert doc["pooling"]["gain_agent_hours"] > 0


def test_compare_with_and_without_campaigns_in_either_order(ccsim, tmp_path):
    plain = write(tmp_path, "plain")
    data = yaml.safe_load(COMPACT)
    data["name"] = "calling"
    data["centers"][0]["groups"].append({"id": "out", "skills": [], "agents": 2})
    data["campaigns"] = [
        {
            "id": "care",
            "list": {"daily_size": 50, "release": "00:00"},
            "windows": ["00:00-08:00"],
            "max_attempts": 2,
            "retry_after": {"dist": "constant", "mean_s": 600},
            "contact_prob": 0.5,
            "ring_time": {"dist": "constant", "mean_s": 20},
            "talk_time": {"dist": "exponential", "mean_s": 120},
            "groups": ["out"],
        }
    ]
    calling = tmp_path / "calling.yaml"
    calling.write_text(yaml.safe_dump(data))
    for first, second, sign in ((plain, calling, 1), (calling, plain, -1)):
        r = ccsim("compare", first, second, "-r", "2", "--json")
        assert r.code == 0, r.err
        (d,) = r.json()["differences"]
        # the campaign's figures count as zero where it does not run
        assert sign * d["campaigns.attempts"]["mean"] > 0
        assert d["offered"]["mean"] == 0.0
