"""The triangular distribution (min, mode, max): draws, mean, residual life, rules."""

import numpy as np
import pytest
from scipy import stats

from ccsim.engine.distributions import sampler
from ccsim.engine.residual import residual
from ccsim.scenario import Dist
from tests.helpers.problems import has
from tests.helpers.scen import base


def tri(lo=60.0, mode=150.0, hi=420.0):
    return Dist.model_validate({"dist": "triangular", "min_s": lo, "mode_s": mode, "max_s": hi})


def test_draws_follow_the_triangular_law():
    d = tri()
    x = sampler(d)(np.random.default_rng(3), 20_000)
    assert x.min() >= 60.0 and x.max() <= 420.0
    assert d.mean == pytest.approx(210.0)
    # Kolmogorov-Smirnov at 99.9 %: a correct sampler fails once in a thousand seeds
    law = stats.triang((150 - 60) / (420 - 60), loc=60, scale=360)
    assert stats.kstest(x, law.cdf).pvalue > 0.001
    assert d.describe() == "triangular(60, 150, 420 s)"


def test_a_point_is_a_constant():
    d = tri(100, 100, 100)
    assert (sampler(d)(np.random.default_rng(1), 5) == 100.0).all()
    assert residual(d, 30.0, np.random.default_rng(1)) == 70.0


def test_residual_life_stays_in_the_support():
    d = tri()
    rng = np.random.default_rng(5)
    rest = np.asarray([residual(d, 300.0, rng) for _ in range(2_000)])
    assert (rest >= 0).all() and (rest <= 120.0 + 1e-9).all()


def test_runs_as_a_talk_time():
    from ccsim.engine.model import Simulation
    from ccsim.scenario import parse_scenario

    d = base()
    d["call_types"][0]["handle_time"] = {"dist": "triangular", "min_s": 5, "mode_s": 5, "max_s": 9}
    talk = Simulation(parse_scenario(d), 0).run().calls["talk"]
    assert 5.0 <= float(talk[0]) <= 9.0


@pytest.mark.parametrize(
    ("params", "rule"),
    [
        ({"min_s": 60, "max_s": 100}, "triangular needs min_s, mode_s and max_s"),
        ({"min_s": 60, "mode_s": 50, "max_s": 100}, "triangular needs min_s <= mode_s <= max_s"),
        ({"min_s": 0, "mode_s": 0, "max_s": 0}, "triangular needs max_s > 0"),
        ({"mean_s": 60, "min_s": 1, "mode_s": 2, "max_s": 3}, "triangular does not take mean_s"),
    ],
)
def test_rules(params, rule):
    d = base()
    d["call_types"][0]["handle_time"] = {"dist": "triangular", **params}
    has(d, f"call_types[0].handle_time: {rule}")
