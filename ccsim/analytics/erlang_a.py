"""Erlang A (M/M/n+M, Palm's model): Erlang C with callers who hang up.

Each caller hangs up after an exponential patience with mean ``patience_s`` if not
answered by then; otherwise the assumptions of Erlang C hold (Poisson arrivals,
exponential handling times, identical agents, first-come first-served, steady state).

The waiting-time results follow Mandelbaum and Zeltyn's summary of the M/M/n+G queue:
the virtual wait ``V`` of a tagged caller has an atom at zero and, for ``t > 0``,
``P(V > t) = P(V > 0) * P(x, y e**(-t/patience)) / P(x, y)`` where ``P`` is the
regularized lower incomplete gamma function, ``x = n aht^-1 patience`` and
``y = lambda * patience``. A caller with patience ``tau`` is answered when ``tau > V``;
every quantity below is an exact integral of that law. Patience beyond
``MAX_PATIENCE_AHT`` handle times is evaluated as a limit (``_beyond_patience_bound``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special as sc

from ccsim.analytics._special import log_gammainc, log_palm_a
from ccsim.analytics.erlang_c import _log_inv_b_minus_1, _logistic_neg, erlang_c_metrics
from ccsim.analytics.metrics import (
    FloatArray,
    QueueMetrics,
    _arr,
    _check_formula,
    _is_scalar,
    _out,
    _sl_by_formula,
    _validate,
)


def erlang_a_metrics(
    agents: ArrayLike,
    traffic: ArrayLike,
    aht_s: ArrayLike,
    patience_s: ArrayLike,
    threshold_s: float = 20.0,
    sl_formula: str = "offered",
    with_asa: bool = True,
) -> QueueMetrics:
    """Performance of an M/M/n+M queue (Erlang A, Palm's model) with ``agents`` agents.

    Parameters
    ----------
    agents : int or array
        Agents (>= 0). Fewer agents than the load is legal: abandonment keeps the
        queue finite.
    traffic : float or array
        Offered load in Erlangs, >= 0.
    aht_s : float or array
        Average handling time, seconds (> 0).
    patience_s : float or array
        Mean patience (time a caller is willing to wait), seconds (> 0).
    threshold_s : float, default 20
        Service-level threshold T, seconds (>= 0).
    sl_formula : str, default "offered"
        How ``service_level`` treats abandoned calls (see ``SL_FORMULAS``).
    with_asa : bool, default True
        Compute ``asa_s`` (a series over queue states, the costliest measure); when
        False, ``asa_s`` is NaN.

    Returns
    -------
    QueueMetrics

    Notes
    -----
    Assumes Poisson arrivals, exponential handling times, exponential patience,
    first-come first-served, steady state. Exact (no diffusion approximation) for
    patience up to a million handle times; beyond, the limits of
    ``_beyond_patience_bound``.
    """
    _check_formula(sl_formula)
    scalar = _is_scalar(agents, traffic, aht_s, patience_s)
    n, a, h, p = np.broadcast_arrays(_arr(agents), _arr(traffic), _arr(aht_s), _arr(patience_s))
    _validate("agents", n, minimum=0)
    _validate("traffic", a, minimum=0)
    _validate("aht_s", h, minimum=0, strict=True)
    _validate("patience_s", p, minimum=0, strict=True)
    _validate("threshold_s", _arr(threshold_s), minimum=0)
    n, a, h, p = (np.array(v, dtype=float) for v in (n, a, h, p))
    # Patience beyond a million handle times changes nothing measurable, but the
    # series below lose precision there: evaluate at that bound and take the limit
    # (Erlang C when a < n; a wait growing like patience when a > n, like its square
    # root when a = n).
    p_true = p
    p = np.minimum(p, MAX_PATIENCE_AHT * h)

    x = n * p / h  # servers' total service rate over the abandonment rate
    y = a * p / h  # arrival rate over the abandonment rate
    decay = np.exp(-threshold_s / p)
    y_t = y * decay

    shape = n.shape
    pw = np.zeros(shape)
    pab = np.zeros(shape)
    at = np.ones(shape)
    abt = np.zeros(shape)
    served_wait = np.zeros(shape)  # E[wait ; answered], seconds

    none = n <= 0
    live = (a > 0) & ~none
    dead = (a > 0) & none
    if dead.any():  # no agents: every caller waits and hangs up
        pw[dead] = 1.0
        pab[dead] = 1.0
        at[dead] = 0.0
        abt[dead] = 1.0 - decay[dead]
    if live.any():
        nl, al, xl, yl, ytl = n[live], a[live], x[live], y[live], y_t[live]
        log_a = log_palm_a(xl, yl)
        # P(wait) = A B / (1 + (A - 1) B) = 1 / (1 + (1/B - 1) / A), in logs
        pwl = _logistic_neg(_log_inv_b_minus_1(nl, al) - log_a)
        log_p = log_gammainc(xl, yl)
        r_t = np.exp(log_gammainc(xl + 1.0, ytl) - log_p)
        r0_t = np.exp(log_gammainc(xl, ytl) - log_p)
        served_if_wait = (nl / al) * (-np.expm1(-log_a))  # P(answered | must wait)
        served_within_if_wait = (nl / al) * (-np.expm1(-log_a) - r_t)
        dl = decay[live]
        pw[live] = pwl
        pab[live] = pwl * (1.0 - served_if_wait)
        at[live] = (1.0 - pwl) + pwl * served_within_if_wait
        abt[live] = pwl * (1.0 - dl * r0_t - served_within_if_wait)
        if with_asa:
            served_wait[live] = pwl * _served_wait_ratio(xl, yl) * p[live]
        else:
            served_wait[live] = np.nan
    pab = np.clip(pab, 0.0, 1.0)
    at = np.clip(at, 0.0, 1.0)
    abt = np.clip(abt, 0.0, 1.0)
    answered = 1.0 - pab
    with np.errstate(divide="ignore", invalid="ignore"):
        asa = np.where(answered > 0, served_wait / np.where(answered > 0, answered, 1.0), np.inf)
        occ = np.where(n > 0, a * answered / np.where(n > 0, n, 1.0), 0.0)
    sl = _sl_by_formula(sl_formula, at, abt, pab)
    mean_wait = pab * p_true
    far = p_true > p
    if far.any():
        pw, pab, at, abt, asa, mean_wait = _beyond_patience_bound(
            far, n, a, h, p, p_true, threshold_s, sl_formula, pw, pab, at, abt, asa
        )
        sl = _sl_by_formula(sl_formula, at, abt, pab)
        with np.errstate(divide="ignore", invalid="ignore"):
            occ = np.where(n > 0, a * (1.0 - pab) / np.where(n > 0, n, 1.0), 0.0)
    return QueueMetrics(
        model="erlang_a",
        agents=_out(n, scalar),
        traffic_erlangs=_out(a, scalar),
        p_wait=_out(pw, scalar),
        p_abandon=_out(pab, scalar),
        answered_within=_out(at, scalar),
        abandoned_within=_out(abt, scalar),
        service_level=_out(sl, scalar),
        asa_s=_out(asa, scalar),
        mean_wait_s=_out(mean_wait, scalar),
        occupancy=_out(np.clip(occ, 0.0, 1.0), scalar),
        stable=True if scalar else np.ones(shape, dtype=bool),
        threshold_s=float(threshold_s),
        sl_formula=sl_formula,
    )


#: Patience, in handle times, beyond which Erlang A is evaluated as its limit.
MAX_PATIENCE_AHT = 1e6


def _beyond_patience_bound(
    far: NDArray[np.bool_],
    n: FloatArray,
    a: FloatArray,
    h: FloatArray,
    p: FloatArray,
    p_true: FloatArray,
    threshold_s: float,
    sl_formula: str,
    *measures: FloatArray,
) -> tuple[FloatArray, ...]:
    """Erlang A for patience ``p_true`` beyond the bound ``p``, from its values at ``p``.

    ``measures`` are P(wait), P(abandon), answered within T, abandoned within T and ASA
    at the bound; returned for ``p_true``, with the mean wait of all callers. Three
    regimes: clearly stable (Erlang C's mean wait under 1e-6 of the patience) is
    Erlang C; clearly overloaded (at the bound the excess load is ten standard
    deviations or more) is the fluid limit, where losses have settled at 1 - n/a and
    the answered wait grows like patience; in between, near critical load, losses
    approach their limit and waits grow like the square root of patience (diffusion
    scaling), the wait capped by Erlang C's when a < n and at least the fluid wait
    when a > n.
    """
    pw, pab, at, abt, asa = (np.array(m, dtype=float) for m in measures)
    scale = np.where(far, p_true / p, 1.0)
    stable = far & (a < n)
    c_pw, c_at, c_wait = np.ones(n.shape), np.zeros(n.shape), np.full(n.shape, np.inf)
    if stable.any():
        c = erlang_c_metrics(n[stable], a[stable], h[stable], threshold_s, sl_formula)
        c_pw[stable], c_at[stable], c_wait[stable] = c.p_wait, c.answered_within, c.mean_wait_s
    clear_c = stable & (c_wait <= 1e-6 * p_true)
    fluid = far & (a > n) & (n > 0) & ((a - n) ** 2 * (p / h) >= 100.0 * a)
    crit = far & (n > 0) & ~clear_c & ~fluid
    asa[fluid] *= scale[fluid]
    if crit.any():
        root = np.sqrt(scale[crit])
        loss = np.maximum(0.0, 1.0 - n[crit] / a[crit])
        pab[crit] = loss + (pab[crit] - loss) / root
        abt[crit] /= root
        at[crit] = c_at[crit] + (at[crit] - c_at[crit]) / root
        pw[crit] = c_pw[crit] + (pw[crit] - c_pw[crit]) / root
        with np.errstate(invalid="ignore"):  # NaN ASA (not asked for) stays NaN
            # between the diffusion scaling and the limits: Erlang C's wait when a < n,
            # the fluid wait p ln(a/n) when a > n
            over = a[crit] > n[crit]
            fluid_wait = np.where(
                over, p_true[crit] * np.log(np.where(over, a[crit] / n[crit], 2.0)), 0.0
            )
            asa[crit] = np.maximum(np.minimum(asa[crit] * root, c_wait[crit]), fluid_wait)
    below = crit & (a < n)  # the wait of all callers cannot pass Erlang C's
    with np.errstate(invalid="ignore", divide="ignore"):
        pab[below] = np.minimum(pab[below], c_wait[below] / p_true[below])
    with np.errstate(invalid="ignore"):
        mean_wait = np.array(pab * p_true, dtype=float)
    endless = np.isnan(mean_wait) & np.isinf(p_true)  # no loss, endless patience
    mean_wait[endless] = np.where(a[endless] >= n[endless], np.inf, 0.0)
    # Erlang C: nobody abandons, so every caller's wait is an answered one's
    pw[clear_c], at[clear_c] = c_pw[clear_c], c_at[clear_c]
    pab[clear_c] = abt[clear_c] = 0.0
    asa[clear_c] = np.where(np.isnan(asa[clear_c]), np.nan, c_wait[clear_c])
    mean_wait[clear_c] = c_wait[clear_c]
    return pw, pab, at, abt, asa, mean_wait


def _served_wait_ratio(x: FloatArray, y: FloatArray) -> FloatArray:
    """Return ``E[theta * V ; answered | V > 0]`` for Erlang A, elementwise.

    A caller who finds ``n + k`` in the system waits for ``k + 1`` queue advances at
    rates ``n mu + m theta`` (m = k .. 0) and is answered with probability
    ``x / (x + k + 1)``; its expected wait given answered-after-waiting is a sum of
    reciprocals (digamma differences). Summed over the state distribution seen on
    arrival, ``P(n + k) ∝ y**k / ((x+1)...(x+k))``, within the window where those
    weights exceed ``e**-40`` of their peak.
    """
    out = np.zeros(x.shape)
    peak = np.maximum(0.0, np.floor(y - x))
    width = np.ceil(10.0 * np.sqrt(y + 1.0)) + 60.0
    start = np.maximum(0.0, peak - width)
    count = (peak + width + 1.0 - start).astype(np.int64)
    order = np.argsort(count, kind="stable")
    # Elements of similar window length are summed together as one 2-D block.
    i = 0
    while i < order.size:
        kmax = int(count[order[min(order.size - 1, i + 1)]])
        rows = max(1, _BLOCK_CELLS // max(kmax, 1))
        idx = order[i : i + rows]
        kmax = int(count[idx].max())
        j = np.arange(kmax, dtype=float)
        k = start[idx, None] + j[None, :]
        valid = j[None, :] < count[idx, None]
        xi, yi = x[idx, None], y[idx, None]
        log_t = np.where(valid, k * np.log(yi) - sc.gammaln(xi + k + 1.0), -np.inf)
        t = np.exp(log_t - log_t.max(axis=1, keepdims=True))
        s1 = t * (xi / (xi + k + 1.0)) * (sc.digamma(xi + k + 2.0) - sc.digamma(xi + 1.0))
        out[idx] = s1.sum(axis=1) / t.sum(axis=1)
        i += idx.size
    return out


_BLOCK_CELLS = 1 << 20
