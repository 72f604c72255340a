"""Residual life: the rest of a duration given the time already spent.

Statistical checks reject at the suite's confidence (``tests/validation/stats.py``): a
correct sampler fails one check in a thousand.
"""

import numpy as np
import pytest
from scipy import stats

from ccsim.engine.distributions import patience_sampler
from ccsim.engine.residual import frozen, residual, residual_patience, residuals
from ccsim.scenario import Patience
from ccsim.scenario.distributions import dist_from
from tests.validation.stats import CONFIDENCE

ALPHA = 1.0 - CONFIDENCE
N = 2000


def draws(d, elapsed, seed, n=N):
    rng = np.random.default_rng(seed)
    return np.array([residual(d, elapsed, rng) for _ in range(n)])


@pytest.mark.parametrize("elapsed", [0.0, 30.0, 600.0])
def test_exponential_is_memoryless(elapsed):
    d = dist_from({"dist": "exponential", "mean_s": 120})
    x = draws(d, elapsed, seed=1)
    p = stats.kstest(x, stats.expon(scale=120).cdf).pvalue
    assert p > ALPHA, f"elapsed {elapsed}: KS p = {p:.2g}"


def conditional_cdf(f, e):
    """CDF of the remaining time X - e given X > e: (F(e + x) - F(e)) / (1 - F(e))."""
    return lambda x: (f.cdf(e + np.asarray(x)) - f.cdf(e)) / f.sf(e)


LAWS = [
    pytest.param({"dist": "lognormal", "mean_s": 180, "cv": 1.0}, id="lognormal"),
    pytest.param({"dist": "weibull", "mean_s": 90, "shape": 0.7}, id="weibull"),
]


@pytest.mark.parametrize("law", LAWS)
def test_residual_follows_the_conditional_law(law):
    d = dist_from(law)
    e = 60.0
    x = draws(d, e, seed=2)
    assert (x >= 0).all()
    p = stats.kstest(x, conditional_cdf(frozen(d), e)).pvalue
    assert p > ALPHA, f"one-sample KS p = {p:.2g}"


@pytest.mark.parametrize("law", LAWS)
def test_residual_matches_unconditional_draws_past_the_elapsed_time(law):
    # independent of scipy's inverse: the engine's own sampler, kept past e, minus e
    d = dist_from(law)
    e = 60.0
    rng = np.random.default_rng(3)
    u = patience_sampler(Patience.model_validate(law))(rng, 20000)
    kept = u[u > e] - e
    assert kept.size > 3000
    x = draws(d, e, seed=4)
    p = stats.ks_2samp(x, kept).pvalue
    assert p > ALPHA, f"two-sample KS p = {p:.2g}"


def test_residual_changes_with_elapsed_as_the_hazard_says():
    # Weibull shape < 1: falling hazard, the longer spent the longer left (mean residual life)
    d = dist_from({"dist": "weibull", "mean_s": 90, "shape": 0.7})
    f = frozen(d)
    e = 60.0
    mrl = f.expect(lambda x: x - e, lb=e, conditional=True)
    assert mrl > 90.0
    x = draws(d, e, seed=5)
    half = stats.t.ppf(0.5 + CONFIDENCE / 2, N - 1) * x.std(ddof=1) / np.sqrt(N)
    assert abs(x.mean() - mrl) <= half, (x.mean(), mrl, half)


@pytest.mark.parametrize(
    ("elapsed", "expected"), [(0.0, 100.0), (30.0, 70.0), (100.0, 0.0), (150.0, 0.0)]
)
def test_constant_is_what_is_left(elapsed, expected):
    rng = np.random.default_rng(0)
    assert residual(dist_from({"dist": "constant", "mean_s": 100}), elapsed, rng) == expected
    # a lognormal without spread is the constant
    assert residual(dist_from({"dist": "lognormal", "mean_s": 100, "cv": 0}), elapsed, rng) == (
        expected
    )


def test_none_lasts_nothing():
    assert residual(None, 50.0, np.random.default_rng(0)) == 0.0


def test_empirical_keeps_only_longer_values_with_their_weights():
    d = dist_from({"dist": "empirical", "values_s": [10, 20, 30, 40], "weights": [1, 1, 1, 5]})
    x = draws(d, 25.0, seed=6)
    assert set(np.round(x, 9)) == {5.0, 15.0}
    # P(remaining 5 s) = 1 / 6 (weights 1 and 5 of the values above 25 s)
    k = int((np.round(x, 9) == 5.0).sum())
    p = stats.binomtest(k, N, 1 / 6).pvalue
    assert p > ALPHA, (k, p)


def test_empirical_past_every_value_is_over():
    d = dist_from({"dist": "empirical", "values_s": [10, 20]})
    assert residual(d, 20.0, np.random.default_rng(0)) == 0.0
    assert residual(d, 99.0, np.random.default_rng(0)) == 0.0


def balking(**over):
    p = {"dist": "exponential", "mean_s": 60, "balk_share": 0.4, "balk_within_s": 10}
    p.update(over)
    return Patience.model_validate(p)


@pytest.mark.parametrize("elapsed", [10.0, 15.0, 200.0])
def test_caller_past_the_balk_window_never_balks(elapsed):
    p = balking()
    a, b = np.random.default_rng(7), np.random.default_rng(7)
    x = np.array([residual_patience(p, elapsed, a) for _ in range(N)])
    # exactly the body's residual: same random numbers, same values
    y = np.array([residual(p, elapsed, b) for _ in range(N)])
    np.testing.assert_array_equal(x, y)
    pv = stats.kstest(x, stats.expon(scale=60).cdf).pvalue
    assert pv > ALPHA, pv


@pytest.mark.parametrize("body", [{}, {"dist": "weibull", "mean_s": 90, "shape": 0.7}])
def test_caller_inside_the_balk_window_follows_the_conditional_mixture(body):
    p = balking(**body)
    e = 4.0
    rng = np.random.default_rng(8)
    u = patience_sampler(p)(rng, 40000)
    kept = u[u > e] - e
    x = np.array([residual_patience(p, e, rng) for _ in range(N)])
    assert (x >= 0).all()
    pv = stats.ks_2samp(x, kept).pvalue
    assert pv > ALPHA, pv
    # some still balk: within the 6 s left of the window
    assert ((x < 6.0).mean()) > 0.2


def test_balk_at_once_is_over_after_any_wait():
    p = balking(balk_within_s=0, balk_share=0.9)
    a, b = np.random.default_rng(9), np.random.default_rng(9)
    assert [residual_patience(p, 1.0, a) for _ in range(50)] == [
        residual(p, 1.0, b) for _ in range(50)
    ]


LAWS = [
    dist_from({"dist": "lognormal", "mean_s": 180, "cv": 0.8}),
    dist_from({"dist": "exponential", "mean_s": 60}),
    dist_from({"dist": "gamma", "mean_s": 120, "cv": 0.5}),
    dist_from({"dist": "weibull", "mean_s": 200, "cv": 1.5}),
    dist_from({"dist": "constant", "mean_s": 30}),
    dist_from({"dist": "lognormal", "mean_s": 50, "cv": 0}),
    None,
]


def items(n=200, seed=4):
    rng = np.random.default_rng(seed)
    return [(LAWS[i % len(LAWS)], float(x)) for i, x in enumerate(rng.uniform(0, 600, n))]


def test_residuals_a_law_at_a_time_are_the_items_one_at_a_time():
    batch = residuals(items(), np.random.default_rng(7))
    rng = np.random.default_rng(7)
    assert batch == [residual(d, e, rng) for d, e in items()]  # the same numbers, bit for bit


def test_residuals_draw_one_uniform_per_law_with_spread_in_order():
    # the conditional-quantile formula by hand, with the uniforms of the same stream
    its = items(40)
    u = iter(np.random.default_rng(3).random(40).tolist())
    expected = []
    for d, e in its:
        if d is None:
            expected.append(0.0)
        elif d.dist == "constant" or (d.dist == "lognormal" and not d.cv):
            expected.append(max(d.mean - e, 0.0))
        elif d.dist == "exponential":
            expected.append(-d.mean * np.log1p(-next(u)))
        else:
            f = frozen(d)
            expected.append(max(float(f.isf(f.sf(e) * (1.0 - next(u)))) - e, 0.0))
    np.testing.assert_allclose(residuals(its, np.random.default_rng(3)), expected, rtol=1e-12)


def test_residuals_with_an_empirical_law_take_the_items_one_at_a_time():
    emp = dist_from({"dist": "empirical", "values_s": [10, 100, 400], "weights": [1, 2, 1]})
    its = [(emp, 50.0), *items(20), (emp, 500.0), (emp, 0.0)]
    batch = residuals(its, np.random.default_rng(9))
    rng = np.random.default_rng(9)
    assert batch == [residual(d, e, rng) for d, e in its]
    assert batch[0] in (50.0, 350.0) and batch[-2] == 0.0 and batch[-1] in (10.0, 100.0, 400.0)
