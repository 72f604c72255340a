"""``ccsim compare --staff``: designs staffed to the same targets, then compared at equal service."""

import copy

import yaml

ONE = {
    "seed": 5,
    "replications": 4,
    "horizon": {"duration_h": 2, "interval_min": 30},
    "call_types": [
        {
            "id": t,
            "arrivals": {"per_interval": [200, 200, 200, 200]},
            "handle_time": {"dist": "exponential", "mean_s": 180},
        }
        for t in ("billing", "technical")
    ],
    "targets": {"service_level": {"threshold_s": 20, "target": 0.8}},
    "staffing": {"replications": 4, "max_evaluations": 12},
}


def write(tmp_path, name, groups, targets=None):
    d = copy.deepcopy(ONE)
    d["name"] = name
    d["centers"] = [{"id": "c", "groups": groups}]
    if targets is not None:
        d["targets"] = targets
    p = tmp_path / f"{name}.yaml"
    p.write_text(yaml.safe_dump(d))
    return p


def test_pooled_design_needs_fewer_agent_hours_at_equal_service(ccsim, tmp_path):
    separate = write(
        tmp_path,
        "separate",
        [
            {"id": "b", "skills": ["billing"], "agents": 5},
            {"id": "t", "skills": ["technical"], "agents": 5},
        ],
    )
    # a laxer target in the second file: --staff staffs it to the first file's
    pooled = write(
        tmp_path,
        "pooled",
        [{"id": "all", "skills": ["billing", "technical"], "agents": 5}],
        targets={"service_level": {"threshold_s": 20, "target": 0.5}},
    )
    r = ccsim("compare", separate, pooled, "--staff", "--json")
    assert r.code == 0, r.out + r.err
    doc = r.json()
    assert doc["mode"] == "equal_service" and doc["targets_from"].endswith("separate.yaml")
    sep, pool = doc["designs"]
    assert sep["feasible"] and pool["feasible"]
    assert pool["service_level"] >= 0.8  # the first file's target, not its own 0.5
    assert pool["agent_hours"] < sep["agent_hours"]  # pooling saves agents
    assert doc["differences"][0]["agent_hours"] == pool["agent_hours"] - sep["agent_hours"]
    assert doc["pooling"]["gain_agent_hours"] >= 0
    text = ccsim("compare", separate, pooled, "--staff")
    assert text.code == 0
    words = " ".join(text.out.split())  # the console wraps long lines
    assert "agent-hours at equal service" in words and "every target met" in words


def test_staff_refuses_replications(ccsim, tmp_path):
    a = write(tmp_path, "a", [{"id": "g", "skills": ["billing", "technical"], "agents": 5}])
    r = ccsim("compare", a, a, "--staff", "--replications", "3")
    assert r.code == 2
    assert "--replications" in r.err and "staffing.replications" in r.err


def test_missed_targets_fail_compare_only_with_strict(ccsim, tmp_path):
    """A design missing a target is a result (exit 0); --strict makes it a failed check (1).

    The agents come from the load: twice Erlang's peak meets the target with room to
    spare; three quarters of the quietest interval's load leaves the queue growing all
    day, far below it.
    """
    import math

    from ccsim.scenario import load_scenario
    from ccsim.staffing.erlang_step import erlang_plan, group_loads

    skills = ["billing", "technical"]
    probe = load_scenario(write(tmp_path, "probe", [{"id": "g", "skills": skills, "agents": 1}]))
    erlangs = group_loads(probe).work_s[0] / probe.horizon.interval_s
    many, few = 2 * int(erlang_plan(probe).max()), math.floor(0.75 * erlangs.min())
    ok = write(tmp_path, "ok", [{"id": "g", "skills": skills, "agents": many}])
    short = write(tmp_path, "short", [{"id": "g", "skills": skills, "agents": few}])
    plain = ccsim("compare", ok, short, "-r", "2", "--json", "--quiet")
    assert plain.code == 0, plain.err
    met = [s["all_targets_met"] for s in plain.json()["scenarios"]]
    assert met == [True, False]
    assert ccsim("compare", ok, short, "-r", "2", "--quiet", "--strict").code == 1
    assert ccsim("compare", ok, ok, "-r", "2", "--quiet", "--strict").code == 0


def test_designs_may_leave_the_agents_out_and_the_scale_is_in_the_json(ccsim, tmp_path):
    # the planner sets the agents, as ccsim staff does: a design need not give them
    given = write(
        tmp_path, "given", [{"id": "all", "skills": ["billing", "technical"], "agents": 9}]
    )
    bare = write(tmp_path, "bare", [{"id": "all", "skills": ["billing", "technical"]}])
    r = ccsim("compare", given, bare, "--staff", "--scale", "volume=1.1", "--json", "--quiet")
    assert r.code == 0, r.err
    doc = r.json()
    assert doc["scale"] == {"volume": 1.1}
    a, b = doc["designs"]
    assert a["agent_hours"] == b["agent_hours"]  # the same design but for the agents given
