"""Every scenario in scenarios/ validates and runs (one replication)."""

from pathlib import Path

import pytest

from ccsim.runner import simulate
from ccsim.scenario import load_scenario

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_runs(path):
    sc = load_scenario(path)
    res = simulate(sc, replications=1, workers=1)
    k = res.kpis()
    assert k.loc["offered", "mean"] > 0
    assert 0 <= k.loc["service_level", "mean"] <= 1
    assert res.summary()["scenario"] == sc.name


def test_scenarios_exist():
    names = {p.stem for p in SCENARIOS}
    assert {"mmn", "mmn_abandon", "two_skill_overflow", "province_10000"} <= names
