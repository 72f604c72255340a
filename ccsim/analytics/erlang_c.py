"""Erlang B (M/M/n/n) and Erlang C (M/M/n): blocking, waiting and queue measures.

All functions accept scalars or numpy arrays (broadcast together) and return floats
for scalar input, arrays otherwise. Times are in seconds, traffic in Erlangs. Erlang C
assumes Poisson arrivals at a constant rate, exponential handling times with mean
``aht_s``, identical agents, first-come first-served, an unlimited queue, callers who
never hang up, and a stationary (steady-state) system.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ccsim.analytics._special import log_inv_erlang_b
from ccsim.analytics.metrics import (
    FloatArray,
    FloatLike,
    QueueMetrics,
    _arr,
    _check_formula,
    _is_scalar,
    _out,
    _validate,
)


def traffic_erlangs(
    calls: ArrayLike, aht_s: ArrayLike, interval_s: ArrayLike = 1800.0
) -> FloatLike:
    """Offered load in Erlangs: ``calls * aht_s / interval_s``.

    Parameters
    ----------
    calls : float or array
        Calls offered in the interval.
    aht_s : float or array
        Average handling time (talk + after-call work), seconds.
    interval_s : float or array, default 1800
        Interval length, seconds.
    """
    scalar = _is_scalar(calls, aht_s, interval_s)
    return _out(_arr(calls) * _arr(aht_s) / _arr(interval_s), scalar)


def erlang_b(agents: ArrayLike, traffic: ArrayLike) -> FloatLike:
    """Erlang B: probability that an arriving call finds all ``agents`` busy (M/M/n/n).

    Parameters
    ----------
    agents : int or array
        Number of servers (>= 0).
    traffic : float or array
        Offered load in Erlangs (>= 0).

    Returns
    -------
    float or array
        Blocking probability in [0, 1]. Exact for any size (computed in log space).
    """
    scalar = _is_scalar(agents, traffic)
    n, a = np.broadcast_arrays(_arr(agents), _arr(traffic))
    return _out(np.exp(-log_inv_erlang_b(n, a)), scalar)


def erlang_c(agents: ArrayLike, traffic: ArrayLike) -> FloatLike:
    """Erlang C: probability that an arriving call must wait (M/M/n, no abandonment).

    Returns 1 when the system is unstable (``traffic >= agents``): the queue grows
    without bound and every caller eventually waits.
    """
    scalar = _is_scalar(agents, traffic)
    n, a = np.broadcast_arrays(_arr(agents), _arr(traffic))
    return _out(_erlang_c_pwait(n, a), scalar)


def _erlang_c_pwait(n: FloatArray, a: FloatArray) -> FloatArray:
    stable = a < n
    pw = np.ones(n.shape)
    pw[a <= 0] = 0.0
    s = stable & (a > 0)
    if s.any():
        rho = a[s] / n[s]
        pw[s] = _logistic_neg(_log_inv_b_minus_1(n[s], a[s]) + np.log1p(-rho))
    return pw


def _logistic_neg(z: FloatArray) -> FloatArray:
    """``1 / (1 + e**z)``, accurate into the subnormal range."""
    return np.exp(-np.logaddexp(0.0, z))


def _log_inv_b_minus_1(n: FloatArray, a: FloatArray) -> FloatArray:
    """``log(1/B - 1)`` from ``log(1/B)``, without overflow (``-inf`` where ``B = 1``)."""
    log_inv_b = log_inv_erlang_b(n, a)
    with np.errstate(divide="ignore"):
        return log_inv_b + np.log(-np.expm1(-log_inv_b))


def erlang_c_metrics(
    agents: ArrayLike,
    traffic: ArrayLike,
    aht_s: ArrayLike,
    threshold_s: float = 20.0,
    sl_formula: str = "offered",
) -> QueueMetrics:
    """Performance of an M/M/n queue (Erlang C) with ``agents`` agents.

    Parameters
    ----------
    agents : int or array
        Agents (>= 0).
    traffic : float or array
        Offered load in Erlangs (``calls * aht_s / interval_s``), >= 0.
    aht_s : float or array
        Average handling time, seconds (> 0).
    threshold_s : float, default 20
        Service-level threshold T, seconds (>= 0).
    sl_formula : str, default "offered"
        Recorded in the result; without abandonment every formula gives the same value.

    Returns
    -------
    QueueMetrics
        With ``p_abandon = 0``; all four service-level formulas coincide. An unstable
        queue (``traffic >= agents``) has ``p_wait = 1``, ``service_level = 0``,
        ``asa_s = inf``, ``occupancy = 1``, ``stable = False``; it does not raise.

    Notes
    -----
    Assumes Poisson arrivals, exponential handling times, infinite queue, no
    abandonment, steady state.
    """
    _check_formula(sl_formula)
    scalar = _is_scalar(agents, traffic, aht_s)
    n, a, h = np.broadcast_arrays(_arr(agents), _arr(traffic), _arr(aht_s))
    _validate("agents", n, minimum=0)
    _validate("traffic", a, minimum=0)
    _validate("aht_s", h, minimum=0, strict=True)
    _validate("threshold_s", _arr(threshold_s), minimum=0)
    pw = _erlang_c_pwait(n, a)
    stable = (a < n) | (a <= 0)
    gap = np.where(stable, n - a, 1.0)
    with np.errstate(over="ignore"):
        sl = np.where(stable, 1.0 - pw * np.exp(-gap * threshold_s / h), 0.0)
        asa = np.where(stable, pw * h / np.where(gap > 0, gap, 1.0), np.inf)
    asa = np.where(a <= 0, 0.0, asa)
    occ = np.where(n > 0, np.minimum(a / np.where(n > 0, n, 1.0), 1.0), 0.0)
    zeros = np.zeros(n.shape)
    sl = np.clip(sl, 0.0, 1.0)
    return QueueMetrics(
        model="erlang_c",
        agents=_out(n.astype(float), scalar),
        traffic_erlangs=_out(a, scalar),
        p_wait=_out(pw, scalar),
        p_abandon=_out(zeros, scalar),
        answered_within=_out(sl, scalar),
        abandoned_within=_out(zeros.copy(), scalar),
        service_level=_out(sl.copy(), scalar),
        asa_s=_out(asa, scalar),
        mean_wait_s=_out(asa.copy(), scalar),
        occupancy=_out(occ, scalar),
        stable=bool(stable) if scalar else stable,
        threshold_s=float(threshold_s),
        sl_formula=sl_formula,
    )
