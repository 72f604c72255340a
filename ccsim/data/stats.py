"""Small interval estimates the fit reports beside each figure."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats


def share_ci(k: int, n: int) -> tuple[float, float]:
    """95 % Wilson interval of a share ``k / n`` (0 to 1 when ``n`` is 0)."""
    if n <= 0:
        return (0.0, 1.0)
    z = 1.959963984540054
    p = k / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (max(0.0, mid - half), min(1.0, mid + half))


def poisson_ci(k: float) -> tuple[float, float]:
    """Exact (Garwood) 95 % interval of a Poisson count ``k``."""
    lo = 0.0 if k <= 0 else float(stats.chi2.ppf(0.025, 2 * k) / 2)
    hi = float(stats.chi2.ppf(0.975, 2 * k + 2) / 2)
    return (lo, hi)


def poisson_ci_array(k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``poisson_ci`` for an array of counts."""
    k = np.asarray(k, dtype=float)
    lo = np.where(k > 0, stats.chi2.ppf(0.025, 2 * np.maximum(k, 1e-300)) / 2, 0.0)
    hi = stats.chi2.ppf(0.975, 2 * k + 2) / 2
    return lo, hi


def mean_ci(x: np.ndarray) -> tuple[float, float]:
    """95 % Student-t interval of a mean (the mean itself when there is one value)."""
    x = np.asarray(x, dtype=float)
    n = len(x)
    m = float(np.mean(x)) if n else math.nan
    if n < 2:
        return (m, m)
    h = float(stats.t.ppf(0.975, n - 1) * np.std(x, ddof=1) / math.sqrt(n))
    return (m - h, m + h)
