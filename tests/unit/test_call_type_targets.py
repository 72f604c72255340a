"""Service-level threshold and targets per call type."""

import pytest

from ccsim.runner import simulate
from ccsim.scenario import parse_scenario
from tests.helpers.problems import has
from tests.helpers.scen import base, const


def scenario(**targets):
    # one agent talking 10 s; calls of a at 0, 1, 2: waits 0, 9, 18
    d = base(
        call_types=[
            {"id": "a", "arrivals": {"times_s": [0, 1, 2]}, "handle_time": const(10),
             "targets": targets},
            {"id": "b", "arrivals": {"times_s": [100]}, "handle_time": const(10)},
        ],
        centers=[{"id": "c", "groups": [{"id": "g", "skills": ["a", "b"], "agents": 1}]}],
        targets={"service_level": {"threshold_s": 5}},
    )  # fmt: skip
    return parse_scenario(d)


def test_a_call_type_target_uses_its_own_threshold():
    res = simulate(scenario(service_level={"threshold_s": 10, "target": 0.6}, asa_s=5), workers=1)
    t = {x.name: x for x in res.targets()}
    sl = t["call_types.a.service_level"]
    assert sl.scope == "call type a" and sl.value.mean == pytest.approx(2 / 3)  # 0 and 9 s
    assert sl.met
    asa = t["call_types.a.asa_s"]
    assert asa.value.mean == pytest.approx(9.0) and not asa.met
    # the scenario's threshold still rules the call type's KPI row
    assert res.kpis("call_type").loc["a", ("service_level", "mean")] == pytest.approx(1 / 3)
    doc = res.summary()
    assert doc["targets"]["call_types.a.service_level"]["met"] is True


def test_a_call_type_target_under_the_pooled_estimator():
    sc = scenario(service_level={"threshold_s": 10, "target": 0.6})
    sc = sc.replace({"kpi.estimator": "ratio_of_totals"})
    t = {x.name: x for x in simulate(sc, workers=1).targets()}
    assert t["call_types.a.service_level"].value.mean == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("targets", "expected"),
    [
        (
            {"service_level": {"target": 1.5}},
            "call_types[0].targets.service_level.target: must be <= 1",
        ),
        ({"abandon_rate": -0.1}, "call_types[0].targets.abandon_rate: must be >= 0"),
        ({"fcr": 0.8}, "call_types[0].targets.fcr: unknown key"),
    ],
)
def test_validation_messages(targets, expected):
    d = base()
    d["call_types"][0]["targets"] = targets
    has(d, expected)
