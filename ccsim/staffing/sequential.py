"""Sequential sampling of a candidate plan: replications added only while the verdict is open.

A plan is simulated in looks: after 2 replications, then every 2 more, up to the
configured ``staffing.replications`` (the looks do not depend on the number of
workers, so neither do the plans found). At a look before the last, the plan is
rejected at once when a target is already out of reach:

- **hopeless**: the bound on the favourable side, ``mean + t sd / sqrt(n)`` for a
  ``>=`` target (``mean - ...`` for ``<=``, Student t at the stated confidence with
  ``n - 1`` degrees of freedom), is short of the target (in any interval for a
  per-interval target);
- **clearly short of a reference** (a plan simulated with every replication, the best
  so far): the mean misses what the full check needs by more than its own one-sided
  99 % margin (``evaluation.clearly_short``, the spread taken from the reference).

Otherwise the plan gets more replications. A plan is declared to meet its targets only
with every configured replication, by the stated rule (the one-sided ``confidence``
bound of the mean on the right side): rejecting early never makes a plan pass, so the
promised confidence holds as with a fixed number of replications. Passing early on
fewer replications would spend it (with looks at 2, 4 and 6 replications and an early
pass at 99.5 %, a plan whose true mean is the target passes 5.6 % of the time instead of
5 %), so a plan that meets its targets always costs the configured replications.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from ccsim.results.kpis import t_quantile
from ccsim.staffing.checks import Check, is_met

#: replications of the first look, and added at each look after it
FIRST = 2
STEP = 2


def looks(reps: int) -> list[int]:
    """Replications after which the verdict is taken: 2, 4, ... and ``reps`` (at least 1)."""
    return sorted({*range(min(FIRST, reps), reps, STEP), reps})


def bound(values: NDArray[np.float64], rule: str, t: float) -> float:
    """One-sided bound of the mean on the side a target is judged (nan without values)."""
    v = values[~np.isnan(values)]
    if v.size == 0:
        return math.nan
    mean = float(v.mean())
    if v.size < 2:
        return mean
    half = t * float(v.std(ddof=1)) / math.sqrt(v.size)
    return mean - half if rule == ">=" else mean + half


def hopeless(values: NDArray[np.float64], c: Check, confidence: float) -> bool:
    """Whether even the favourable bound at ``confidence`` misses target ``c`` (needs 2 values)."""
    v = values[~np.isnan(values)]
    if v.size < 2:
        return False
    favourable = bound(v, "<=" if c.rule == ">=" else ">=", t_quantile(confidence, v.size - 1))
    return not is_met(favourable, c)


def missed(values: NDArray[np.float64], c: Check, t: float) -> bool:
    """The final verdict: the one-sided bound (Student ``t``) of ``values`` misses ``c``."""
    b = bound(values, c.rule, t)
    return not math.isnan(b) and not is_met(b, c)


def sequential_verdict(
    stream: NDArray[np.float64], c: Check, confidence: float
) -> tuple[bool, int]:
    """One target judged on a stream of replications as the search judges it.

    Returns whether it is declared met and the replications used (the stream's length
    is the configured number): rejected at the first look where it is hopeless, else
    judged at the last look by the stated rule.
    """
    reps = len(stream)
    for n in looks(reps):
        if n < reps and hopeless(stream[:n], c, confidence):
            return False, n
    return not missed(stream, c, t_quantile(confidence, reps - 1)), reps
