"""M/M/n+D: callers who wait at most a fixed time (a maximum wait, or deterministic patience).

A caller not answered within ``max_wait_s`` leaves the queue at that moment (cut off,
a message, a callback: for the queue all the same). The M/M/n+G results of Zeltyn and
Mandelbaum (2005) with G the law of a constant: with ``a = lambda / mu``,

    E = sum_{j<n} a^j / j!  /  (a^(n-1) / (n-1)!)
    J = integral_0^inf exp(lambda * H(x) - n mu x) dx,  H(x) = min(x, D)
      = (exp((lambda - n mu) D) - 1) / (lambda - n mu) + exp((lambda - n mu) D) / (n mu)
    P(wait > 0) = lambda J / (E + lambda J)
    P(reach D)  = (1 + (lambda - n mu) J) / (E + lambda J)

``D = 0`` gives Erlang B, ``D`` to infinity Erlang C's system (no one leaves, when
``a < n``). Assumptions: Poisson arrivals at a constant rate, exponential handling
times, identical agents, first-come first-served, a stationary system.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln, logsumexp


@dataclass(frozen=True)
class MaxWaitMetrics:
    """M/M/n+D figures: the share that waits, and the share that reaches the limit."""

    p_wait: float
    p_limit: float


def mmn_max_wait(agents: int, traffic: float, aht_s: float, max_wait_s: float) -> MaxWaitMetrics:
    """Shares of callers who wait, and who reach the maximum wait, in M/M/n+D.

    Parameters
    ----------
    agents : int
        Agents n (>= 1).
    traffic : float
        Offered load in Erlangs, a = arrival rate x ``aht_s`` (> 0).
    aht_s : float
        Mean handling time, seconds (> 0).
    max_wait_s : float
        The maximum wait D, seconds (>= 0).
    """
    if agents < 1 or traffic <= 0 or aht_s <= 0 or max_wait_s < 0:
        raise ValueError(
            "need agents >= 1, traffic > 0, aht_s > 0 and max_wait_s >= 0, "
            f"got {agents}, {traffic}, {aht_s}, {max_wait_s}"
        )
    n = int(agents)
    mu = 1.0 / aht_s
    lam = traffic * mu
    j = np.arange(n, dtype=float)
    la = math.log(traffic)
    log_e = float(logsumexp(j * la - gammaln(j + 1))) - ((n - 1) * la - float(gammaln(n)))
    e = math.exp(log_e)
    d = max_wait_s
    k = lam - n * mu
    growth = math.exp(k * d)
    big_j = (d if abs(k) < 1e-15 else (growth - 1.0) / k) + growth / (n * mu)
    den = e + lam * big_j
    return MaxWaitMetrics(p_wait=lam * big_j / den, p_limit=(1.0 + k * big_j) / den)
