"""Service-level targets per call type: checked on that type's calls at its own threshold."""

import pytest

from ccsim.runner import simulate
from ccsim.scenario import parse_scenario
from ccsim.staffing import staff
from ccsim.staffing.checks import enforced_checks
from tests.helpers.problems import has
from tests.helpers.scen import base, const


def two_types(targets):
    # one agent, 10 s calls: a at 0 and 1 waits 0 and 9 s, b at 2 waits 18 s
    return base(
        call_types=[
            {"id": "a", "arrivals": {"times_s": [0, 1]}, "handle_time": const(10)},
            {"id": "b", "arrivals": {"times_s": [2]}, "handle_time": const(10)},
        ],
        centers=[{"id": "c", "groups": [{"id": "g", "skills": ["a", "b"], "agents": 1}]}],
        targets=targets,
    )


def test_each_call_type_is_checked_at_its_own_threshold():
    sc = parse_scenario(
        two_types(
            {
                "service_level": {"threshold_s": 20},
                "call_types": {
                    "a": {"service_level": {"threshold_s": 5, "target": 0.6}, "asa_s": 5},
                    "b": {"service_level": {"target": 0.9}},
                },
            }
        )
    )
    checks = {t.name: t for t in simulate(sc).targets()}
    a, b = checks["call_types.a.service_level"], checks["call_types.b.service_level"]
    assert (a.value.mean, a.met, a.scope) == (0.5, False, "call type a")
    assert (b.value.mean, b.met) == (1.0, True)  # 18 s within the scenario's 20 s
    asa = checks["call_types.a.asa_s"]
    assert (asa.value.mean, asa.rule, asa.met) == (4.5, "<=", True)
    assert "call_types.a.service_level" in simulate(sc).summary()["targets"]


def test_staffing_enforces_call_type_targets():
    sc = parse_scenario(
        two_types({"call_types": {"a": {"service_level": {"threshold_s": 5, "target": 0.9}}}})
    )
    checks = enforced_checks(sc)
    assert [(c.name, c.scope) for c in checks] == [("call_types.a.service_level", "call_type:a")]


def test_staff_plans_for_a_call_type_target_alone():
    d = two_types({"call_types": {"a": {"service_level": {"threshold_s": 5, "target": 0.9}}}})
    d["horizon"] = {"duration_h": 1, "interval_min": 60}
    d["call_types"][0]["arrivals"] = {"rate_per_h": 120}
    d["call_types"][0]["handle_time"] = {"dist": "exponential", "mean_s": 60}
    d["call_types"][1]["arrivals"] = {"rate_per_h": 30}
    d["replications"] = 4
    # one agent answers 2 % of a's calls within 5 s; the plan adds agents until 90 %
    plan = staff(parse_scenario(d))
    assert plan.feasible
    res = simulate(plan.staffed_scenario())
    a = {t.name: t for t in res.targets()}["call_types.a.service_level"]
    assert a.met


def test_unknown_call_type_is_refused():
    has(
        two_types({"call_types": {"c": {"asa_s": 5}}}),
        "targets.call_types.c: names no call type (known: a, b), got 'c'",
    )


@pytest.mark.parametrize("bad", [{"service_level": {"target": 1.5}}, {"asa_s": 0}])
def test_ranges_as_for_tiers(bad):
    has(two_types({"call_types": {"a": bad}}), "targets.call_types.a.")
