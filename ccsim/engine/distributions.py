"""Samplers for the scenario's distributions: vectorized draws in seconds."""

from __future__ import annotations

import math
from functools import partial

import numpy as np
from numpy.typing import NDArray
from scipy import optimize, special

from ccsim.engine.streams import Sampler
from ccsim.scenario.distributions import WEIBULL_SHAPE, Dist, Patience

FloatArray = NDArray[np.float64]


def weibull_shape_for_cv(cv: float) -> float:
    """Weibull shape k whose coefficient of variation is ``cv``."""

    def f(log_k: float) -> float:
        k = math.exp(log_k)
        g1 = special.gamma(1.0 + 1.0 / k)
        g2 = special.gamma(1.0 + 2.0 / k)
        return math.sqrt(max(g2 / (g1 * g1) - 1.0, 0.0)) - cv

    lo, hi = (math.log(k) for k in WEIBULL_SHAPE)
    return math.exp(optimize.brentq(f, lo, hi, xtol=1e-14))


def _zeros(rng: np.random.Generator, n: int) -> FloatArray:
    return np.zeros(n)


def _exponential(mean: float, rng: np.random.Generator, n: int) -> FloatArray:
    return rng.exponential(mean, n)


def _lognormal(mu: float, sigma: float, rng: np.random.Generator, n: int) -> FloatArray:
    return rng.lognormal(mu, sigma, n)


def _gamma(shape: float, scale: float, rng: np.random.Generator, n: int) -> FloatArray:
    return rng.gamma(shape, scale, n)


def _weibull(shape: float, scale: float, rng: np.random.Generator, n: int) -> FloatArray:
    return scale * rng.weibull(shape, n)


def _uniform(lo: float, hi: float, rng: np.random.Generator, n: int) -> FloatArray:
    return rng.uniform(lo, hi, n)


def _constant(value: float, rng: np.random.Generator, n: int) -> FloatArray:
    return np.full(n, value)


def _empirical(values: FloatArray, p: FloatArray, rng: np.random.Generator, n: int) -> FloatArray:
    return rng.choice(values, size=n, p=p)


def _scaled(base: Sampler, factor: float, rng: np.random.Generator, n: int) -> FloatArray:
    return base(rng, n) * factor


def sampler(d: Dist | None, scale: float = 1.0) -> Sampler:
    """A vectorized sampler of ``d`` (times ``scale``); ``None`` draws zeros."""
    if d is None:
        return _zeros
    base = _base(d)
    return base if scale == 1.0 else partial(_scaled, base, scale)


def _base(d: Dist) -> Sampler:
    m = d.mean
    if d.dist == "exponential":
        return partial(_exponential, m)
    if d.dist == "lognormal":
        assert d.cv is not None
        if d.cv == 0:
            return partial(_constant, m)
        s2 = math.log1p(d.cv * d.cv)
        return partial(_lognormal, math.log(m) - s2 / 2.0, math.sqrt(s2))
    if d.dist == "gamma":
        k = d.shape if d.shape is not None else 1.0 / (d.cv or 1.0) ** 2
        return partial(_gamma, k, m / k)
    if d.dist == "weibull":
        k = d.shape if d.shape is not None else weibull_shape_for_cv(d.cv or 1.0)
        return partial(_weibull, k, m / special.gamma(1.0 + 1.0 / k))
    if d.dist == "uniform":
        if d.min_s is not None and d.max_s is not None:
            return partial(_uniform, d.min_s, d.max_s)
        w = m * (d.cv or 0.0) * math.sqrt(3.0)
        return partial(_uniform, m - w, m + w)
    if d.dist == "constant":
        return partial(_constant, m)
    assert d.values_s is not None
    weights = np.asarray(
        d.weights if d.weights is not None else [1.0] * len(d.values_s), dtype=float
    )
    return partial(_empirical, np.asarray(d.values_s, dtype=float), weights / weights.sum())


def _patience(
    body: Sampler, share: float, within: float, rng: np.random.Generator, n: int
) -> FloatArray:
    # one block of uniforms decides balking, whatever the body distribution needs
    u = rng.random(n)
    out = body(rng, n)
    balk = u < share
    if balk.any():
        out[balk] = within * (u[balk] / share)
    return out


def patience_sampler(p: Patience | None) -> Sampler | None:
    """Sampler of patience with its balking share; ``None`` for callers who never hang up."""
    if p is None:
        return None
    body = _base(p)
    if p.balk_share <= 0:
        return body
    return partial(_patience, body, p.balk_share, p.balk_within_s)
