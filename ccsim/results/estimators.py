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
import pandas as pd
from numpy.typing import NDArray

from ccsim.results.kpis import bounds, estimate_rows, t975

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


def mean_of_ratios_by(vals: pd.DataFrame, by: list[str], reps: int) -> pd.DataFrame:
    """Per label of ``by``: each KPI's mean over replications and its 95 % interval.

    ``vals`` holds every replication x every label, replication first (as
    ``SimulationResult.kpi_values`` gives them): each KPI is a [label, replication] grid,
    reduced for every label at once (``kpis.estimate_rows``) and given in the order
    ``groupby(level=by)`` gives the labels. Columns ``(kpi, stat)``.
    """
    grouped = vals.groupby(level=by, observed=False)
    index = grouped.size().index
    width = len(vals) // max(reps, 1)
    group_of = grouped.ngroup().to_numpy()
    if (
        len(index) != width
        or (group_of.reshape(reps, width) != group_of[:width]).any()
        or (np.sort(group_of[:width]) != np.arange(width)).any()
    ):
        raise RuntimeError(f"KPIs by {by}: the rows are not every replication x every label")
    out = {}
    for k in vals.columns:
        grid = vals[k].to_numpy(dtype=float).reshape(reps, width).T
        for stat, values in zip(("mean", "ci_low", "ci_high"), estimate_rows(grid, *bounds(k)), strict=True):  # fmt: skip
            ordered = np.empty(len(index))
            ordered[group_of[:width]] = values
            out[(k, stat)] = pd.Series(ordered, index=index)
    df = pd.DataFrame(out)
    df.columns = pd.MultiIndex.from_tuples(list(out), names=["kpi", "stat"])
    return df
