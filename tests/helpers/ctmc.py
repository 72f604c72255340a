"""Brute-force references for queueing formulas: truncated Markov chains, recursions.

Independent of ccsim.analytics: plain birth-death chains and absorbing chains, so a
test comparing the two can fail if either is wrong.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import expm


def erlang_b_recursion(n: int, a: float) -> float:
    b = 1.0
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    return b


def mmn_abandon_reference(
    n: int, lam: float, mu: float, theta: float, t: float, k_max: int | None = None
) -> dict[str, float]:
    """M/M/n+M by truncated CTMC (theta = 0 gives M/M/n; needs lam < n mu then)."""
    if k_max is None:
        k_max = n + 400
    j = np.arange(k_max + 1)
    death = np.minimum(j, n) * mu + np.maximum(j - n, 0) * theta
    logp = np.zeros(k_max + 1)
    for i in range(1, k_max + 1):
        logp[i] = logp[i - 1] + np.log(lam) - np.log(death[i])
    pi = np.exp(logp - logp.max())
    pi /= pi.sum()
    p_wait = pi[n:].sum()
    # tagged caller finding n + k in system: k ahead; absorbing chain on m = k..0
    kk = k_max - n
    w = pi[n:]  # weights of k = 0..kk
    # generator over transient states m = 0..kk, plus served (index kk+1), abandoned (kk+2)
    size = kk + 3
    q = np.zeros((size, size))
    for m in range(kk + 1):
        adv = n * mu + m * theta
        if m == 0:
            q[m, kk + 1] += adv
        else:
            q[m, m - 1] += adv
        q[m, kk + 2] += theta
        q[m, m] = -(adv + theta)
    p0 = np.zeros(size)
    p0[: kk + 1] = w
    pt = p0 @ expm(q * t)
    served_within_if = pt[kk + 1]
    aband_within = pt[kk + 2]
    # P(served | m) and E[V ; served | m] by first-step recursion
    h = np.zeros(kk + 1)
    g = np.zeros(kk + 1)
    for m in range(kk + 1):
        adv = n * mu + m * theta
        r = adv + theta
        h_prev = 1.0 if m == 0 else h[m - 1]
        g_prev = 0.0 if m == 0 else g[m - 1]
        h[m] = adv / r * h_prev
        g[m] = h[m] / r + adv / r * g_prev
    p_served_wait = float(w @ h)
    p_abandon = float(w.sum() - p_served_wait)
    served_wait = float(w @ g)
    answered = 1.0 - p_abandon
    return {
        "p_wait": float(p_wait),
        "p_abandon": p_abandon,
        "answered_within": float(1.0 - p_wait + served_within_if),
        "abandoned_within": float(aband_within),
        "asa_s": served_wait / answered,
    }


def two_groups_random_reference(
    n1: int, mu1: float, n2: int, mu2: float, lam: float, t: float, q_max: int = 400
) -> dict[str, float]:
    """Two groups of different speeds serving one FIFO queue; an arrival takes an idle agent
    at random (each group in proportion to its idle agents). Truncated CTMC.

    States (i, j): i of n1 and j of n2 agents busy, nobody waiting; then (n1, n2, q) with
    q callers waiting. A freed agent takes the first waiting caller. Returns each group's
    occupancy, P(wait) and the service level P(wait <= t) (no abandonment): a caller
    finding q waiting needs q + 1 departures at the all-busy rate n1 mu1 + n2 mu2.
    """
    index: dict[tuple[int, int, int], int] = {}
    for i in range(n1 + 1):
        for j in range(n2 + 1):
            if i < n1 or j < n2:
                index[(i, j, 0)] = len(index)
    for q in range(q_max + 1):
        index[(n1, n2, q)] = len(index)
    size = len(index)
    gen = np.zeros((size, size))
    for (i, j, q), s in index.items():
        idle1, idle2 = n1 - i, n2 - j
        if idle1 + idle2 > 0:
            if idle1:
                gen[s, index[(i + 1, j, 0)]] += lam * idle1 / (idle1 + idle2)
            if idle2:
                gen[s, index[(i, j + 1, 0)]] += lam * idle2 / (idle1 + idle2)
        elif q < q_max:
            gen[s, index[(i, j, q + 1)]] += lam
        if i:
            gen[s, index[(i, j, q - 1)] if q else index[(i - 1, j, 0)]] += i * mu1
        if j:
            gen[s, index[(i, j, q - 1)] if q else index[(i, j - 1, 0)]] += j * mu2
        gen[s, s] = -gen[s].sum()
    a = np.vstack([gen.T, np.ones(size)])
    b = np.zeros(size + 1)
    b[-1] = 1.0
    pi = np.linalg.lstsq(a, b, rcond=None)[0]
    busy1 = sum(pi[s] * i for (i, _, _), s in index.items())
    busy2 = sum(pi[s] * j for (_, j, _), s in index.items())
    nu = n1 * mu1 + n2 * mu2
    from scipy.stats import gamma

    p_wait = 0.0
    sl = 0.0
    for (i, j, q), s in index.items():
        if i == n1 and j == n2:
            p_wait += pi[s]
            sl += pi[s] * float(gamma.cdf(t, q + 1, scale=1.0 / nu))
        else:
            sl += pi[s]
    return {
        "occupancy_1": float(busy1 / n1),
        "occupancy_2": float(busy2 / n2),
        "p_wait": float(p_wait),
        "service_level": float(sl),
    }
