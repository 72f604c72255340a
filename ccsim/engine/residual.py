"""Residual life: the rest of a duration already under way, drawn given the time spent.

A caller who has waited 90 s has a patience longer than 90 s; a call in talk for 4 min
will last longer than 4 min. Their remaining time is drawn from the distribution
conditioned on exceeding the elapsed time: with F the CDF, u uniform,
``F^-1(F(e) + u (1 - F(e))) - e``. For the exponential this is the exponential itself
(memoryless); for lognormal, gamma and Weibull the remaining time grows or shrinks with
what was spent, as the family's hazard says.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import special, stats

from ccsim.engine.distributions import weibull_shape_for_cv
from ccsim.scenario.distributions import Dist, Patience


def frozen(d: Dist) -> Any:
    """``d`` as a scipy.stats distribution (None for constant and empirical)."""
    # building a frozen scipy distribution costs about a millisecond: once per law
    return _frozen(d.dist, d.mean, d.cv, d.shape, d.min_s, d.max_s)


@lru_cache(maxsize=256)
def _frozen(
    dist: str, m: float, cv: float | None, shape: float | None, lo: float | None, hi: float | None
) -> Any:
    if dist == "exponential":
        return stats.expon(scale=m)
    if dist == "lognormal":
        if not cv:
            return None
        s2 = math.log1p(cv * cv)
        return stats.lognorm(math.sqrt(s2), scale=math.exp(math.log(m) - s2 / 2.0))
    if dist == "gamma":
        k = shape if shape is not None else 1.0 / (cv or 1.0) ** 2
        return stats.gamma(k, scale=m / k)
    if dist == "weibull":
        k = shape if shape is not None else weibull_shape_for_cv(cv or 1.0)
        return stats.weibull_min(k, scale=m / special.gamma(1.0 + 1.0 / k))
    if dist == "triangular":
        assert lo is not None and hi is not None
        if hi <= lo:
            return None
        mode = 3.0 * m - lo - hi  # the mean is (lo + mode + hi) / 3
        return stats.triang(min(max((mode - lo) / (hi - lo), 0.0), 1.0), loc=lo, scale=hi - lo)
    if dist == "uniform":
        if lo is not None and hi is not None:
            return stats.uniform(lo, hi - lo)
        w = m * (cv or 0.0) * math.sqrt(3.0)
        return stats.uniform(m - w, 2 * w) if w > 0 else None
    return None


def residual(d: Dist | None, elapsed: float, rng: np.random.Generator) -> float:
    """The remaining time of a duration ``d`` that has lasted ``elapsed`` seconds."""
    return residuals([(d, elapsed)], rng)[0]


def residuals(items: Sequence[tuple[Dist | None, float]], rng: np.random.Generator) -> list[float]:
    """The remaining time of each (duration, seconds it has lasted), in turn.

    The one place of the residual-time rules. ``None`` lasts zero seconds; a constant or
    degenerate law (no spread) leaves its mean less the time spent, with no draw; any
    other law draws one uniform per item, in order, so that a batch is the same numbers
    as the items one at a time. Items are computed a law at a time (scipy's overhead is
    per call, not per value). An empirical law draws with its own choice: with one among
    the items, the items are taken one at a time.
    """
    if any(d is not None and d.dist == "empirical" for d, _ in items):
        if len(items) == 1:
            d, e = items[0]
            assert d is not None
            return [_empirical(d, max(0.0, float(e)), rng)]
        return [residuals([it], rng)[0] for it in items]
    out = [0.0] * len(items)
    drawn: list[int] = []
    for i, (d, e) in enumerate(items):
        if d is None:
            continue
        if d.dist != "exponential" and (d.dist == "constant" or frozen(d) is None):
            out[i] = max(d.mean - max(0.0, float(e)), 0.0)
        else:
            drawn.append(i)
    if not drawn:
        return out
    u = rng.random(len(drawn)).tolist()
    by_law: dict[int, list[int]] = {}  # positions in ``drawn`` of each law, by identity
    for j, i in enumerate(drawn):
        by_law.setdefault(id(items[i][0]), []).append(j)
    for js in by_law.values():
        d = items[drawn[js[0]]][0]
        assert d is not None
        if d.dist == "exponential":  # memoryless: the elapsed time does not matter
            for j in js:
                out[drawn[j]] = -d.mean * math.log1p(-u[j])
            continue
        f = frozen(d)
        e = np.maximum(np.asarray([items[drawn[j]][1] for j in js], dtype=float), 0.0)
        # survival-side arithmetic keeps precision deep in the tail
        s = np.asarray(f.sf(e), dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.asarray(f.isf(s * (1.0 - np.asarray([u[j] for j in js]))), dtype=float) - e
        r = np.where(s <= 0.0, 0.0, np.maximum(r, 0.0))
        for j, x in zip(js, r.tolist(), strict=True):
            out[drawn[j]] = x
    return out


def _empirical(d: Dist, e: float, rng: np.random.Generator) -> float:
    """Residual of an empirical law: a value above ``e``, drawn by weight, less ``e``."""
    assert d.values_s is not None
    v = np.asarray(d.values_s, dtype=float)
    w = np.asarray(d.weights if d.weights is not None else [1.0] * len(v), dtype=float)
    ok = v > e
    if not ok.any():
        return 0.0
    p = w[ok] / w[ok].sum()
    return float(rng.choice(v[ok], p=p) - e)


def residual_patience(p: Patience, elapsed: float, rng: np.random.Generator) -> float:
    """Remaining patience of a caller still waiting after ``elapsed`` seconds (balking included).

    A balker hangs up within ``balk_within_s``: one still waiting past that is not a
    balker; before it, the balk part and the body are weighed by their survival.
    """
    e = max(0.0, float(elapsed))
    if p.balk_share > 0 and e < p.balk_within_s:
        f = frozen(p)
        body_s = float(f.sf(e)) if f is not None else (1.0 if p.mean > e else 0.0)
        balk_s = 1.0 - e / p.balk_within_s if p.balk_within_s > 0 else 0.0
        w_balk = p.balk_share * balk_s
        w_body = (1.0 - p.balk_share) * body_s
        if w_balk + w_body > 0 and rng.random() < w_balk / (w_balk + w_body):
            return float(rng.random() * (p.balk_within_s - e))
    return residual(p, e, rng)


def survival(d: Dist | None, elapsed: float) -> float:
    """P(duration > ``elapsed``) for a duration ``d`` (``None``: zero seconds)."""
    if d is None:
        return 0.0
    e = max(0.0, float(elapsed))
    if d.dist == "empirical":
        assert d.values_s is not None
        v = np.asarray(d.values_s, dtype=float)
        w = np.asarray(d.weights if d.weights is not None else [1.0] * len(v), dtype=float)
        return float(w[v > e].sum() / w.sum())
    if d.dist == "exponential":  # the common case, without scipy's overhead
        return math.exp(-e / d.mean)
    f = frozen(d) if d.dist != "constant" else None
    if f is None:  # constant, or a degenerate law: its mean
        return 1.0 if d.mean > e else 0.0
    return float(f.sf(e))
