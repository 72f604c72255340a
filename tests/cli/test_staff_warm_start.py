"""``ccsim staff --warm-start``: the search starts from a previous plan.

The previous plan is simulated first; the plan found meets the targets as from a cold
start, costs no more agent-hours than the previous plan, and takes no more simulated
plans than the cold search. A bad file is a clear error (exit 2, every problem listed).
"""

import json

import numpy as np
import pytest

import ccsim
from ccsim.scenario import load_scenario
from tests.cli.test_staff_cli import scenario


@pytest.fixture(scope="module")
def cold(tmp_path_factory):
    """The small staffing scenario, its file and its plan from a cold start."""
    path = scenario(tmp_path_factory.mktemp("warm"))
    sc = load_scenario(path)
    return path, sc, ccsim.staff(sc, workers=1)


def test_warm_start_begins_with_the_previous_plan_and_keeps_the_rules(cold) -> None:
    _, sc, plan = cold
    assert plan.feasible and plan.start == "erlang"
    warm = ccsim.staff(sc, workers=1, start=plan.simulated)
    first = warm.search.history[0]
    assert first["step"] == "previous plan"
    assert first["agent_hours"] == plan.hours(plan.simulated)
    assert first["feasible"]  # the same seeds: the previous plan meets the targets again
    assert warm.feasible
    assert warm.hours(warm.simulated) <= plan.hours(plan.simulated)
    assert warm.search.evaluations <= plan.search.evaluations
    assert warm.summary()["start"] == "previous plan"
    # a start of another shape is refused
    with pytest.raises(ValueError, match="groups x"):
        ccsim.staff(sc, workers=1, start=plan.simulated[:, :-1])


def test_cli_warm_start_from_a_json_document_and_a_plan_folder(ccsim, cold, tmp_path) -> None:
    path, _, plan = cold
    doc_file = tmp_path / "plan.json"
    doc_file.write_text(json.dumps(plan.summary()))
    r = ccsim("staff", path, "--warm-start", doc_file, "--json", "--quiet")
    assert r.code == 0, r.err
    doc = r.json()
    assert doc["start"] == "previous plan"
    assert doc["warm_start"] == {"file": str(doc_file)}
    assert doc["feasible"] is True
    assert doc["agent_hours"]["sim"] <= plan.hours(plan.simulated)
    # a plan folder: its summary.json
    out = tmp_path / "folder"
    assert ccsim("staff", path, "--out", out, "--quiet", "--no-figures").code == 0
    r = ccsim("staff", path, "--warm-start", out, "--json", "--quiet")
    assert r.code == 0, r.err
    assert r.json()["evaluations"] <= plan.search.evaluations


def test_cli_warm_start_fills_cells_the_file_leaves_out_with_erlang(ccsim, cold, tmp_path) -> None:
    _, sc, plan = cold
    rows = [r for r in plan.summary()["plan"] if r["interval"] != 0]
    f = tmp_path / "partial.json"
    f.write_text(json.dumps({"plan": rows}))
    from ccsim.commands.staff import previous_plan

    start = previous_plan(sc, str(f))
    assert start[0, 0] == plan.erlang[0, 0]
    np.testing.assert_array_equal(start[:, 1:], plan.simulated[:, 1:])


def test_bad_warm_start_files_list_every_problem(ccsim, cold, tmp_path) -> None:
    path, _, _ = cold
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "plan": [
                    {"interval": 0, "group": "nobody", "sim_agents": 3},
                    {"interval": 99, "group": "agents", "sim_agents": 3},
                    {"interval": 1, "group": "agents", "sim_agents": -2},
                    {"interval": 2, "group": "agents", "sim_agents": 2.5},
                    {"interval": 3, "group": ["agents"], "sim_agents": 3},
                    {"interval": 4, "group": "agents", "sim_agents": 10**9},
                    {"interval": 5, "group": "agents", "sim_agents": 3, "erlang_agents": -1},
                    {"interval": 0, "group": "agents", "sim_agents": 3},
                    {"interval": 0, "group": "agents", "sim_agents": 4},
                ]
            }
        )
    )
    r = ccsim("staff", path, "--warm-start", bad, "--quiet")
    assert r.code == 2
    assert "Traceback" not in r.err
    for text in (
        "plan[0].group",
        "'nobody'",
        "plan[1].interval",
        "from 0 to 5",
        "plan[2].sim_agents",
        "plan[3].sim_agents",
        "plan[4].group",
        "plan[5].sim_agents: must be a whole number from 0 to 100000",
        "plan[6].erlang_agents",
        "plan[8]: repeats group 'agents' at interval 0",
    ):
        assert text in r.err, (text, r.err)
    missing = ccsim("staff", path, "--warm-start", tmp_path / "none.json", "--quiet")
    assert missing.code == 2 and "file not found" in missing.err
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    r = ccsim("staff", path, "--warm-start", deep, "--quiet")
    assert r.code == 2 and "Traceback" not in r.err, r.err
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"scenario": "x"}))
    r = ccsim("staff", path, "--warm-start", other, "--json")
    assert r.code == 2 and "no 'plan' rows" in r.out + r.err


def test_a_what_if_starts_from_the_previous_plan_moved_by_erlangs_change(cold, tmp_path) -> None:
    """5 % more calls: each cell starts at previous + Erlang now - Erlang then (at least 0)."""
    _, sc, plan = cold
    f = tmp_path / "plan.json"
    f.write_text(json.dumps(plan.summary()))
    from ccsim.commands.options import with_changes
    from ccsim.commands.staff import previous_plan
    from ccsim.staffing.erlang_step import erlang_plan

    busier = with_changes(sc, (), "plan.yaml", ("volume=1.05",))
    now = erlang_plan(busier)
    assert (now >= plan.erlang).all() and (now > plan.erlang).any()
    expected = np.maximum(plan.simulated + now - plan.erlang, 0)
    np.testing.assert_array_equal(previous_plan(busier, str(f)), expected)
    np.testing.assert_array_equal(plan.start_for(busier), expected)  # the Python API
    # the same scenario: exactly the previous plan
    np.testing.assert_array_equal(previous_plan(sc, str(f)), plan.simulated)


def test_warm_up_intervals_keep_their_erlang_agents(tmp_path) -> None:
    """The search leaves warm-up intervals at step 1's agents, whatever the file says."""
    import yaml

    p = scenario(tmp_path, name="warmup")
    data = yaml.safe_load(p.read_text())
    data["horizon"]["warmup_h"] = 0.5
    p.write_text(yaml.safe_dump(data))
    sc = load_scenario(p)
    cold = ccsim.staff(sc, workers=1)
    start = cold.simulated.copy()
    start[:, 0] = 1  # a warm-up interval the file got wrong
    warm = ccsim.staff(sc, workers=1, start=start)
    assert warm.simulated[0, 0] == cold.erlang[0, 0] == cold.simulated[0, 0]


def test_a_plan_of_another_horizon_is_refused_by_its_clock_times(ccsim, cold, tmp_path) -> None:
    # the rows' start times must be the scenario's: a plan of half-hours read onto
    # quarter-hours, or onto a day opening later, would start the search in the wrong place
    path, _, plan = cold
    doc = tmp_path / "plan.json"
    doc.write_text(json.dumps(plan.summary()))
    r = ccsim("staff", path, "--warm-start", doc, "--quiet", "--set", "horizon.start=01:00")
    assert r.code == 2
    assert "plan[0].start: interval 0 starts at 01:00 in the scenario: the plan was found on another horizon (interval length or opening), got '00:00'" in r.err  # fmt: skip
    r = ccsim("staff", path, "--warm-start", doc, "--quiet", "--set", "horizon.interval_min=15", "--set", "horizon.duration_h=1.5")  # fmt: skip
    assert r.code == 2
    assert "interval 1 starts at 00:15 in the scenario" in r.err
