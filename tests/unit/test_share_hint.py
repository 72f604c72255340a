"""The hint for a share written as a percentage: said as a condition, and only where it helps."""

import pytest

from ccsim.scenario.problem_paths import percent_hint
from tests.helpers.problems import problems
from tests.helpers.scen import base


def _with(path: str, value):
    d = base()
    node = d
    *parents, key = path.split(".")
    for part in parents:
        node = node.setdefault(part, {})
    node[key] = value
    return d


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        # above 1 and at most 100: the fraction it means if it was a percentage
        ("targets.abandon_rate", 1.5,
         "targets.abandon_rate: must be <= 1 (shares are fractions: if you meant 1.5 %, write 0.015), got 1.5"),
        ("targets.abandon_rate", 80,
         "targets.abandon_rate: must be <= 1 (shares are fractions: if you meant 80 %, write 0.8), got 80"),
        ("targets.abandon_rate", 100,
         "targets.abandon_rate: must be <= 1 (shares are fractions: if you meant 100 %, write 1), got 100"),
        # written as typed, the fraction exact (no rounding to 6 digits, no binary noise)
        ("targets.abandon_rate", 1.1,
         "targets.abandon_rate: must be <= 1 (shares are fractions: if you meant 1.1 %, write 0.011), got 1.1"),
        ("targets.abandon_rate", 99.99999999,
         "targets.abandon_rate: must be <= 1 (shares are fractions: if you meant 99.99999999 %, write 0.9999999999), got 99.99999999"),
        # above 100 it cannot be a percentage of a share: the rule alone
        ("targets.abandon_rate", 150, "targets.abandon_rate: must be <= 1, got 150"),
        # a share that must stay below 1: 100 % would break that too
        ("staffing.shrinkage", 30,
         "staffing.shrinkage: must be < 1 (shares are fractions: if you meant 30 %, write 0.3), got 30"),
        ("staffing.shrinkage", 100, "staffing.shrinkage: must be < 1, got 100"),
        # the fraction must pass the field's lower bound too (confidence above 0.5)
        ("staffing.confidence", 95,
         "staffing.confidence: must be < 1 (shares are fractions: if you meant 95 %, write 0.95), got 95"),
        ("staffing.confidence", 50, "staffing.confidence: must be < 1, got 50"),
        ("staffing.confidence", 0.5, "staffing.confidence: must be > 0.5, got 0.5"),
    ],
)  # fmt: skip
def test_share_hint_messages(path, value, message):
    assert message in problems(_with(path, value))


@pytest.mark.parametrize("value", [0.5, 1, 150, -3, float("nan"), float("inf"), True, "80%"])
def test_no_hint_for_what_cannot_be_a_percentage(value):
    assert percent_hint(value) == ""
