"""Every validation rule: its message names the path, the value and the rule."""

import copy

import numpy as np
import pytest

from ccsim.errors import InputError
from ccsim.scenario import load_scenario, load_text, parse_scenario, replace, to_yaml
from tests.helpers.problems import has, problems
from tests.helpers.scen import base, campaign


def with_type(**fields):
    d = base()
    d["call_types"][0].update(fields)
    return d


def with_group(**fields):
    d = base()
    d["centers"][0]["groups"][0].update(fields)
    return d


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({**base(), "sedd": 1}, "sedd: unknown key (did you mean 'seed'?)"),
        ({k: v for k, v in base().items() if k != "seed"}, "seed: is required"),
        ({**base(), "seed": -1}, "seed: must be >= 0, got -1"),
        ({**base(), "replications": 0}, "replications: must be >= 1, got 0"),
        ({**base(), "seed": True}, "seed: must be a whole number, got True"),
        ({**base(), "replications": "5"}, "replications: must be a whole number, got '5'"),
        (with_group(agents=12.0), "centers[0].groups[0].agents: must be a whole number, got 12.0"),
        (with_group(agents=200_000), "centers[0].groups[0].agents: must be <= 100000, got 200000"),
        (
            with_group(agents=[1, 10**9]),
            "centers[0].groups[0].agents.per_interval[1]: must be <= 100000, got 1000000000",
        ),
        (
            {**base(), "horizon": {"duration_h": 10_000, "interval_min": 30}},
            "horizon.duration_h: must be <= 8784, got 10000",
        ),
        (
            {**base(), "horizon": {"duration_h": 1, "interval_min": 0.5}},
            "horizon.interval_min: must be >= 1, got 0.5",
        ),
        (
            with_type(arrivals={"rate_per_h": 200_000_000}),
            "call_types: expect about 200,000,000 calls per replication with redials and returns",
        ),
        (
            {**base(), "horizon": {"duration_h": 1, "interval_min": 7}},
            "horizon.duration_h: must be a whole number of intervals of 7 minutes, got 1",
        ),
        (
            {**base(), "horizon": {"duration_h": 1, "interval_min": 30, "warmup_h": 1}},
            "horizon.warmup_h: must be shorter than duration_h (1), got 1",
        ),
        (
            {**base(), "horizon": {"duration_h": 1, "start": "25:00"}},
            "horizon.start: must be a clock time HH:MM, got '25:00'",
        ),
        ({**base(), "horizon": {"duration_h": 0}}, "horizon.duration_h: must be > 0, got 0"),
        (
            with_type(arrivals={"rate_per_h": 5, "daily_volume": 3}),
            "give exactly one of rate_per_h, per_interval, daily_volume, share or times_s (got rate_per_h, daily_volume)",
        ),
        (with_type(arrivals={}), "give exactly one of rate_per_h"),
        (
            with_type(arrivals={"rate_per_h": -5}),
            "call_types[0].arrivals.rate_per_h: must be >= 0, got -5",
        ),
        (
            with_type(arrivals={"rate_per_h": 5, "profile": [1, 2]}),
            "profile goes with daily_volume",
        ),
        (with_type(arrivals={"rate_per_h": 5, "tiers": ["regular"]}), "tiers goes with times_s"),
        (
            with_type(arrivals={"per_interval": [1, 2, 3]}),
            "call_types[0].arrivals.per_interval: must have 60 (one per interval) or 1440 (one per interval of a day, repeated) values, got 3",
        ),
        (
            with_type(arrivals={"daily_volume": 100, "profile": [0, 0]}),
            "call_types[0].arrivals.profile: must have a positive sum",
        ),
        (
            with_type(arrivals={"share": 1.0}),
            "call_types[0].arrivals.share: needs demand.daily_volume, got 1.0",
        ),
        (
            with_type(arrivals={"times_s": [10, 99999]}),
            "call_types[0].arrivals.times_s: must all be before the end of the horizon (3600 s), got 99999",
        ),
        (
            with_type(handle_time={"dist": "lognormal", "mean_s": 100}),
            "call_types[0].handle_time: lognormal needs cv (sd / mean)",
        ),
        (
            with_type(handle_time={"dist": "exponential", "mean_s": 100, "cv": 2}),
            "exponential does not take cv (it takes mean_s)",
        ),
        (
            with_type(handle_time={"dist": "exponential", "mean_s": 0}),
            "exponential needs mean_s > 0",
        ),
        (
            with_type(handle_time={"dist": "gamma", "mean_s": 100, "cv": 1, "shape": 2}),
            "gamma needs exactly one of cv or shape",
        ),
        (
            with_type(handle_time={"dist": "uniform", "mean_s": 100, "min_s": 1, "max_s": 5}),
            "uniform takes either mean_s and cv, or min_s and max_s",
        ),
        (
            with_type(handle_time={"dist": "uniform", "min_s": 9, "max_s": 5}),
            "uniform needs min_s <= max_s",
        ),
        (
            with_type(handle_time={"dist": "uniform", "mean_s": 10, "cv": 0.9}),
            "uniform cv must be <= 0.577",
        ),
        (
            with_type(handle_time={"dist": "empirical", "values_s": [1, 2], "weights": [1]}),
            "empirical weights must have one value per item of values_s",
        ),
        (with_type(handle_time={"dist": "empirical", "values_s": []}), "empirical needs values_s"),
        (
            with_type(handle_time={"dist": "normal", "mean_s": 3}),
            "call_types[0].handle_time.dist: must be one of",
        ),
        (
            with_type(patience={"dist": "exponential", "mean_s": 60, "balk_share": 1.5}),
            "call_types[0].patience.balk_share: must be <= 1 (shares are fractions: if you meant 1.5 %, write 0.015), got 1.5",
        ),
        (with_type(fcr=0.8), "call_types[0].return_delay: is required when fcr < 1"),
        (
            with_type(fcr=1.2),
            "call_types[0].fcr: must be <= 1 (shares are fractions: if you meant 1.2 %, write 0.012), got 1.2",
        ),
        (
            with_type(ivr={"containment": 2}),
            "call_types[0].ivr.containment: must be <= 1 (shares are fractions: if you meant 2 %, write 0.02), got 2",
        ),
        (
            with_type(ivr={"password": {"share": 0.5, "fail_prob": 0.1, "tries": 0}}),
            "call_types[0].ivr.password.tries: must be >= 1, got 0",
        ),
        (
            with_type(redial={"probabilities": [], "delay": {"dist": "constant", "mean_s": 5}}),
            "call_types[0].redial.probabilities: must have at least 1 item",
        ),
        (
            with_type(
                redial={
                    "probabilities": [0.5],
                    "delay": {"dist": "constant", "mean_s": 5},
                    "after": ["hangup"],
                }
            ),
            "call_types[0].redial.after[0]: must be one of",
        ),
        (with_type(id="bad id!"), "call_types[0].id: must use only letters, digits"),
        (with_group(agents=-3), "centers[0].groups[0].agents: must be >= 0, got -3"),
        (with_group(agents=2.5), "centers[0].groups[0].agents: must be a whole number, got 2.5"),
        (
            with_group(agents="many"),
            "centers[0].groups[0].agents: must be a whole number >= 0, a list, or {per_interval: [...]}, got 'many'",
        ),
        (
            with_group(agents={"per_interval": [1, 2]}),
            "centers[0].groups[0].agents.per_interval: must have 60 (one per interval) or 1440",
        ),
        (
            with_group(skills=["a", "zz"]),
            "centers[0].groups[0].skills[1]: names no call type (call types: a), got 'zz'",
        ),
        (with_group(skills=["a", "a"]), "centers[0].groups[0].skills[1]: is listed twice, got 'a'"),
        (
            with_group(skills=[]),
            "centers[0].groups[0].skills: is empty and no campaign names the group: it would take no calls, got 'g'",
        ),
        (
            {**base(), "centers": [{"id": "c", "kind": "regional", "groups": []}]},
            "centers[0].kind: must be one of provincial or local, got 'regional'",
        ),
        (
            {**base(), "networks": [{"id": "x", "share": 0.5}, {"id": "y", "share": 0.4}]},
            "networks[*].share: must sum to 1, got 0.9",
        ),
        (
            {**base(), "tiers": [{"id": "vip", "share": 0.2}, {"id": "vip", "share": 0.8}]},
            "tiers[1].id: duplicates an earlier id, got 'vip'",
        ),
        (
            {**base(), "tiers": [{"id": "vip", "share": 0.3}]},
            "tiers[*].share: must sum to 1, got 0.3",
        ),
        (
            {**base(), "routing": {"rules": [{"groups": ["nope"]}]}},
            "routing.rules[0].groups[0]: names no group (use a group id, 'centre/group' or 'home/group'), got 'nope'",
        ),
        (
            {**base(), "routing": {"rules": [{"call_types": ["zz"], "groups": ["g"]}]}},
            "routing.rules[0].call_types[0]: names no call type (known: a), got 'zz'",
        ),
        (
            {**base(), "routing": {"rules": [{"tiers": ["vip"], "groups": ["g"]}]}},
            "routing.rules[0].tiers[0]: names no tier (known: regular), got 'vip'",
        ),
        (
            {**base(), "routing": {"rules": [{"groups": [{"group": "g", "delay_s": -1}]}]}},
            "routing.rules[0].groups[0].delay_s: must be >= 0, got -1",
        ),
        ({**base(), "routing": {"policy": "random"}}, "routing.policy: must be one of"),
        (
            {**base(), "targets": {"service_level": {"target": 1.5}}},
            "targets.service_level.target: must be <= 1 (shares are fractions: if you meant 1.5 %, write 0.015), got 1.5",
        ),
        (
            {**base(), "targets": {"service_level": {"threshold_s": -2}}},
            "targets.service_level.threshold_s: must be >= 0, got -2",
        ),
        (
            {**base(), "targets": {"service_level": {"formula": "weird"}}},
            "targets.service_level.formula: must be one of",
        ),
        ({**base(), "ivr_ports": 0}, "ivr_ports: must be >= 1, got 0"),
        ({**base(), "demand": {"busyness_cv": -1}}, "demand.busyness_cv: must be >= 0, got -1"),
        ({**base(), "demand": {"day_factors": {"monday": 1}}}, "demand.day_factors.monday"),
        (
            {**base(), "demand": {"busyness_cv": float("inf")}},
            "demand.busyness_cv: must be a finite number, got inf",
        ),
        (
            {**base(), "targets": {"service_level": {"threshold_s": float("inf")}}},
            "targets.service_level.threshold_s: must be a finite number, got inf",
        ),
        (
            with_type(handle_time={"dist": "gamma", "mean_s": 120, "cv": 1e200}),
            "call_types[0].handle_time.cv: must be <= 100, got 1e+200",
        ),
        (
            with_type(handle_time={"dist": "lognormal", "mean_s": float("nan"), "cv": 1}),
            "call_types[0].handle_time.mean_s: must be a finite number",
        ),
        (
            with_type(patience={"dist": "weibull", "mean_s": 60, "cv": 0.0001}),
            "call_types[0].patience: weibull cv must be >= 0.002",
        ),
        (
            with_type(patience={"dist": "weibull", "mean_s": 60, "shape": 0.001}),
            "call_types[0].patience: weibull shape must be between 0.1 and 1000",
        ),
        (
            with_type(handle_time={"dist": "gamma", "mean_s": 60, "shape": 1e-6}),
            "call_types[0].handle_time: gamma shape must be >= 0.0001",
        ),
        (
            with_type(
                handle_time={"dist": "empirical", "values_s": [1, 2], "weights": [float("inf"), 1]}
            ),
            "call_types[0].handle_time.weights[0]: must be a finite number, got inf",
        ),
        (
            {**base(), "horizon": {"duration_h": 8784, "interval_min": 1}},
            "horizon: must have at most 105,408 intervals (a leap year of 5-minute intervals); "
            "8784 h of 1-minute intervals make 527,040",
        ),
        ({**base(), "replications": 100_001}, "replications: must be <= 100000, got 100001"),
    ],
)
def test_rule_message(data, expected):
    has(data, expected)


def test_routing_group_without_the_skill():
    d = base()
    d["call_types"].append(
        {"id": "b", "arrivals": {"rate_per_h": 1}, "handle_time": {"dist": "constant", "mean_s": 1}}
    )
    d["centers"][0]["groups"].append({"id": "h", "skills": ["b"], "agents": 1})
    d["routing"] = {"rules": [{"call_types": ["a"], "groups": ["h"]}]}
    has(
        d,
        "routing.rules[0].groups[0]: does not have skill 'a', which this rule routes to it, got 'h'",
    )


def test_ambiguous_group_reference():
    d = base(networks=[{"id": "n1", "share": 1.0}])
    d["centers"].append(
        {
            "id": "d",
            "kind": "local",
            "network": "n1",
            "groups": [{"id": "g", "skills": ["a"], "agents": 1}],
        }
    )
    d["routing"] = {"rules": [{"groups": ["g"]}]}
    has(d, "is ambiguous: groups of that id exist in several centres; write 'centre/group'")
    d["routing"] = {"rules": [{"groups": ["d/g"]}]}
    assert parse_scenario(d).routing.rules[0].groups[0].group == "d/g"


def test_call_type_reaching_no_group():
    d = base()
    d["call_types"].append(
        {"id": "b", "arrivals": {"rate_per_h": 1}, "handle_time": {"dist": "constant", "mean_s": 1}}
    )
    has(
        d,
        "call_types[1]: calls can reach no group: no group of their local centre or the provincial centre has this skill",
    )


def test_call_type_shares_sum_to_has():
    d = base(demand={"daily_volume": 100})
    d["call_types"][0]["arrivals"] = {"share": 0.6}
    has(d, "call_types[*].arrivals.share: must sum to 1 (the business mix), got 0.6")


def test_every_problem_at_once():
    d = base(seed=-5, replications=0)
    d["call_types"][0]["handle_time"] = {"dist": "lognormal", "mean_s": 10}
    d["centers"][0]["groups"][0]["skills"] = ["nope"]
    d["centers"][0]["groups"][0]["agents"] = -1
    d["extra"] = 1
    found = problems(d)
    assert len(found) >= 6, found
    for part in (
        "seed",
        "replications",
        "handle_time",
        "skills[0]",
        "agents",
        "extra: unknown key",
    ):
        assert any(part in p for p in found), (part, found)


def test_input_is_not_modified():
    d = base(tiers=[{"id": "r", "share": 1.0}])
    d["x-anchor"] = {"dist": "constant", "mean_s": 3}
    before = copy.deepcopy(d)
    parse_scenario(d)
    assert d == before


def test_yaml_problems_carry_line_numbers(tmp_path):
    text = "name: x\nseed: 1\nhorizon: {duration_h: 1}\ncall_types:\n  - id: a\n    arrivals: {rate_per_h: -1}\n    handle_time: {dist: constant, mean_s: 5}\ncenters: [{id: c, groups: [{id: g, skills: [a], agents: 1}]}]\n"
    with pytest.raises(InputError) as exc:
        load_text(text, "s.yaml")
    assert "call_types[0].arrivals.rate_per_h (line 6): must be >= 0, got -1" in exc.value.render()


def test_yaml_syntax_error_and_duplicate_keys(tmp_path):
    with pytest.raises(InputError, match=r"line 2, column \d+: is not valid YAML"):
        load_text("name: x\n  seed: : 1\n", "s.yaml")
    with pytest.raises(
        InputError,
        match="line 2: repeats the key of an earlier line in the same mapping, got 'name'",
    ):
        load_text("name: x\nname: y\n", "s.yaml")
    with pytest.raises(InputError, match="is empty"):
        load_text("", "s.yaml")
    with pytest.raises(
        InputError, match=r"\(top level\): must be a mapping of scenario keys, got 'list'"
    ):
        load_text("- 1\n- 2\n", "s.yaml")
    with pytest.raises(InputError, match="file not found"):
        load_scenario(tmp_path / "nope.yaml")


def test_yaml_object_tags_are_refused():
    with pytest.raises(InputError, match="is not valid YAML"):
        load_text("name: !!python/object/apply:os.system ['true']\n", "s.yaml")


def test_replace_changes_fields_by_path_and_id():
    sc = parse_scenario(base())
    new = replace(
        sc, {"centers.c.groups.g.agents": 7, "call_types.a.handle_time.mean_s": 20, "seed": 9}
    )
    assert new.centers[0].groups[0].agents == 7
    assert new.call_types[0].handle_time.mean == 20
    assert new.seed == 9 and sc.seed == 1  # the original is untouched
    with pytest.raises(InputError, match="no such field or item"):
        replace(sc, {"centers.zz.groups": []})
    with pytest.raises(InputError, match="must be >= 0"):
        replace(sc, {"centers.c.groups.g.agents": -1})


def test_extreme_but_legal_shapes_sample_finite_values():
    """The bounds of the distribution rules are values the samplers can still draw."""
    from ccsim.engine.distributions import sampler, weibull_shape_for_cv
    from ccsim.scenario.distributions import Dist

    rng = np.random.default_rng(1)
    for d in (
        Dist(dist="weibull", mean_s=60, cv=0.002),
        Dist(dist="weibull", mean_s=60, cv=100),
        Dist(dist="weibull", mean_s=60, shape=0.1),
        Dist(dist="weibull", mean_s=60, shape=1000),
        Dist(dist="gamma", mean_s=60, cv=100),
        Dist(dist="gamma", mean_s=60, shape=1e-4),
        Dist(dist="lognormal", mean_s=60, cv=100),
    ):
        x = sampler(d)(rng, 1000)
        assert np.isfinite(x).all() and (x >= 0).all(), d
    k = weibull_shape_for_cv(0.002)
    assert 100 < k < 1000


def test_exponent_without_a_dot_is_explained():
    """YAML 1.1 reads 6e1 as text; the message says how to write it as a number."""
    d = base()
    d["call_types"][0]["arrivals"] = {"rate_per_h": 60.5}
    text = to_yaml(parse_scenario(d)).replace("rate_per_h: 60.5", "rate_per_h: 6e1")
    with pytest.raises(
        InputError, match=r"must be a number \(YAML reads 6e1 as text: write 6\.0e\+1\)"
    ):
        load_text(text, "s.yaml")
    text = text.replace("rate_per_h: 6e1", "rate_per_h: 6.0e+1")
    assert load_text(text, "s.yaml").call_types[0].arrivals.rate_per_h == 60.0
    # text that looks like an exponent stays text where text is expected
    d["name"] = "1e3"
    assert load_text(to_yaml(parse_scenario(d)), "s.yaml").name == "1e3"


def test_alias_bombs_are_refused_before_expanding(tmp_path):
    lines = ["x-a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    lines += [f"x-a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    text = "\n".join(lines) + "\n" + to_yaml(parse_scenario(base()))
    with pytest.raises(
        InputError, match=r"expands to 1,\d{3},\d{3},\d{3} values .* from \d+ written"
    ):
        load_text(text, "bomb.yaml")
    # anchors reused a few times are fine; an alias inside its own anchor is not
    reuse = """\
name: t
seed: 1
x-ht: &ht {dist: constant, mean_s: 10}
horizon: {duration_h: 1, interval_min: 1}
call_types:
  - {id: a, arrivals: {times_s: [0.0]}, handle_time: *ht}
  - {id: b, arrivals: {times_s: [5.0]}, handle_time: *ht}
centers: [{id: c, groups: [{id: g, skills: [a, b], agents: 1}]}]
"""
    assert load_text(reuse, "ok.yaml").call_types[1].handle_time.mean == 10
    with pytest.raises(InputError, match="has an alias inside the anchor it refers to"):
        load_text("x-loop: &a [1, *a]\n" + to_yaml(parse_scenario(base())), "loop.yaml")


def test_numpy_values_from_analysts_code_are_accepted():
    sc = parse_scenario(base())
    new = replace(
        sc,
        {
            "centers.c.groups.g.agents": np.int64(7),
            "call_types.a.handle_time.mean_s": np.float32(20.0),
        },
    )
    assert new.centers[0].groups[0].agents == 7
    assert new.call_types[0].handle_time.mean == 20
    d = base()
    d["centers"][0]["groups"][0]["agents"] = np.arange(1, 1 + len_intervals(d))
    assert parse_scenario(d).centers[0].groups[0].agents.per_interval[0] == 1
    with pytest.raises(InputError, match=r"must be a whole number, got 7\.5"):
        replace(sc, {"centers.c.groups.g.agents": np.float64(7.5)})


def len_intervals(d):
    h = d["horizon"]
    return round(h["duration_h"] * 60 / h.get("interval_min", 30))


def test_json_files_read_exponents_as_numbers():
    import json

    d = base()
    d["call_types"][0]["handle_time"] = {"dist": "exponential", "mean_s": 1.2e-05}
    text = json.dumps(d)
    assert "1.2e-05" in text
    assert load_text(text, "s.json").call_types[0].handle_time.mean == 1.2e-05


def test_exponent_hints_for_whole_numbers_and_deep_nesting():
    text = to_yaml(parse_scenario(base())).replace("seed: 1", "seed: 7e0")
    with pytest.raises(
        InputError,
        match=r"seed \(line \d+\): must be a whole number \(YAML reads 7e0 as text: write 7\)",
    ):
        load_text(text, "s.yaml")
    deep = "x-deep: " + "[" * 2000 + "]" * 2000 + "\n" + to_yaml(parse_scenario(base()))
    with pytest.raises(InputError, match="is nested too deeply"):
        load_text(deep, "deep.yaml")


def test_a_campaign_names_each_group_once():
    d = base()
    d["centers"][0]["groups"].append({"id": "out", "skills": [], "agents": 2})
    d["campaigns"] = [campaign(groups=["out", "c/out"])]
    has(d, "campaigns[0].groups[1]: names a group listed before, got 'c/out'")


def test_json_with_a_byte_order_mark_or_tabs_loads():
    import json

    d = base()
    d["call_types"][0]["handle_time"] = {"dist": "exponential", "mean_s": 1e2}
    for text in ("\ufeff" + json.dumps(d), json.dumps(d, indent="\t")):
        assert load_text(text, "s.json").call_types[0].handle_time.mean == 100.0
    twice = json.dumps(d, indent="\t").replace('"seed": 1', '"seed": 1,\n\t"seed": 2')
    with pytest.raises(InputError, match=r"repeats (a|the) key .*, got 'seed'"):
        load_text(twice, "s.json")
    text = to_yaml(parse_scenario(base())).replace("seed: 1", "seed: 1e30")
    with pytest.raises(InputError, match=r"seed \(line \d+\): must be a whole number, got '1e30'"):
        load_text(text, "s.yaml")
