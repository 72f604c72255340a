"""The censored likelihood behind ``patience``: each family, with and without balking.

Parameters are on log scales (the mean, then the shape or cv) and the balk share on the
logit scale, so the optimiser and the Wald intervals stay inside the ranges the
scenario accepts.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import optimize, special

FloatArray = NDArray[np.float64]
_log = logging.getLogger(__name__)
_Z95 = 1.959963984540054

#: A hang-up logged with wait 0 is taken as one within this many seconds (logs count whole
#: seconds), so that families with no density at 0 still have a likelihood.
ZERO_WAIT_S = 0.5


#: The likelihood groups waits to this many significant digits (relative error < 0.5 %),
#: so its cost does not grow with the number of callers.
DIGITS = 3


# log-scale bounds of the second parameter: the ranges the scenario accepts (section 9)
_SECOND = {"weibull": (0.1, 1000.0), "gamma": (1e-4, 1e4), "lognormal": (1e-3, 100.0)}


def group_waits(t: FloatArray, ev: NDArray[np.bool_]) -> dict[str, FloatArray]:
    """Waits to ``DIGITS`` significant digits, then counts per (wait, outcome).

    Hang-ups of a log in whole seconds are intervals: a wait logged as t ended within
    half a second of t. Otherwise they are exact, but for those logged as 0 (within
    ``ZERO_WAIT_S``), which families with no density at 0 could not explain.
    """
    whole = bool(np.all(t == np.round(t)))
    pos = t > 0
    r = t.copy()
    scale = 10.0 ** (np.floor(np.log10(t[pos])) + 1 - DIGITS)
    r[pos] = np.round(t[pos] / scale) * scale
    u, inv = np.unique(r, return_inverse=True)
    events = np.bincount(inv, weights=ev, minlength=u.size)
    cens = np.bincount(inv, minlength=u.size).astype(float) - events
    c, e = (cens > 0) & (u > 0), events > 0
    exact = e & (u > 0) & (not whole)
    inter = e & ~exact
    half = np.where(u[inter] > 0, 0.5, ZERO_WAIT_S) if whole else np.full(inter.sum(), ZERO_WAIT_S)
    lo = np.maximum(u[inter] - half, 0.0)
    g = {"te": u[exact], "we": events[exact], "tc": u[c], "wc": cens[c]}
    g |= {"lo": lo, "hi": u[inter] + half, "wi": events[inter]}
    return {k: np.asarray(v, dtype=np.float64) for k, v in g.items()}


def theta_of(family: str, mean_s: float, second: float | None) -> FloatArray:
    """The parameter vector of a family: log mean, then log shape (or log cv)."""
    return np.log([mean_s] if second is None else [mean_s, second])


def params_of(family: str, th: FloatArray) -> tuple[float, float]:
    """(log scale, shape) of weibull and gamma, (mu, sigma) of lognormal, (log mean, 1)."""
    m = float(th[0])
    if family == "exponential":
        return m, 1.0
    k = math.exp(th[1])
    if family == "weibull":
        return m - float(special.gammaln(1.0 + 1.0 / k)), k
    if family == "gamma":
        return m - math.log(k), k
    s2 = math.log1p(k * k)  # lognormal: k is the cv
    return m - s2 / 2.0, math.sqrt(s2)


def log_sf(family: str, th: FloatArray, t: FloatArray) -> FloatArray:
    """Log S(t) of the continuous part, for t > 0."""
    a, k = params_of(family, th)
    if family == "exponential":
        return -t / math.exp(a)
    if family == "weibull":
        return -np.exp(k * (np.log(t) - a))
    if family == "gamma":
        sf: FloatArray = special.gammaincc(k, t / math.exp(a))
        return np.log(np.maximum(sf, 1e-300))
    out: FloatArray = special.log_ndtr((a - np.log(t)) / k)
    return out


def log_pdf(family: str, th: FloatArray, t: FloatArray) -> FloatArray:
    """Log f(t) of the continuous part, for t > 0."""
    a, k = params_of(family, th)
    lt = np.log(t)
    if family == "exponential":
        return -a - t / math.exp(a)
    if family == "weibull":
        return math.log(k) - a + (k - 1.0) * (lt - a) - np.exp(k * (lt - a))
    if family == "gamma":
        return (k - 1.0) * lt - t / math.exp(a) - float(special.gammaln(k)) - k * a
    z = (lt - a) / k
    return -lt - math.log(k) - 0.5 * math.log(2 * math.pi) - z * z / 2.0


def log_likelihood(
    th: FloatArray, family: str, balk: bool, g: dict[str, FloatArray], w: float
) -> float:
    """Log-likelihood of grouped waits (``group_waits``) under a family, balking optional."""
    # the mixture (1 - b) * continuous + b * uniform on [0, w] (all at 0 when w is 0)
    lb, l1b = (special.log_expit(th[-1]), special.log_expit(-th[-1])) if balk else (-np.inf, 0.0)
    ls_c, lf_e = log_sf(family, th, g["tc"]), log_pdf(family, th, g["te"])
    ls_lo = log_sf(family, th, np.maximum(g["lo"], 1e-300))
    ls_hi = log_sf(family, th, g["hi"])
    lp_i = ls_lo + np.log(-np.expm1(ls_hi - ls_lo)) + l1b  # log P(lo < T <= hi)
    ls_c, lf_e = ls_c + l1b, lf_e + l1b
    if balk:
        if w > 0:
            mc, me = g["tc"] < w, g["te"] < w
            ls_c[mc] = np.logaddexp(ls_c[mc], lb + np.log1p(-g["tc"][mc] / w))
            lf_e[me] = np.logaddexp(lf_e[me], lb - math.log(w))
            mass = np.clip(g["hi"] / w, 0, 1) - np.clip(g["lo"] / w, 0, 1)
        else:
            mass = (g["lo"] == 0).astype(float)
        mi = mass > 0
        lp_i[mi] = np.logaddexp(lp_i[mi], lb + np.log(mass[mi]))
    return float(g["wc"] @ ls_c + g["we"] @ lf_e + g["wi"] @ lp_i)


def fit_family(
    family: str, balk: bool, g: dict[str, FloatArray], w: float, start: FloatArray | None
) -> dict[str, Any]:
    """Censored maximum likelihood of one family: its parameters, AIC and covariance."""
    d = float(g["we"].sum() + g["wi"].sum())
    n = d + float(g["wc"].sum())
    exposure = float(g["te"] @ g["we"] + g["hi"] @ g["wi"] + g["tc"] @ g["wc"])
    x0, bounds = [math.log(max(exposure / d, 1e-3))], [(math.log(1e-3), math.log(1e8))]
    if family != "exponential":
        lo, hi = _SECOND[family]
        x0.append(0.0)
        bounds.append((math.log(lo), math.log(hi)))
    if start is not None:
        x0 = list(start)
    if balk:
        x0.append(special.logit(0.02))
        bounds.append((-20.0, 20.0))

    def nll(th: FloatArray) -> float:  # per caller: keeps the numerical gradient accurate
        with np.errstate(all="ignore"):
            v = -log_likelihood(th, family, balk, g, w) / n
        return v if math.isfinite(v) else 1e10

    res = optimize.minimize(nll, np.array(x0), method="L-BFGS-B", bounds=bounds)
    _log.debug("%s balk=%s: %d evaluations, %s", family, balk, res.nfev, res.message)
    th = np.asarray(res.x, dtype=float)
    cov: FloatArray | None = None
    try:
        cov = np.asarray(np.linalg.inv(hessian(nll, th) * n), dtype=np.float64)
    except np.linalg.LinAlgError:
        pass
    if cov is not None and not np.all(np.diag(cov) > 0):
        cov = None
    loglik = -res.fun * n
    second = math.exp(th[1]) if family != "exponential" else math.nan
    return {
        "family": family,
        "balk": balk,
        "loglik": loglik,
        "aic": 2.0 * th.size - 2.0 * loglik,
        "mean_s": math.exp(th[0]),
        "shape": second if family in ("weibull", "gamma") else math.nan,
        "cv": second if family == "lognormal" else (1.0 if family == "exponential" else math.nan),
        "balk_share": float(special.expit(th[-1])) if balk else 0.0,
        "second": second,
        "theta": th,
        "cov": cov,
    }


def hessian(f: Any, x: FloatArray, h: float = 1e-4) -> FloatArray:
    """Central-difference Hessian of ``f`` at ``x``."""
    k = x.size
    hess = np.empty((k, k))
    e = np.eye(k) * h
    for i in range(k):
        for j in range(i, k):
            v = f(x + e[i] + e[j]) - f(x + e[i] - e[j]) - f(x - e[i] + e[j]) + f(x - e[i] - e[j])
            hess[i, j] = hess[j, i] = v / (4.0 * h * h)
    return hess


def wald(th: FloatArray, cov: FloatArray | None, i: int, back: Any) -> tuple[float, float] | None:
    """95 % Wald interval of parameter ``i``, mapped back by ``back`` (None without covariance)."""
    if cov is None:
        return None
    se = math.sqrt(cov[i, i])
    return float(back(th[i] - _Z95 * se)), float(back(th[i] + _Z95 * se))
