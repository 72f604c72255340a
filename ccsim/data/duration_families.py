"""The candidate families behind ``durations``: maximum-likelihood fits and their intervals.

Each family is fitted with location 0 to the positive values: exponential and lognormal
in closed form, gamma by scipy, Weibull by the root of its profile likelihood equation.
Shape intervals come from each family's asymptotic theory (see ``durations``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import optimize, special, stats

from ccsim.scenario.distributions import GAMMA_MIN_SHAPE, MAX_CV, WEIBULL_SHAPE

FloatArray = NDArray[np.float64]
_Z95 = 1.959963984540054


def ks_distance(srt: FloatArray, cdf: FloatArray) -> float:
    """Kolmogorov-Smirnov distance of sorted values to their fitted CDF.

    ``stats.kstest``'s statistic, without its p-value, whose exact computation costs
    seconds at this size.
    """
    n = srt.size
    i = np.arange(1, n + 1)
    return float(max(np.max(i / n - cdf), np.max(cdf - (i - 1) / n)))


def fit_families(pos: FloatArray, ks_sample: FloatArray) -> list[dict[str, Any]]:
    """Maximum-likelihood fits (location 0) of every family to the positive values.

    Each with its log-likelihood and AIC on the positive values given (a 200,000-value subsample for larger logs), and its KS distance to
    ``ks_sample`` (all values, zeros included, subsampled).
    """
    m = pos.size
    logs = np.log(pos)
    mu, sigma = float(logs.mean()), float(logs.std())
    k_gamma, _, scale_gamma = stats.gamma.fit(pos, floc=0)
    k_weib, scale_weib = weibull_mle(logs)
    s2 = float(logs.var(ddof=1))
    chi_hi, chi_lo = stats.chi2.ppf([0.975, 0.025], m - 1)
    info_gamma = max(float(special.polygamma(1, k_gamma)) - 1.0 / k_gamma, 1e-300)
    se_gamma = 1.0 / math.sqrt(m * info_gamma)
    se_weib = math.sqrt(0.608 / m) * k_weib
    specs: list[tuple[str, Any, float | None, tuple[float, float] | None]] = [
        ("exponential", stats.expon(scale=float(pos.mean())), None, None),
        ("gamma", stats.gamma(k_gamma, scale=scale_gamma), k_gamma,
         normal_ci(k_gamma, se_gamma)),
        ("lognormal", stats.lognorm(sigma, scale=math.exp(mu)), sigma,
         (math.sqrt((m - 1) * s2 / chi_hi), math.sqrt((m - 1) * s2 / chi_lo))),
        ("weibull", stats.weibull_min(k_weib, scale=scale_weib), k_weib,
         normal_ci(k_weib, se_weib)),
    ]  # fmt: skip
    srt = np.sort(ks_sample)
    fits = []
    for family, frozen, shape, shape_ci in specs:
        loglik = float(frozen.logpdf(pos).sum())
        cv = 1.0 if shape is None else cv_of(family, shape)
        fits.append(
            {
                "family": family, "frozen": frozen, "loglik": loglik,
                "aic": 2.0 * (1 if shape is None else 2) - 2.0 * loglik,
                "mean_s": float(frozen.mean()), "cv": cv,
                "shape": None if shape is None else float(shape), "shape_ci": shape_ci,
                "in_range": in_range(family, cv, shape),
                "ks_distance": ks_distance(srt, frozen.cdf(srt)),
            }
        )  # fmt: skip
    return fits


def weibull_mle(logs: FloatArray) -> tuple[float, float]:
    """Weibull shape and scale (s) by maximum likelihood, location 0, from log values.

    The shape k solves sum(x^k ln x) / sum(x^k) - 1/k = mean(ln x), whose left side rises
    with k; the scale is mean(x^k)^(1/k). Powers are taken relative to the largest value
    so that they cannot overflow. A root beyond the bracket returns the bracket's end
    (outside the scenario's range, so the family is not chosen).
    """
    top = float(logs.max())
    rel, mean_log = logs - top, float(logs.mean())

    def score(k: float) -> float:
        w = np.exp(k * rel)
        return float(np.dot(w, logs) / w.sum()) - 1.0 / k - mean_log

    lo, hi = 1e-3, 1e4
    if score(hi) <= 0:
        k = hi
    elif score(lo) >= 0:
        k = lo
    else:
        k = float(optimize.brentq(score, lo, hi, xtol=1e-12, rtol=1e-10))
    return k, math.exp(top + math.log(float(np.mean(np.exp(k * rel)))) / k)


def normal_ci(k: float, se: float) -> tuple[float, float]:
    """95 % normal interval of a shape ``k`` with standard error ``se``."""
    # floored at k/100: the normal interval reaches 0 only for n < 4
    return (max(k - _Z95 * se, k / 100.0), k + _Z95 * se)


def cv_of(family: str, shape: float) -> float:
    """Coefficient of variation of a family with the given shape (lognormal: sigma)."""
    if family == "gamma":
        return 1.0 / math.sqrt(shape)
    if family == "lognormal":
        log_ratio = shape * shape  # log of E[X^2] / E[X]^2
    else:
        log_ratio = special.gammaln(1 + 2 / shape) - 2 * special.gammaln(1 + 1 / shape)
    # capped: beyond it the cv is astronomically out of range anyway, and exp overflows
    return math.sqrt(math.expm1(min(float(log_ratio), 700.0)))


def in_range(family: str, cv: float, shape: float | None) -> bool:
    """Whether the fitted parameters are within the ranges the scenario accepts."""
    if family == "weibull":
        return shape is not None and WEIBULL_SHAPE[0] <= shape <= WEIBULL_SHAPE[1]
    if family == "gamma":
        return shape is not None and shape >= GAMMA_MIN_SHAPE and cv <= MAX_CV
    return cv <= MAX_CV
