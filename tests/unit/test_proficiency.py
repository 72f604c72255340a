"""Proficiency: a group's own talk, wrap and resolution per call type (exact traces, rules)."""

import numpy as np
import pytest

from ccsim.engine.model import Simulation
from ccsim.scenario import parse_scenario
from ccsim.staffing.erlang_step import group_loads
from tests.helpers.problems import has, problems
from tests.helpers.scen import base, const


def two_groups(fast, slow, times=(0, 1, 2), fcr=1.0):
    ct = {
        "id": "a",
        "arrivals": {"times_s": list(times)},
        "handle_time": const(10),
        "wrap_time": const(4),
        "fcr": fcr,
    }
    if fcr < 1:
        ct["return_delay"] = const(10_000)  # after the horizon: no return simulated
    return base(
        call_types=[ct],
        centers=[
            {
                "id": "c",
                "groups": [
                    {"id": "fast", "skills": ["a"], "agents": 1, "proficiency": fast},
                    {"id": "slow", "skills": ["a"], "agents": 1, "proficiency": slow},
                ],
            }
        ],
    )


def rows(data):
    c = Simulation(parse_scenario(data), 0).run().calls
    order = np.lexsort((c["caller"], c["t_arrival"]))
    return [
        (int(c["group"][i]), float(c["wait"][i]), float(c["talk"][i]), float(c["wrap"][i]))
        for i in order
    ]


def test_factor_scales_talk_and_wrap_and_own_law_replaces_them():
    d = two_groups([{"time_factor": 0.5}], [{"handle_time": const(30)}])
    # fast: 5 + 2, free at 7; slow: its own 30 s talk and the type's 4 s wrap
    assert rows(d) == [(0, 0.0, 5.0, 2.0), (1, 0.0, 30.0, 4.0), (0, 5.0, 5.0, 2.0)]


def test_own_wrap_time_and_untouched_talk():
    d = two_groups([{"wrap_time": const(1)}], [])
    assert rows(d)[:2] == [(0, 0.0, 10.0, 1.0), (1, 0.0, 10.0, 4.0)]


def test_group_without_proficiency_keeps_the_types_figures_and_draws():
    plain = two_groups([], [])
    with_other = two_groups([], [{"call_types": ["a"], "fcr": 1.0}])
    assert rows(plain) == rows(with_other)


def test_fcr_of_its_own_and_factor():
    # every caller answered by 'fast' (fcr 0) is unresolved; by 'slow' (fcr 1) resolved
    d = two_groups([{"fcr": 0.0}], [{"fcr_factor": 2.0}], times=(0, 1), fcr=0.5)
    c = Simulation(parse_scenario(d), 0).run().calls
    got = sorted(zip(c["group"].tolist(), c["resolved"].tolist(), strict=True))
    # fcr 0: unresolved, the return falls past the horizon but inside the FCR window (2)
    assert got == [(0, 2), (1, 1)]


def test_random_streams_of_other_quantities_do_not_move():
    # a factor on one group leaves every arrival, patience and talk draw of the run alone
    d = base(
        horizon={"duration_h": 2, "interval_min": 30},
        call_types=[
            {
                "id": "a",
                "arrivals": {"rate_per_h": 100},
                "handle_time": {"dist": "exponential", "mean_s": 60},
                "patience": {"dist": "exponential", "mean_s": 60},
            }
        ],
        centers=[{"id": "c", "groups": [{"id": "g", "skills": ["a"], "agents": 2}]}],
    )
    a = Simulation(parse_scenario(d), 0).run().calls
    d["centers"][0]["groups"][0]["proficiency"] = [{"time_factor": 1.0}]
    b = Simulation(parse_scenario(d), 0).run().calls
    for k in a:
        assert np.array_equal(a[k], b[k], equal_nan=True), k


def test_erlang_step_uses_the_groups_own_handling_time():
    d = base(
        horizon={"duration_h": 1, "interval_min": 60},
        call_types=[
            {
                "id": "a",
                "arrivals": {"rate_per_h": 100},
                "handle_time": {"dist": "exponential", "mean_s": 200},
                "wrap_time": const(40),
            }
        ],
        centers=[
            {
                "id": "c",
                "groups": [
                    {"id": "g", "skills": ["a"], "agents": 5, "proficiency": [{"time_factor": 0.5}]}
                ],
            }
        ],
    )
    gl = group_loads(parse_scenario(d))
    assert gl.calls[0, 0] == pytest.approx(100.0)
    assert gl.work_s[0, 0] == pytest.approx(100.0 * 120.0)
    d["centers"][0]["groups"][0]["proficiency"] = [
        {"handle_time": const(90), "wrap_time": const(10), "fcr": 0.5}
    ]
    d["call_types"][0]["return_delay"] = const(600)
    gl = group_loads(parse_scenario(d))
    # half the callers return once more, and so on: 1 / (1 - 0.5) requests per caller
    assert gl.calls[0, 0] == pytest.approx(200.0)
    assert gl.work_s[0, 0] == pytest.approx(200.0 * 100.0)


# -- validation: path, value and rule --------------------------------------------------------


def one(**prof):
    return two_groups([prof], [])


def test_factor_and_own_law_together_is_refused():
    has(
        one(time_factor=0.8, handle_time=const(10)),
        "centers[0].groups[0].proficiency[0]: give time_factor or handle_time/wrap_time of "
        "its own, not both",
    )


def test_fcr_and_fcr_factor_together_is_refused():
    has(one(fcr=0.9, fcr_factor=1.1), "give fcr or fcr_factor, not both")


def test_empty_entry_is_refused():
    has(one(call_types=["a"]), "give at least one of time_factor, handle_time, wrap_time")


def test_factor_must_be_positive_and_bounded():
    has(one(time_factor=0), "centers[0].groups[0].proficiency[0].time_factor: must be > 0, got 0")
    has(one(time_factor=1000), "proficiency[0].time_factor: must be <= 100, got 1000")


def test_entry_must_name_a_skill_of_its_group():
    d = two_groups([{"call_types": ["b"], "time_factor": 0.9}], [])
    d["call_types"].append({"id": "b", "arrivals": {"rate_per_h": 1}, "handle_time": const(1)})
    d["centers"][0]["groups"][1]["skills"] = ["a", "b"]
    has(
        d,
        "centers[0].groups[0].proficiency[0].call_types[0]: names no skill of this group "
        "(skills: a), got 'b'",
    )


def test_one_entry_per_call_type():
    found = problems(two_groups([{"time_factor": 0.9}, {"call_types": ["a"], "fcr": 0.9}], []))
    assert any(
        "centers[0].groups[0].proficiency[1].call_types[0]: call type 'a' already has "
        "proficiency[0]: one entry per call type, got 'a'" in p
        for p in found
    ), found


def test_fcr_below_one_needs_a_return_delay():
    has(
        one(fcr=0.9),
        "centers[0].groups[0].proficiency[0].fcr: below 1 needs a return_delay on call type "
        "'a' (when do unresolved callers call again?), got 0.9",
    )
