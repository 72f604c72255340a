"""``--vary``: parsing, wildcards, multipliers, grids, Latin hypercubes, points validated."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ccsim.errors import InputError
from ccsim.scenario import load_scenario
from ccsim.scenario.vary import MAX_POINTS, Vary, grid, parse_vary, point_scenarios, sample

ROOT = Path(__file__).resolve().parents[2]
MMN = ROOT / "scenarios" / "mmn.yaml"
TWO_SKILL = ROOT / "scenarios" / "two_skill_overflow.yaml"
AGENTS = "centers.main.groups.agents.agents"


def messages(exc: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [str(p) for p in exc.value.problems]


# --- parse_vary: each form -------------------------------------------------------------


def test_a_list_is_read_value_by_value_as_yaml():
    v = parse_vary("a.b=1, 2.5,x,true,[1, 2],{k: 3}")
    assert v == Vary("a.b", (1, 2.5, "x", True, [1, 2], {"k": 3}), False)
    assert v.label == "a.b"


def test_an_integer_range_includes_both_ends():
    v = parse_vary(f"{AGENTS}=10:16:2")
    assert v.values == (10, 12, 14, 16)
    assert all(type(x) is int for x in v.values)
    assert (v.low, v.high, v.integer, v.multiply) == (10.0, 16.0, True, False)


def test_a_float_range_has_exact_decimal_steps():
    v = parse_vary("x=0.1:0.5:0.1")
    assert v.values == (0.1, 0.2, 0.3, 0.4, 0.5)  # no 0.30000000000000004, and 0.5 is kept
    assert not v.integer


def test_a_range_whose_stop_the_step_misses_ends_before_it():
    assert parse_vary("x=1:10:4").values == (1, 5, 9)
    assert parse_vary("x=0:1:0.3").values == (0.0, 0.3, 0.6, 0.9)


def test_a_one_value_range():
    assert parse_vary("x=5:5:1").values == (5,)


def test_factors_multiply_and_label_with_a_star():
    v = parse_vary("call_types.*.arrivals.rate_per_h*=0.9,1,1.1")
    assert v.path == "call_types.*.arrivals.rate_per_h"
    assert v.values == (0.9, 1, 1.1) and v.multiply and not v.integer
    assert v.label == "call_types.*.arrivals.rate_per_h*"


def test_a_multiplier_range_is_not_rounded_to_counts():
    assert parse_vary("x*=1:3:1").values == (1.0, 2.0, 3.0)
    assert not parse_vary("x*=1:3:1").integer


# --- parse_vary: bad forms, with their messages ----------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("agents", "--vary: must be PATH=VALUES or PATH*=FACTORS, got 'agents'"),
        ("=3", "--vary: must be PATH=VALUES or PATH*=FACTORS, got '=3'"),
        ("x=", "--vary: must be PATH=VALUES or PATH*=FACTORS, got 'x='"),
        ("x=1:y:2", "--vary: x: a range is START:STOP:STEP numbers, got '1:y:2'"),
        ("x=5:1:1", "--vary: x: a range needs STOP >= START and STEP > 0, got '5:1:1'"),
        ("x=1:5:0", "--vary: x: a range needs STOP >= START and STEP > 0, got '1:5:0'"),
        ("x=1:5:-1", "--vary: x: a range needs STOP >= START and STEP > 0, got '1:5:-1'"),
        ("x=0:inf:1", "--vary: x: a range needs STOP >= START and STEP > 0, got '0:inf:1'"),
        ("x*=0.9,lots", "--vary: x*: factors must be numbers, got '0.9,lots'"),
        ("x*=true", "--vary: x*: factors must be numbers, got 'true'"),
        ("x=1,[2,", "--vary: x: a value is not valid YAML, got '[2,'"),
        ("x=0:100000:1", "--vary: x: 100,001 values (at most 10,000), got '0:100000:1'"),
    ],
)
def test_bad_forms_are_refused_with_their_message(text, message):
    with pytest.raises(InputError) as exc:
        parse_vary(text)
    assert messages(exc) == [message]


# --- wildcards and multipliers on real scenarios ---------------------------------------


def test_a_wildcard_reaches_every_call_type_by_id():
    base = load_scenario(TWO_SKILL)
    v = parse_vary("call_types.*.handle_time.mean_s=100,200")
    a, b = point_scenarios(base, [v], grid([v]))
    assert [(ct.id, ct.handle_time.mean_s) for ct in a.call_types] == [
        ("billing", 100.0),
        ("technical", 100.0),
    ]
    assert [ct.handle_time.mean_s for ct in b.call_types] == [200.0, 200.0]
    # everything else is the base scenario's
    assert a.replace({"call_types.billing.handle_time.mean_s": 150.0,
                      "call_types.technical.handle_time.mean_s": 300.0}) == base  # fmt: skip


def test_a_multiplier_scales_a_number():
    base = load_scenario(TWO_SKILL)
    v = parse_vary("call_types.technical.arrivals.rate_per_h*=0.5,1.5")
    lo, hi = point_scenarios(base, [v], grid([v]))
    assert lo.call_type("technical").arrivals.rate_per_h == 60.0
    assert hi.call_type("technical").arrivals.rate_per_h == 180.0


def test_a_multiplier_scales_every_interval_of_a_list():
    base = load_scenario(TWO_SKILL)
    before = list(base.call_type("billing").arrivals.per_interval)
    v = parse_vary("call_types.billing.arrivals.per_interval*=1.1")
    (sc,) = point_scenarios(base, [v], grid([v]))
    assert list(sc.call_type("billing").arrivals.per_interval) == pytest.approx(
        [1.1 * x for x in before]
    )


def test_a_multiplier_rounds_counts_of_agents():
    base = load_scenario(TWO_SKILL)
    v = parse_vary("centers.main.groups.*.agents*=1.1")
    (sc,) = point_scenarios(base, [v], grid([v]))
    billing, technical = sc.to_dict()["centers"][0]["groups"]
    # per interval: 11 13 14 16 16 14 13 12 11 12 14 14 14 12 10 8, times 1.1, rounded
    assert billing["agents"]["per_interval"] == [
        12, 14, 15, 18, 18, 15, 14, 13, 12, 13, 15, 15, 15, 13, 11, 9
    ]  # fmt: skip
    assert technical["agents"] == 13  # 13.2 agents: 13


def test_a_multiplier_of_a_field_the_file_leaves_out_is_refused_once():
    base = load_scenario(TWO_SKILL)
    # billing's arrivals are per interval: it has no rate to multiply
    v = parse_vary("call_types.*.arrivals.rate_per_h*=0.9,1.0,1.1")
    with pytest.raises(InputError) as exc:
        point_scenarios(base, [v], grid([v]))
    assert messages(exc) == [
        "--vary call_types.*.arrivals.rate_per_h*: call_types.billing.arrivals.rate_per_h "
        "is not set in the scenario: nothing to multiply"
    ]


def test_a_multiplier_of_a_mapping_is_refused():
    base = load_scenario(TWO_SKILL)
    v = parse_vary("call_types.technical.handle_time*=2")
    with pytest.raises(InputError) as exc:
        point_scenarios(base, [v], grid([v]))
    assert messages(exc) == [
        "--vary call_types.technical.handle_time*: call_types.technical.handle_time holds "
        "dict, not numbers: nothing to multiply"
    ]


def test_a_vary_may_set_a_field_the_file_leaves_out():
    # as --set does: mmn's callers have no patience until the sweep gives them some
    base = load_scenario(MMN)
    v = parse_vary("call_types.general.patience={dist: exponential, mean_s: 60}")
    w = parse_vary("call_types.general.patience.mean_s=30,90")
    scs = point_scenarios(base, [v, w], grid([v, w]))
    assert [sc.call_types[0].patience.mean_s for sc in scs] == [30.0, 90.0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("call_types.nope.handle_time.mean_s=3",
         "--vary call_types.nope.handle_time.mean_s: no such field or item ('nope')"),
        ("centers.main.groups.5.agents=3",
         "--vary centers.main.groups.5.agents: no such field or item (list index out of range)"),
        ("call_types.*.nope.*.x=3", "--vary call_types.*.nope.*.x: no such field or item ('nope')"),
    ],
)  # fmt: skip
def test_an_item_that_does_not_exist_is_named(text, message):
    v = parse_vary(text)
    with pytest.raises(InputError) as exc:
        point_scenarios(load_scenario(MMN), [v], grid([v]))
    assert messages(exc) == [message]


# --- grids ---------------------------------------------------------------------------


def test_a_grid_has_every_combination_the_last_vary_fastest():
    a, b = parse_vary("a=1:3:1"), parse_vary("b*=0.5,2")
    assert grid([a, b]) == [
        {"a": 1, "b*": 0.5}, {"a": 1, "b*": 2},
        {"a": 2, "b*": 0.5}, {"a": 2, "b*": 2},
        {"a": 3, "b*": 0.5}, {"a": 3, "b*": 2},
    ]  # fmt: skip


def test_a_grid_beyond_max_points_asks_for_a_sample():
    a, b = parse_vary("a=1:100:1"), parse_vary("b=1:100:1")
    assert len(grid([a, b])) == MAX_POINTS
    c = parse_vary("c=1,2")
    with pytest.raises(InputError) as exc:
        grid([a, b, c])
    assert messages(exc) == [
        "--vary: the grid has 20,000 points (at most 10,000): use --sample, got 20000"
    ]


# --- Latin hypercube -----------------------------------------------------------------


def test_a_sample_stratifies_every_range():
    n = 10
    varies = [parse_vary("x=0.5:1.5:0.5"), parse_vary("y*=2:4:1")]
    points = sample(varies, n, seed=3)
    assert len(points) == n
    for v in varies:
        u = (np.array([p[v.label] for p in points]) - v.low) / (v.high - v.low)
        assert ((u >= 0) & (u <= 1)).all()
        # exactly one point in each of the n strata of the range
        assert sorted(np.minimum((u * n).astype(int), n - 1)) == list(range(n))


def test_a_sample_picks_lists_evenly():
    # a list is picked from, not filled in between: 12 points, 4 values, 3 points each
    v = parse_vary(f"{AGENTS}=10,20,40,80")
    got = [p[v.label] for p in sample([v], 12, seed=5)]
    assert sorted(got) == [10] * 3 + [20] * 3 + [40] * 3 + [80] * 3


def test_a_sample_of_an_integer_range_gives_whole_numbers():
    v = parse_vary(f"{AGENTS}=10:20:1")
    got = [p[v.label] for p in sample([v], 7, seed=1)]
    assert all(type(x) is int and 10 <= x <= 20 for x in got)


def test_a_sample_is_reproducible_by_seed():
    varies = [parse_vary("x=0:1:0.1"), parse_vary("y=a,b,c")]
    assert sample(varies, 6, seed=9) == sample(varies, 6, seed=9)
    assert sample(varies, 6, seed=9) != sample(varies, 6, seed=10)


@pytest.mark.parametrize("n", [0, -1, MAX_POINTS + 1])
def test_a_sample_size_out_of_bounds_is_refused(n):
    with pytest.raises(InputError) as exc:
        sample([parse_vary("x=0:1:0.1")], n, seed=1)
    assert messages(exc) == [f"--sample: must be 1 to 10,000, got {n}"]


# --- points validated ----------------------------------------------------------------


def test_every_bad_point_is_listed_at_once():
    base = load_scenario(MMN)
    varies = [parse_vary(f"{AGENTS}=-1,12"), parse_vary("call_types.general.handle_time.nope=3")]
    with pytest.raises(InputError) as exc:
        point_scenarios(base, varies, grid(varies))
    p1 = f"point 1 ({AGENTS}=-1, call_types.general.handle_time.nope=3)"
    p2 = f"point 2 ({AGENTS}=12, call_types.general.handle_time.nope=3)"
    known = (
        "unknown key; known keys: cv, dist, max_s, mean_s, min_s, mode_s, shape, values_s, weights"
    )
    assert messages(exc) == [
        f"{p1}: call_types[0].handle_time.nope: {known}",
        f"{p1}: centers[0].groups[0].agents: must be >= 0, got -1",
        f"{p2}: call_types[0].handle_time.nope: {known}",
    ]


def test_a_repeated_problem_does_not_crowd_out_the_others():
    # 150 points share the multiplier's problem; the bad point after them is still listed
    base = load_scenario(TWO_SKILL)
    agents = ",".join(["12"] * 149 + ["-1"])
    varies = [
        parse_vary("call_types.*.arrivals.rate_per_h*=1"),
        parse_vary(f"centers.main.groups.technical_team.agents={agents}"),
    ]
    with pytest.raises(InputError) as exc:
        point_scenarios(base, varies, grid(varies))
    got = messages(exc)
    assert len(got) == 2
    assert "nothing to multiply" in got[0]
    assert "centers[0].groups[1].agents: must be >= 0, got -1" in got[1]


def test_the_base_scenario_is_not_changed():
    base = load_scenario(MMN)
    before = base.to_dict()
    v = parse_vary(f"{AGENTS}=10,14")
    scs = point_scenarios(base, [v], grid([v]))
    assert base.to_dict() == before
    assert [sc.centers[0].groups[0].agents for sc in scs] == [10, 14]
