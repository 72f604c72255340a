import json
import math

import pytest

from tests.regression.golden import BASELINES, CASES, compute

REL = 1e-9  # summation order only: the run itself is bit-for-bit reproducible


@pytest.mark.parametrize("name", list(CASES))
def test_reference_scenario_matches_its_baseline(name):
    base = json.loads((BASELINES / f"{name}.json").read_text())
    now = compute(name)
    for section in ("kpis", "groups"):
        for k, v in base[section].items():
            got = now[section][k]
            if v is None:
                assert got is None or math.isnan(got), (section, k)
            else:
                assert got == pytest.approx(v, rel=REL, abs=1e-12), (section, k, got, v)
