"""The example under scenarios/logs fits to the committed scenarios/city_centre_fitted.yaml.

A seeded regression (not a validation): when the fit changes on purpose, regenerate the
file with ``ccsim fit scenarios/logs/acd_export.csv --map scenarios/logs/acd_map.yaml
--name city-centre-fitted`` and review the difference. The export itself is made by
``python -m tests.helpers.acd_export`` from ``scenarios/logs/city_centre_truth.yaml``.
"""

from __future__ import annotations

from pathlib import Path

import ccsim
from ccsim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]


def test_the_example_export_fits_to_the_committed_scenario() -> None:
    scenario, report = ccsim.fit(
        ROOT / "scenarios/logs/acd_export.csv",
        map=ROOT / "scenarios/logs/acd_map.yaml",
        name="city-centre-fitted",
    )
    assert scenario == load_scenario(ROOT / "scenarios/city_centre_fitted.yaml")
    assert report.skipped == [
        {"reason": "marked ignore in the log", "rows": 6, "examples": report.skipped[0]["examples"]}
    ]
    # the routing of the truth: fault to the fault desk first, the general group after 30 s
    rules = {tuple(r.call_types or ()): r.groups for r in scenario.routing.rules}
    first, second = rules[("fault",)]
    assert (first.group, first.delay_s) == ("fault_desk", 0.0)
    assert second.group == "general" and second.delay_s >= 30
