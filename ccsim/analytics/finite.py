"""M/M/n/K: agents with a finite system capacity (lines or queue places), blocked calls lost.

A call that arrives when ``capacity`` calls are in the system (being answered or
waiting) is blocked. ``capacity`` = ``agents`` is Erlang B; an unlimited capacity is
Erlang C's system. In ccsim terms, ``capacity`` is either the lines into the centre (a
call holds one while it waits and talks) or the agents plus the call type's
``queue_capacity``.

Assumptions: Poisson arrivals at a constant rate, exponential handling times,
identical agents, callers who never hang up, blocked calls cleared (a redial is a new
Poisson arrival), a stationary system.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import gammaln, logsumexp

from ccsim.analytics.erlang_c import erlang_b
from ccsim.analytics.metrics import FloatLike, _arr, _is_scalar, _out


def _one(n: float, k: float, a: float) -> float:
    n_i, k_i = int(n), int(k)
    if n_i < 0 or k_i < n_i or a < 0:
        raise ValueError(f"need 0 <= agents <= capacity and traffic >= 0, got {n_i}, {k_i}, {a}")
    if a == 0:
        return 0.0 if k_i > 0 else 1.0
    j = np.arange(k_i + 1, dtype=float)
    la = np.log(a)
    # log of a^j / j! up to the agents, then a^n / n! * (a / n)^(j - n) beyond
    logp = np.where(
        j <= n_i,
        j * la - gammaln(j + 1),
        n_i * la - gammaln(n_i + 1) + (j - n_i) * (la - np.log(max(n_i, 1))),
    )
    return float(np.exp(logp[-1] - logsumexp(logp)))


def mmnk_blocking(agents: ArrayLike, capacity: ArrayLike, traffic: ArrayLike) -> FloatLike:
    """Probability that an arriving call finds the system full (M/M/n/K).

    Parameters
    ----------
    agents : int or array
        Number of agents n (>= 0).
    capacity : int or array
        Calls the system holds at most, K >= n (answered plus waiting).
    traffic : float or array
        Offered load in Erlangs (arrival rate x mean handling time).

    Returns
    -------
    float or array
        Blocking probability in [0, 1] (exact, computed in log space).
    """
    scalar = _is_scalar(agents, capacity, traffic)
    n, k, a = np.broadcast_arrays(_arr(agents), _arr(capacity), _arr(traffic))
    out = np.asarray(
        [_one(x, y, z) for x, y, z in zip(n.ravel(), k.ravel(), a.ravel(), strict=True)],
        dtype=float,
    ).reshape(n.shape)
    return _out(out, scalar)


def required_lines(traffic: float, blocking_target: float) -> int:
    """The fewest lines whose Erlang B blocking is at most ``blocking_target``.

    Blocking falls as lines are added: double until the target holds, then bisect, so
    the work grows with the logarithm of the traffic.
    """
    if traffic <= 0:
        return 0

    def ok(n: int) -> bool:
        return float(erlang_b(n, traffic)) <= blocking_target

    hi = max(1, math.ceil(traffic))
    while not ok(hi):
        hi *= 2
    lo = 0  # blocking 1 with no line: never meets a target below 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi
