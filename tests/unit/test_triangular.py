"""The triangular distribution: validation, draws, and its residual life."""

import numpy as np
import pytest

from ccsim.engine.distributions import sampler
from ccsim.engine.residual import residual
from ccsim.scenario.distributions import dist_from
from tests.helpers.problems import has
from tests.helpers.scen import base

TRI = {"dist": "triangular", "min_s": 60, "mode_s": 90, "max_s": 300}


def test_draws_stay_in_range_with_the_right_mean_and_mode():
    d = dist_from(TRI)
    assert d.mean == pytest.approx(150.0)
    assert d.describe() == "triangular(60, 90, 300 s)"
    x = sampler(d)(np.random.default_rng(1), 200_000)
    assert x.min() >= 60 and x.max() <= 300
    # mean within 5 standard errors; cdf at the mode (mode - min) / (max - min) = 0.125
    sd = np.sqrt((60**2 + 90**2 + 300**2 - 60 * 90 - 60 * 300 - 90 * 300) / 18)
    assert abs(x.mean() - 150.0) < 5 * sd / np.sqrt(x.size)
    p = 0.125
    assert abs((x <= 90).mean() - p) < 5 * np.sqrt(p * (1 - p) / x.size)


def test_a_degenerate_triangle_is_a_constant():
    d = dist_from({"dist": "triangular", "min_s": 30, "mode_s": 30, "max_s": 30})
    assert sampler(d)(np.random.default_rng(0), 3).tolist() == [30.0, 30.0, 30.0]
    assert residual(d, 10.0, np.random.default_rng(0)) == 20.0


def test_residual_life_is_within_what_is_left():
    d = dist_from(TRI)
    rng = np.random.default_rng(2)
    r = np.asarray([residual(d, 100.0, rng) for _ in range(2000)])
    assert (r >= 0).all() and (r <= 200.0 + 1e-9).all()
    # given 100 s elapsed (past the mode), the remaining time falls linearly to 300
    assert r.mean() == pytest.approx(200.0 / 3.0, rel=0.05)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (
            {"dist": "triangular", "min_s": 60, "max_s": 300},
            "triangular needs min_s, mode_s and max_s",
        ),
        (
            {"dist": "triangular", "min_s": 60, "mode_s": 400, "max_s": 300},
            "triangular needs min_s <= mode_s <= max_s",
        ),
        (
            {"dist": "triangular", "min_s": 1, "mode_s": 2, "max_s": 3, "mean_s": 2},
            "triangular does not take mean_s",
        ),
        (
            {"dist": "lognormal", "mean_s": 2, "cv": 1, "mode_s": 2},
            "lognormal does not take mode_s",
        ),
    ],
)
def test_validation_messages(spec, expected):
    d = base()
    d["call_types"][0]["handle_time"] = spec
    has(d, expected)
