"""Log-space special functions behind the Erlang formulas.

Everything here works on numpy arrays (broadcast together) and stays finite from one
to many thousands of agents: no factorials, no powers that overflow. Two quantities
carry the Erlang models:

* ``log_inv_erlang_b(n, a)`` is ``log(1 / B(n, a))`` where ``B`` is Erlang B (blocking
  probability of ``n`` servers offered ``a`` Erlangs);
* ``log_palm_a(x, y)`` is ``log A(x, y)`` with ``A(x, y) = 1F1(1; x + 1; y)
  = sum_k y**k / ((x + 1) ... (x + k))``, the function through which Mandelbaum and
  Zeltyn write the Palm/Erlang-A queue (``x = n * mu / theta``, ``y = lambda / theta``).

Both are computed from scipy's regularized incomplete gamma functions where those are
well away from underflow, and otherwise from their defining series, which converge
geometrically in exactly the region where the incomplete gamma underflows.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import special as sc

FloatArray = NDArray[np.float64]

# Below this the regularized incomplete gamma may have lost relative precision
# (subnormal range); the series branch takes over.
_TINY = 1e-250
_SERIES_TOL = 1e-17
_SERIES_MAX_TERMS = 1_000_000


def log_inv_erlang_b(n: FloatArray, a: FloatArray) -> FloatArray:
    """Return ``log(1 / B(n, a))``, the log of the inverse Erlang B blocking probability.

    Parameters
    ----------
    n : array of float
        Number of servers (integers >= 0, as floats).
    a : array of float
        Offered load in Erlangs (>= 0).

    Notes
    -----
    ``1/B = sum_{j=0..n} n! / ((n-j)! a**j) = e**a * n! * Q(n+1, a) / a**n`` where ``Q`` is
    the regularized upper incomplete gamma function. Where ``Q`` underflows the load is
    far above ``n`` and the finite sum's terms fall geometrically (ratio about n/a).
    """
    n, a = np.broadcast_arrays(np.asarray(n, dtype=float), np.asarray(a, dtype=float))
    out = np.zeros(n.shape)
    pos = (n > 0) & (a > 0)
    out[(n > 0) & (a <= 0)] = np.inf
    if not pos.any():
        return out
    nn, aa = n[pos], a[pos]
    with np.errstate(divide="ignore", invalid="ignore"):
        q = sc.gammaincc(nn + 1.0, aa)
        val = np.log(q) + aa + sc.gammaln(nn + 1.0) - nn * np.log(aa)
    bad = ~(q > _TINY)
    if bad.any():
        val[bad] = np.log(_finite_inv_b_sum(nn[bad], aa[bad]))
    out[pos] = val
    return out


def _finite_inv_b_sum(n: FloatArray, a: FloatArray) -> FloatArray:
    """Return ``sum_{j=0..n} prod_{i=1..j} (n - i + 1) / a`` (used where n << a)."""
    total = np.ones_like(n)
    term = np.ones_like(n)
    active = np.ones(n.shape, dtype=bool)
    j = 0
    while active.any() and j < _SERIES_MAX_TERMS:
        j += 1
        ratio = np.maximum(n[active] - j + 1, 0.0) / a[active]
        t = term[active] * ratio
        term[active] = t
        total[active] += t
        idx = np.flatnonzero(active)
        done = (t <= _SERIES_TOL * total[active]) | (ratio <= 0)
        active[idx[done]] = False
    return total


def _palm_series(x: FloatArray, y: FloatArray) -> FloatArray:
    """Return ``A(x, y) = sum_k y**k / ((x+1)...(x+k))`` by direct summation (y << x)."""
    total = np.ones_like(x)
    term = np.ones_like(x)
    active = np.ones(x.shape, dtype=bool)
    k = 0
    while active.any() and k < _SERIES_MAX_TERMS:
        k += 1
        t = term[active] * (y[active] / (x[active] + k))
        term[active] = t
        total[active] += t
        idx = np.flatnonzero(active)
        active[idx[t <= _SERIES_TOL * total[active]]] = False
    return total


def log_gammainc(x: FloatArray, u: FloatArray) -> FloatArray:
    """Return ``log P(x, u)``, the log of the regularized lower incomplete gamma function.

    Exact to rounding also where ``P`` underflows (``u`` far below ``x``), through
    ``P(x, u) = u**x e**-u / Gamma(x + 1) * A(x, u)``.
    """
    x, u = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(u, dtype=float))
    out = np.full(x.shape, -np.inf)
    pos = u > 0
    if not pos.any():
        return out
    xx, uu = x[pos], u[pos]
    with np.errstate(divide="ignore"):
        p = sc.gammainc(xx, uu)
        val = np.log(p)
    bad = ~(p > _TINY)
    if bad.any():
        xb, ub = xx[bad], uu[bad]
        val[bad] = xb * np.log(ub) - ub - sc.gammaln(xb + 1.0) + np.log(_palm_series(xb, ub))
    out[pos] = val
    return out


def log_palm_a(x: FloatArray, y: FloatArray) -> FloatArray:
    """Return ``log A(x, y)`` with ``A(x, y) = x e**y y**-x gamma(x, y) = 1F1(1; x+1; y)``.

    ``A(x, 0) = 1``; for ``x = 0`` (no servers), ``A = e**y``.
    """
    x, y = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    out = np.zeros(x.shape)
    pos = y > 0
    if not pos.any():
        return out
    xx, yy = x[pos], y[pos]
    val = np.empty(xx.shape)
    zero = xx <= 0
    val[zero] = yy[zero]
    nz = ~zero
    if nz.any():
        xn, yn = xx[nz], yy[nz]
        val[nz] = sc.gammaln(xn + 1.0) + yn - xn * np.log(yn) + log_gammainc(xn, yn)
    out[pos] = val
    return out
