"""Fitting a random duration (talk, wrap-up, IVR time, redial delay) from observed values.

The analyst's procedure, stated once:

1. Values must be >= 0 seconds (NaN is dropped by the caller beforehand); a negative or
   non-finite value raises ``ValueError`` naming the duration. No values: ``None``.
2. All values equal, to a millionth (all 0 included): ``{dist: constant, mean_s: mean}``.
3. Otherwise four families are fitted by maximum likelihood with location fixed at 0 to
   the positive values (beyond 200,000 of them, to a fixed subsample of 200,000, whose
   intervals are then those of the subsample): exponential (closed form: the mean), lognormal (closed form: mean
   and sd of the logs), gamma (``scipy.stats.gamma.fit(floc=0)``, which solves the
   likelihood equation) and weibull (the root of its profile likelihood equation in the
   shape, by ``scipy.optimize.brentq``: 50 times faster than ``weibull_min.fit``, whose
   generic optimiser gives the same shape). The family with the lowest AIC
   (2 parameters - 2 log-likelihood) is chosen, or the exponential when it is within
   2 AIC units of it (no evidence for a shape), among those whose parameters the
   scenario accepts (lognormal and gamma cv at most 100, weibull shape 0.1 to 1000).
4. Goodness of fit: the Kolmogorov-Smirnov distance (the largest gap between fitted and
   observed CDF, not its p-value, which is tiny for any real data set of thousands of
   calls) of the chosen family against all values, zeros included, on a subsample of at
   most 200,000. If it exceeds ``ks_limit`` and the test's 5 % critical distance
   1.36/sqrt(n) (a small sample cannot reject a family), or more than 1 % of the values are exactly 0
   (no family puts mass at 0), the result is ``empirical``: at most
   ``max_empirical_points`` values (means of equal-count bins of the sorted positive
   values, so the mean is kept, plus 0 with the share of zeros), weighted by share.

Confidence intervals (95 %): the mean by the normal approximation (sample sd / sqrt(n),
all values); cv and shape from the chosen family's asymptotic theory: lognormal sigma^2
by the chi-square interval; gamma shape by the Fisher information, var(k) = 1 / (n
(trigamma(k) - 1/k)); weibull shape by var(k) = 0.608 k^2 / n; n is the number of
positive values. The cv interval is the shape interval mapped through the family's cv(shape).
Exponential has cv 1 exactly; its cv interval is the sample cv's, so it shows whether the
data agree. That interval (also used for empirical) is the delta method's, from the
sample's central moments 2 to 4.

The KS subsample is drawn with a fixed seed, so the same values always give the same fit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats

__all__ = ["FAMILIES", "ZERO_LIMIT", "DurationFit", "fit_duration"]

from ccsim.data.duration_families import cv_of, fit_families

FloatArray = NDArray[np.float64]

#: Candidate families, in the order they are reported.
FAMILIES = ("exponential", "gamma", "lognormal", "weibull")
#: Largest share of exact zeros a family may leave unexplained.
ZERO_LIMIT = 0.01
#: Families within this many AIC units of the lowest count as equally good (the simplest wins).
AIC_MARGIN = 2.0
#: Kolmogorov-Smirnov 5 % critical distance times sqrt(n) (large-sample value).
KS_CRITICAL = 1.36
#: Largest sample for the KS distance.
_SUBSAMPLE = 200_000
_SEED = 20_240_601
_Z95 = float(stats.norm.ppf(0.975))
_COLUMNS = ["family", "loglik", "aic", "ks_distance", "mean_s", "cv", "shape", "in_range"]


@dataclass(frozen=True)
class DurationFit:
    """A fitted duration: the scenario's ``Dist`` mapping and the evidence for it.

    ``mean_s`` is the sample mean. ``cv`` is the chosen family's (maximum-likelihood) cv,
    the one ``dist`` gives (exponential: 1); for empirical and constant, the sample's. ``dist``
    holds the family's own mean, which for lognormal and weibull differs slightly from
    the sample mean. Intervals are 95 % (module docstring). ``candidates`` has one row
    per family: family, loglik, aic, ks_distance, mean_s, cv, shape, in_range.
    """

    name: str
    n: int
    dist: dict[str, Any]
    mean_s: float
    mean_ci95: tuple[float, float]
    cv: float
    cv_ci95: tuple[float, float]
    shape: float | None
    shape_ci95: tuple[float, float] | None
    zero_share: float
    chosen: str
    reason: str
    candidates: pd.DataFrame = field(repr=False, compare=False)
    _model: Any = field(default=None, repr=False, compare=False)
    _edges_s: tuple[float, ...] = field(default=(), repr=False, compare=False)
    _heights: tuple[float, ...] = field(default=(), repr=False, compare=False)

    def density(self, x: ArrayLike) -> FloatArray:
        """Fitted density (1/s) at ``x`` seconds, for a histogram overlay.

        Families: the maximum-likelihood density (``dist`` rounds it). Empirical: a
        histogram over equal-count bins of the positive values, scaled by their share (the
        point mass at 0 is not drawn). Constant: 0 everywhere (a point mass).
        """
        xs = np.asarray(x, dtype=float)
        if self.chosen == "constant":
            return np.zeros_like(xs)
        if self.chosen == "empirical":
            edges, heights = np.asarray(self._edges_s), np.asarray(self._heights)
            i = np.searchsorted(edges, xs, side="right") - 1
            inside = (i >= 0) & (i < heights.size)
            out = np.zeros_like(xs)
            out[inside] = heights[i[inside]]
            return out
        return np.asarray(self._model.pdf(xs), dtype=float)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary: the fields, and the candidates as a list of rows."""
        out: dict[str, Any] = {
            f.name: getattr(self, f.name) for f in fields(self) if f.name[0] != "_"
        }
        out["dist"] = dict(self.dist)
        for key in ("mean_ci95", "cv_ci95", "shape_ci95"):
            if out[key] is not None:
                out[key] = [float(v) for v in out[key]]
        rows = self.candidates.astype(object).where(self.candidates.notna(), None)
        out["candidates"] = [
            {k: (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
            for row in rows.to_dict(orient="records")
        ]
        return out


def fit_duration(
    values: ArrayLike, *, name: str, max_empirical_points: int = 200, ks_limit: float = 0.05
) -> DurationFit | None:
    """Fit a duration in seconds to observed values (procedure in the module docstring).

    Parameters
    ----------
    values
        Observed durations, seconds, >= 0, NaN already dropped.
    name
        What is fitted, e.g. ``"talk time of query"``; used in messages.
    max_empirical_points
        Most values an empirical fallback may hold (at least 2).
    ks_limit
        Largest Kolmogorov-Smirnov distance at which a family is accepted (0 to 1).

    Returns
    -------
    DurationFit or None
        ``None`` when there are no values.
    """
    if max_empirical_points < 2:
        raise ValueError(f"max_empirical_points must be >= 2, got {max_empirical_points!r}")
    if not 0 < ks_limit <= 1:
        raise ValueError(f"ks_limit must be in the interval (0, 1], got {ks_limit!r}")
    x = np.asarray(values, dtype=float).ravel()
    if x.size == 0:
        return None
    if not np.isfinite(x).all():
        raise ValueError(f"{name}: durations must be finite (drop NaN first)")
    if (x < 0).any():
        bad = int((x < 0).sum())
        raise ValueError(
            f"{name}: durations must be >= 0 s, got {bad} negative (smallest {x.min():g})"
        )
    n = x.size
    mean = float(x.mean())
    mean_se = float(x.std(ddof=1)) / math.sqrt(n) if n > 1 else 0.0
    mean_ci = (mean - _Z95 * mean_se, mean + _Z95 * mean_se)
    zero_share = float(np.count_nonzero(x == 0)) / n
    if _equal(x):
        return DurationFit(
            name, n, {"dist": "constant", "mean_s": _sig(mean, 6)}, mean, mean_ci, 0.0,
            (0.0, 0.0), None, None, zero_share, "constant",
            f"all {n:,} values equal {mean:g} s", pd.DataFrame(columns=_COLUMNS),
        )  # fmt: skip
    pos = x[x > 0]
    rng = np.random.default_rng(_SEED)
    ks_sample = x if n <= _SUBSAMPLE else rng.choice(x, _SUBSAMPLE, replace=False)
    if _equal(pos):
        table, best, tried = pd.DataFrame(columns=_COLUMNS), None, ""
        why: str | None = f"the positive values are all equal ({pos[0]:g} s): no family fits"
    else:
        # beyond _SUBSAMPLE positive values, the families are fitted to a fixed subsample:
        # their shapes are then known to well under 1 %, and a month of calls fits in seconds
        fit_on = pos if pos.size <= _SUBSAMPLE else rng.choice(pos, _SUBSAMPLE, replace=False)
        fits = fit_families(fit_on, ks_sample)
        table = pd.DataFrame([{c: f[c] for c in _COLUMNS} for f in fits], columns=_COLUMNS)
        usable = [f["family"] for f in fits if f["in_range"]]
        ok = [f for f in fits if f["in_range"]]
        lowest = min((f["aic"] for f in ok), default=math.inf)
        # parsimony: the exponential (one parameter) when it is within AIC_MARGIN of the
        # lowest AIC; a smaller difference is no evidence for a shape parameter
        best = min(
            (f for f in ok if f["aic"] - lowest <= AIC_MARGIN),
            key=lambda f: (f["shape"] is not None, f["aic"]),
            default=None,
        )
        tried = " and ".join([", ".join(usable[:-1]), *usable[-1:]] if usable[:-1] else usable)
        if skipped := [f["family"] for f in fits if not f["in_range"]]:
            tried += (
                f" ({' and '.join(skipped)} left out: parameters outside the scenario's ranges)"
            )
        # a small sample cannot reject a family: the limit is at least the KS test's 5 %
        # critical distance 1.36 / sqrt(n) (a 17-value sample lies 0.33 from its own law)
        ks_limit = max(ks_limit, KS_CRITICAL / math.sqrt(len(pos)))
        why = _rejection(best, tried, zero_share, ks_limit)
    if best is not None and why is None:
        family, shape, shape_ci = best["family"], best["shape"], best["shape_ci"]
        dist: dict[str, Any] = {"dist": family, "mean_s": _sig(best["mean_s"])}
        if family == "weibull":
            dist["shape"] = _sig(shape)
        elif family != "exponential":
            dist["cv"] = _sig(best["cv"])
        if shape is None:  # exponential: cv 1; does the sample's cv agree?
            cv, cv_ci = 1.0, _sample_cv(x, mean)[1]
        else:
            ends = sorted(cv_of(family, k) for k in shape_ci)
            cv, cv_ci = best["cv"], (ends[0], ends[1])
        how = (
            "has the lowest AIC"
            if best["aic"] <= lowest
            else f"is within {AIC_MARGIN:g} AIC units of the lowest and simplest"
        )
        reason = (
            f"{family} {how} of {tried}, and its KS distance "
            f"{best['ks_distance']:.3f} is within the limit {ks_limit:.3g} (n={n:,})"
        )
        return DurationFit(
            name, n, dist, mean, mean_ci, cv, cv_ci, shape, shape_ci, zero_share, family,
            reason, table, best["frozen"],
        )  # fmt: skip
    dist, edges, heights = _empirical(x, pos, zero_share, max_empirical_points)
    cv, cv_ci = _sample_cv(x, mean)
    return DurationFit(
        name, n, dist, mean, mean_ci, cv, cv_ci, None, None, zero_share, "empirical",
        f"empirical: {why} (n={n:,})", table, None, edges, heights,
    )  # fmt: skip


def _rejection(
    best: dict[str, Any] | None, tried: str, zero_share: float, ks_limit: float
) -> str | None:
    """Why the best family is not used (``None``: it is)."""
    if best is None:
        return "no family's fitted parameters are within the scenario's ranges"
    if zero_share > ZERO_LIMIT:
        return (
            f"{zero_share:.1%} of the values are exactly 0 (more than {ZERO_LIMIT:.0%}), "
            f"which no family can represent ({best['family']} had the lowest AIC)"
        )
    if best["ks_distance"] > ks_limit:
        return (
            f"{best['family']} has the lowest AIC of {tried} but its KS distance "
            f"{best['ks_distance']:.3f} exceeds the limit {ks_limit:.3g}"
        )
    return None


def _empirical(
    x: FloatArray, pos: FloatArray, zero_share: float, max_points: int
) -> tuple[dict[str, Any], tuple[float, ...], tuple[float, ...]]:
    """Equal-count bins of the sorted positive values (their means), plus 0 if present."""
    has_zero = zero_share > 0
    bins = max_points - int(has_zero)
    srt = np.sort(pos)
    uniq, counts = np.unique(srt, return_counts=True)
    if uniq.size <= bins:
        vals, weights = uniq, counts / x.size
    else:
        starts = np.unique(np.linspace(0, srt.size, bins + 1).astype(np.int64)[:-1])
        counts = np.diff(np.append(starts, srt.size))
        vals, weights = np.add.reduceat(srt, starts) / counts, counts / x.size
    if has_zero:
        vals, weights = np.insert(vals, 0, 0.0), np.insert(weights, 0, zero_share)
    # the density figure: 50 equal-count bins of the positive values
    edges = np.unique(srt[np.linspace(0, srt.size - 1, 51).astype(np.int64)])
    heights = np.histogram(srt, edges)[0] / x.size / np.diff(edges) if edges.size > 1 else ()
    dist = {
        "dist": "empirical",
        "values_s": [_sig(v) for v in vals],
        "weights": [_sig(w) for w in weights],
    }
    return dist, tuple(float(e) for e in edges), tuple(float(h) for h in heights)


def _equal(x: FloatArray) -> bool:
    # to a millionth: below any clock's resolution, and the gamma and weibull fits of
    # values closer than that are numerically meaningless
    return bool(x.max() - x.min() <= 1e-6 * x.max())


def _sample_cv(x: FloatArray, mean: float) -> tuple[float, tuple[float, float]]:
    """Sample cv and its delta-method 95 % interval (from central moments 2 to 4)."""
    d = x - mean
    d2 = d * d  # products, not d**p: three times faster on millions of values
    m2, m3, m4 = float(d2.mean()), float(np.dot(d2, d)) / x.size, float(np.dot(d2, d2)) / x.size
    cv = math.sqrt(m2) / mean
    var = cv**2 / x.size * ((m4 - m2**2) / (4 * m2**2) - m3 / (mean * m2) + m2 / mean**2)
    se = math.sqrt(max(var, 0.0))
    return cv, (max(cv - _Z95 * se, 0.0), cv + _Z95 * se)


def _sig(v: float, digits: int = 4) -> float:
    """``v`` rounded to ``digits`` significant digits, as a plain float."""
    v = float(v)
    return 0.0 if v == 0 else round(v, digits - 1 - math.floor(math.log10(abs(v))))
