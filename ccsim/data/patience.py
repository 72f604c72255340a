"""Caller patience from a call log: Kaplan-Meier curve and a censored maximum-likelihood fit.

Each queued caller has a wait. A caller who hung up gives an observation of patience; an
answered caller (or one still waiting when the log ends) gives a right-censored one:
patience was at least the wait. The mean wait of those who hung up is biased short, so it
is reported only to show the bias.

Assumptions: patience is independent of the wait the queue imposes (non-informative
censoring); callers are alike within the log given (fit one call type at a time); a
caller answered with no wait never queued and says nothing about patience, so such
callers are left out.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import special

from ccsim.data.patience_likelihood import fit_family, group_waits, log_sf, theta_of, wald

FloatArray = NDArray[np.float64]
_log = logging.getLogger(__name__)

#: Fewest hang-ups for a parametric fit; below this the fit is guesswork.
MIN_ABANDONS = 5
#: Hang-ups needed to fit every family and a balk share; with fewer, only the exponential
#: (one parameter: the hang-up rate per second waited) is fitted.
MIN_ABANDONS_SHAPES = 20
#: Largest number of points of the Kaplan-Meier curve written in ``to_dict``.
KM_POINTS = 500
#: Fits within this many AIC units of the lowest count as equally good (then fewest parameters).
AIC_MARGIN = 2.0
FAMILIES = ("exponential", "weibull", "gamma", "lognormal")
_COLUMNS = ["family", "balk", "loglik", "aic", "mean_s", "shape", "cv", "balk_share"]


@dataclass(frozen=True)
class PatienceFit:
    """Patience of one group of callers estimated from their waits (seconds throughout).

    ``km`` has one row per distinct hang-up time (``time_s``, ``survival`` and the 95 %
    Hall-Wellner simultaneous band ``ci_low``/``ci_high`` from statsmodels). ``dist`` is
    the scenario's ``patience`` mapping, or ``None`` when patience cannot be estimated;
    ``mean_s`` is the mean of its continuous part (balkers left out). Intervals are Wald
    intervals from the observed information (numerical Hessian of the negative
    log-likelihood at the optimum), on the log scale for the mean and shape and on the
    logit scale for the balk share. ``shape_ci95`` is for ``shape`` (weibull, gamma) or
    ``cv`` (lognormal). ``balk_ci95`` is (0, 0) when the chosen model has no balk part (and (0, 1) when the
    information matrix is singular).
    """

    name: str
    n: int
    abandoned: int
    censored: int
    km: pd.DataFrame
    km_median_s: float | None
    naive_mean_s: float
    dist: dict[str, Any] | None
    mean_s: float | None
    mean_ci95: tuple[float, float] | None
    shape_ci95: tuple[float, float] | None
    balk_share: float
    balk_ci95: tuple[float, float]
    chosen: str
    reason: str
    candidates: pd.DataFrame

    def survival(self, t: ArrayLike) -> FloatArray:
        """Fitted share of callers still waiting at ``t`` seconds, balkers included.

        1 everywhere when ``dist`` is ``None`` (the scenario then has callers who never
        hang up). With ``balk_within_s`` 0 the balkers leave at once: S(0) = 1 − share.
        """
        tt = np.asarray(t, dtype=float)
        if self.dist is None:
            return np.ones_like(tt)
        d = self.dist
        theta = theta_of(d["dist"], d["mean_s"], d.get("shape", d.get("cv")))
        log_s = log_sf(d["dist"], theta, np.maximum(tt, 1e-300))
        b, w = float(d.get("balk_share", 0.0)), float(d.get("balk_within_s", 0.0))
        balk = np.clip(1.0 - tt / w, 0.0, 1.0) if w > 0 else (tt < 0).astype(float)
        return np.where(tt < 0, 1.0, (1.0 - b) * np.exp(log_s) + b * balk)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (NaN written as ``None``)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        # the curve thinned to at most KM_POINTS rows: a log in fractions of seconds has
        # one row per hang-up, too many for a JSON document
        step = max(1, -(-len(self.km) // KM_POINTS))
        km = self.km.iloc[::step]
        out["km"] = {c: km[c].tolist() for c in km.columns}
        out["candidates"] = self.candidates.to_dict(orient="records")
        clean: dict[str, Any] = _clean(out)
        return clean


def fit_patience(
    wait_s: ArrayLike, abandoned: ArrayLike, *, name: str, balk_within_s: float = 5.0
) -> PatienceFit:
    """Estimate patience from queued callers' waits.

    Parameters
    ----------
    wait_s
        Wait of each caller in the agent queue, seconds (≥ 0).
    abandoned
        True: the caller hung up after ``wait_s`` (an observed patience); False: answered
        or still waiting at ``wait_s`` (censored: patience was at least the wait).
    name
        What is fitted, for messages (e.g. ``"patience of query"``).
    balk_within_s
        Balkers hang up uniformly within this many seconds (0 = at once); only their
        share is estimated.

    Returns
    -------
    PatienceFit
        Fits the exponential, weibull, gamma and lognormal families, each with and
        without a balk share, by censored maximum likelihood, and keeps the one with
        the fewest parameters among those within 2 AIC units of the lowest AIC.
        Callers answered with no wait are left out (they never queued).

    Raises
    ------
    ValueError
        On a negative, infinite or NaN wait, a non-boolean ``abandoned`` or unequal lengths.
    """
    t, ev = _check(wait_s, abandoned, name, balk_within_s)
    keep = ev | (t > 0)
    t, ev = t[keep], ev[keep]
    n, d = int(t.size), int(ev.sum())
    km, median = _km(t, ev)
    naive = float(t[ev].mean()) if d else math.nan
    never = "the fitted scenario has callers who never hang up"
    if d == 0:
        why = f"no caller of {name} abandoned in the log ({n} answered or still waiting): patience cannot be estimated; {never}"
    else:
        why = f"only {d} callers of {name} abandoned (fewer than {MIN_ABANDONS}): a fit on so few hang-ups would be guesswork, so patience is not estimated; {never}"
    unfitted = PatienceFit(
        name, n, d, n - d, km, median, naive, None, None, None, None, 0.0, (0.0, 0.0),
        "none", why, pd.DataFrame(columns=_COLUMNS),
    )  # fmt: skip
    if d < MIN_ABANDONS:
        return unfitted
    data = group_waits(t, ev)
    fits = []
    few = d < MIN_ABANDONS_SHAPES
    for f in (
        ("exponential",) if few else FAMILIES
    ):  # the balk variant starts from the plain optimum
        plain = fit_family(f, False, data, balk_within_s, None)
        fits.append(plain)
        if not few:
            fits.append(fit_family(f, True, data, balk_within_s, plain["theta"]))
    fits.sort(key=lambda r: float(r["aic"]))
    # parsimony: the fewest parameters among the fits within AIC_MARGIN of the lowest AIC
    # (a difference below 2 is no evidence for the extra parameter, and small samples
    # otherwise overfit: a balk share or a shape fitted to noise)
    close = [r for r in fits if float(r["aic"]) - float(fits[0]["aic"]) <= AIC_MARGIN]
    best = min(close, key=lambda r: (len(r["theta"]), float(r["aic"])))
    second = next((r for r in fits if r is not best), best)
    fam, th, cov = best["family"], best["theta"], best["cov"]
    dist: dict[str, Any] = {"dist": fam, "mean_s": best["mean_s"]}
    if fam != "exponential":
        dist["cv" if fam == "lognormal" else "shape"] = best["second"]
    b, balk_ci = 0.0, (0.0, 0.0)
    if best["balk"]:
        b = float(special.expit(th[-1]))
        dist |= {"balk_share": b, "balk_within_s": float(balk_within_s)}
        balk_ci = wald(th, cov, -1, special.expit) or (0.0, 1.0)
    lowest = best is fits[0]
    if few:
        why = (
            f"only {d} callers of {name} abandoned (fewer than {MIN_ABANDONS_SHAPES}): "
            f"the exponential alone (the hang-up rate per second waited) is fitted, by "
            f"censored maximum likelihood to {d} hang-ups and {n - d} censored waits"
        )
    else:
        why = (
            f"{_label(best, balk_within_s)} "
            + (
                "has the lowest AIC"
                if lowest
                else f"is the simplest within {AIC_MARGIN:g} AIC units of the lowest"
            )
            + f" of {len(fits)} censored maximum-likelihood fits to {d} hang-ups and "
            f"{n - d} censored waits ({best['aic']:.1f}; "
            + (
                f"next: {_label(second, balk_within_s)}, {second['aic'] - best['aic']:.1f} higher)"
                if lowest
                else f"lowest: {_label(fits[0], balk_within_s)}, {fits[0]['aic']:.1f})"
            )
        )
    return replace(
        unfitted,
        dist=dist,
        mean_s=best["mean_s"],
        mean_ci95=wald(th, cov, 0, np.exp),
        shape_ci95=wald(th, cov, 1, np.exp) if fam != "exponential" else None,
        balk_share=b,
        balk_ci95=balk_ci,
        chosen=fam,
        reason=why,
        candidates=pd.DataFrame([{c: r[c] for c in _COLUMNS} for r in fits], columns=_COLUMNS),
    )


def _label(fit: dict[str, Any], w: float) -> str:
    return str(fit["family"]) + (f" with balking within {w:g} s" if fit["balk"] else "")


def _check(
    wait_s: ArrayLike, abandoned: ArrayLike, name: str, w: float
) -> tuple[FloatArray, NDArray[np.bool_]]:
    t = np.asarray(wait_s, dtype=float).ravel()
    a = np.asarray(abandoned).ravel()
    if a.shape != t.shape:
        raise ValueError(
            f"{name}: abandoned must have one value per wait, got {a.size} for {t.size} waits"
        )
    bad = np.flatnonzero(~(np.isfinite(t) & (t >= 0)))
    if bad.size:
        raise ValueError(
            f"{name}: wait_s must be a number >= 0, got {t[bad[0]]!r} (row {bad[0]}, {bad.size} such rows)"
        )
    if a.dtype != np.bool_:
        if a.size and not np.isin(a, (0, 1)).all():
            raise ValueError(f"{name}: abandoned must be true or false for every caller")
        a = a.astype(bool)
    if not (math.isfinite(w) and w >= 0):
        raise ValueError(f"{name}: balk_within_s must be >= 0, got {w!r}")
    return t, a


def _km(t: FloatArray, ev: NDArray[np.bool_]) -> tuple[pd.DataFrame, float | None]:
    # statsmodels is heavy to import; only this step needs it
    from statsmodels.duration.survfunc import SurvfuncRight

    cols = ["time_s", "survival", "ci_low", "ci_high"]
    if not ev.any():
        return pd.DataFrame({c: pd.Series(dtype=float) for c in cols}), None
    # the full data, not grouped: SurvfuncRight takes about 0.3 s for 2 million waits
    sf = SurvfuncRight(t, ev.astype(float))
    with np.errstate(all="ignore"):  # the band divides by log S, which is 0 where S = 1
        lo, hi = sf.simultaneous_cb()
    s = np.asarray(sf.surv_prob, dtype=float)
    km = pd.DataFrame({"time_s": sf.surv_times, "survival": s, "ci_low": lo, "ci_high": hi})
    hit = np.flatnonzero(s <= 0.5)
    return km, float(sf.surv_times[hit[0]]) if hit.size else None


def _clean(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_clean(v) for v in x]
    if isinstance(x, np.generic):
        x = x.item()
    return None if isinstance(x, float) and not math.isfinite(x) else x
