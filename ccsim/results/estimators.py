"""Estimators of a KPI over replications: the mean of ratios, or the ratio of totals.

Every KPI is a function of additive counts (``kpis.compute``). Two estimators of its
value over the replications are in use:

- **mean of ratios** (``kpi.estimator: mean_of_ratios``, the default): each
  replication's ratio, then their mean and a Student-t interval;
- **ratio of totals** (``ratio_of_totals``): the KPI of the counts summed over all
  replications, what call-centre tools that pool a period's calls report. Its interval
  is the delta method's: the KPI linearised at the mean counts, each replication's
  linearised value ``z_i = grad f . (c_i - c_bar)``, and a Student-t interval of
  ``f(c_bar)`` with standard error ``sd(z) / sqrt(n)``. For a ratio ``X / Y`` this is
  ``z_i = (X_i - R Y_i) / Y_bar``.

The two agree when every replication has the same denominator (for a count, the
denominator is the replication itself, so counts agree always). Otherwise the mean of
ratios weighs each replication alike and the ratio of totals weighs each call alike:
a replication with few calls and a poor ratio moves the first more.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
from numpy.typing import NDArray

from ccsim.results.kpis import bounds, t975

Counts = Mapping[str, NDArray[np.float64]]
KpiFunction = Callable[[Counts], Mapping[str, NDArray[np.float64]]]

# relative step of the central differences: the linearisation of a ratio is exact up to
# O(step^2), far below any interval's width
_STEP = 1e-4


def ratio_of_totals(
    f: KpiFunction, counts: Counts
) -> dict[str, tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]]:
    """Each KPI of ``f`` at the counts summed over replications, with a delta-method interval.

    Parameters
    ----------
    f
        KPIs from counts, elementwise: called with arrays, returns arrays of their shape.
    counts
        Additive counts, each an array of shape (labels, replications).

    Returns
    -------
    dict
        Per KPI: mean, lower and upper bound of the 95 % interval, each one per label
        (NaN where the KPI has no value; bounds NaN with a single replication). The
        interval is clipped to the KPI's range.
    """
    c = {k: np.atleast_2d(np.asarray(v, dtype=float)) for k, v in counts.items()}
    n = next(iter(c.values())).shape[1]
    mean = {k: v.mean(axis=1, keepdims=True) for k, v in c.items()}
    point = f(mean)
    # central differences along each replication's deviation from the mean
    f_up = f({k: mean[k] + _STEP * (v - mean[k]) for k, v in c.items()})
    f_down = f({k: mean[k] - _STEP * (v - mean[k]) for k, v in c.items()})
    t = t975(n - 1) if n > 1 else float("nan")
    out = {}
    for name, value in point.items():
        r = np.asarray(value, dtype=float).reshape(-1)
        lo, hi = bounds(name)
        if n > 1:
            z = (np.asarray(f_up[name], dtype=float) - np.asarray(f_down[name], dtype=float)) / (
                2.0 * _STEP
            )
            z = np.nan_to_num(np.broadcast_to(z, (r.size, n)))
            half = t * z.std(axis=1, ddof=1) / np.sqrt(n)
        else:
            half = np.full(r.size, np.nan)
        low = np.where(np.isnan(r), np.nan, np.maximum(r - half, lo))
        high = np.where(np.isnan(r), np.nan, np.minimum(r + half, hi))
        out[name] = (r, low, high)
    return out
