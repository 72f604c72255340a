"""Returns: answered callers whose matter was not resolved call again (needs ``caller_id``).

The next call of a caller within ``window_s`` after the end of an answered call's talk is
a return (a repeat call), as the scenario's ``fcr`` and ``return_delay`` model it. Calls
answered late in the log are watched for less than the window: their returns may fall
after its end. So the share that returns, q = 1 - fcr, and the delay are fitted together
by maximum likelihood with that censoring (a mixture "cure" model): a returned call adds
log(q f(d)), a call watched for c seconds without a return adds log(1 - q F(c)).

Assumptions: the delay does not depend on the time of day; a caller's next call within the
window after an answered one is about the same matter (the domain's first-contact
resolution counts it so).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import optimize, special, stats

#: Returns needed to fit a delay (fewer: no return is modelled, and the report says so).
MIN_RETURNS = 20


@dataclass(frozen=True)
class ReturnFit:
    """Returns of one call type's answered calls."""

    call_type: str
    answered: int
    returns: int
    share: float  # q = 1 - fcr
    share_ci95: tuple[float, float]
    delay: dict[str, Any] | None  # the scenario's return_delay
    delay_mean_s: float | None
    delay_mean_ci95: tuple[float, float] | None
    reason: str

    def scenario(self) -> dict[str, Any] | None:
        """``fcr`` and ``return_delay`` for the call type, or None (no returns modelled)."""
        if self.delay is None:
            return None
        return {"fcr": round(1.0 - self.share, 4), "return_delay": self.delay}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "call_type": self.call_type,
            "answered": self.answered,
            "returns": self.returns,
            "return_share": self.share,
            "return_share_ci95": list(self.share_ci95),
            "fcr": 1.0 - self.share,
            "delay": self.delay,
            "delay_mean_s": self.delay_mean_s,
            "delay_mean_ci95": list(self.delay_mean_ci95) if self.delay_mean_ci95 else None,
            "reason": self.reason,
        }


def find_returns(
    df: pd.DataFrame, t_arrival: NDArray[np.float64], t_answer: NDArray[np.float64],
    end_s: float, window_s: float,
) -> tuple[NDArray[np.bool_], pd.DataFrame]:  # fmt: skip
    """Which calls are returns, and per answered call: delay to its return, time watched.

    Returns
    -------
    is_return
        Per call of ``df``.
    answered
        Per answered call with a caller id: ``call_type``, ``returned``, ``delay_s`` (from
        the end of the talk), ``watched_s`` (how long the log could show a return).
    """
    n = len(df)
    is_return = np.zeros(n, dtype=bool)
    cols = ["call_type", "returned", "delay_s", "watched_s"]
    callers = df["caller_id"]
    ans = df["outcome"].eq("answered").to_numpy() & callers.notna().to_numpy()
    if not ans.any():
        return is_return, pd.DataFrame(columns=cols)
    t_end = t_answer + np.nan_to_num(df["talk_s"].to_numpy(dtype=float))
    code = pd.factorize(callers)[0].astype(np.int64)
    key = df["replication"].to_numpy(dtype=np.int64) * (int(code.max()) + 2) + code
    has = callers.notna().to_numpy()
    order = np.lexsort((t_arrival, key))
    order = order[has[order]]
    nxt = np.full(len(order), -1, dtype=np.int64)
    same = key[order][1:] == key[order][:-1]
    nxt[:-1] = np.where(same, order[1:], -1)
    a = ans[order]
    src = order[a]
    j = nxt[a]
    d = np.where(j >= 0, t_arrival[np.maximum(j, 0)] - t_end[src], np.inf)
    back = (j >= 0) & (d >= 0) & (d <= window_s)
    is_return[j[back]] = True
    watched = np.minimum(window_s, np.maximum(0.0, end_s - t_end[src]))
    table = pd.DataFrame(
        {
            "call_type": df["call_type"].to_numpy(dtype=object)[src],
            "returned": back,
            "delay_s": np.where(back, d, np.nan),
            "watched_s": watched,
        }
    )
    return is_return, table


def fit_returns(call_type: str, answered: pd.DataFrame) -> ReturnFit:
    """The share of answered calls that return, and the lognormal delay, censoring included."""
    n = len(answered)
    back = answered["returned"].to_numpy(dtype=bool)
    r = int(back.sum())
    if r < MIN_RETURNS:
        why = (
            f"{r} of {n:,} answered calls of {call_type} came back within the window "
            f"(fewer than {MIN_RETURNS}): no returns are modelled (fcr 1)"
        )
        return ReturnFit(call_type, n, r, r / n if n else 0.0, (0.0, 1.0), None, None, None, why)
    d = np.maximum(answered["delay_s"].to_numpy(dtype=float)[back], 1e-3)
    # calls watched for the same whole second share one term (most are watched the whole
    # window): the likelihood stays exact to a second and a month of calls stays fast
    watched = np.maximum(np.round(answered["watched_s"].to_numpy(dtype=float)[~back]), 1.0)
    c, weight = np.unique(watched, return_counts=True)
    logd = np.log(d)

    def nll(th: NDArray[np.float64]) -> float:
        q = special.expit(th[0])
        mu, sigma = th[1], math.exp(th[2])
        ll_r = np.log(q) + stats.norm.logpdf(logd, mu, sigma) - logd
        cdf = stats.norm.cdf((np.log(c) - mu) / sigma)
        ll_c = np.log1p(-q * cdf) * weight
        return float(-(ll_r.sum() + ll_c.sum()))

    start = np.array(
        [special.logit(min(0.99, max(0.01, r / n))), logd.mean(), math.log(max(logd.std(), 0.1))]
    )
    res = optimize.minimize(
        nll, start, method="Nelder-Mead", options={"xatol": 1e-6, "fatol": 1e-6, "maxiter": 4000}
    )
    th = np.asarray(res.x, dtype=float)
    q = float(special.expit(th[0]))
    mu, sigma = float(th[1]), float(math.exp(th[2]))
    mean = math.exp(mu + sigma**2 / 2)
    cv = math.sqrt(math.expm1(sigma**2))
    cov = _covariance(nll, th)
    if cov is not None:
        se_q = math.sqrt(cov[0, 0])
        q_ci = (
            float(special.expit(th[0] - 1.96 * se_q)),
            float(special.expit(th[0] + 1.96 * se_q)),
        )
        # log mean = mu + sigma^2 / 2: delta method on (mu, log sigma)
        g = np.array([0.0, 1.0, sigma**2])
        se_lm = math.sqrt(max(float(g @ cov @ g), 0.0))
        m_ci: tuple[float, float] | None = (
            mean * math.exp(-1.96 * se_lm),
            mean * math.exp(1.96 * se_lm),
        )
    else:
        q_ci, m_ci = (0.0, 1.0), None
    why = (
        f"{r:,} of {n:,} answered calls of {call_type} came back; the share and a lognormal "
        f"delay fitted together by maximum likelihood, calls answered near the end of the log "
        f"censored"
    )
    delay = {
        "dist": "lognormal",
        "mean_s": float(f"{mean:.4g}"),
        "cv": float(f"{min(cv, 100.0):.4g}"),
    }
    return ReturnFit(call_type, n, r, q, q_ci, delay, mean, m_ci, why)


def _covariance(nll: Any, th: NDArray[np.float64]) -> NDArray[np.float64] | None:
    """Inverse of the numerical Hessian of the negative log-likelihood (None if singular)."""
    from statsmodels.tools.numdiff import approx_hess3

    try:
        cov = np.linalg.inv(approx_hess3(th, nll))
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.isfinite(cov)) or not np.all(np.diag(cov) > 0):
        return None
    return np.asarray(cov, dtype=np.float64)
