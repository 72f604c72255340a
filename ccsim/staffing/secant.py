"""How far the next removal may go: a secant between the best plan and a plan that failed.

The model's removals are Erlang's slopes, calibrated on one plan; far from it they can
be too bold (when every group loses agents at once, overflow and priorities shift the
load). Once a removal has failed, the search knows two plans on either side of the
boundary: the best plan (every target met) and the failed one. For each target the
failed plan misses, the slack (the confidence bound minus the target, signed so that
positive is met) is taken as linear in the agents removed between them; where the line
crosses zero is the most the next step may remove, times ``DAMPING`` (aiming at the
feasible side: a met plan becomes the best and narrows the bracket). Whole-period
targets cap the total removed; a per-interval target caps the agents removed in each
interval it failed, by the same secant on that interval's slack.

Slack falls faster as agents go (queues grow non-linearly), so the secant tends to the
safe side; the search stops when the next step could save less than its tolerance.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from ccsim.staffing.checks import Check
from ccsim.staffing.evaluation import Evaluation
from ccsim.staffing.sequential import bound

#: share of the secant's removal the next step takes
DAMPING = 0.9


def slack(values: NDArray[np.float64], c: Check, t: float) -> float:
    """The check's confidence bound minus its target, positive when met (nan without values)."""
    b = bound(values, c.rule, t)
    return (b - c.target) if c.rule == ">=" else (c.target - b)


def _root(removed: int, s_best: float, s_miss: float) -> float | None:
    """Agents removed where the line through (0, s_best) and (removed, s_miss) crosses zero."""
    if not (math.isfinite(s_best) and math.isfinite(s_miss)) or s_miss >= 0 or removed <= 0:
        return None
    return removed * max(s_best, 0.0) / (max(s_best, 0.0) - s_miss)


def _agents(root: float) -> int:
    """Whole agents of a damped root (a float a hair below a whole number is that number)."""
    return math.floor(root * DAMPING + 1e-9)


def step_caps(
    best: Evaluation, miss: Evaluation, checks: list[Check], t: float
) -> tuple[int | None, NDArray[np.int64] | None]:
    """Most agents the next step from ``best`` may remove: in all, and per interval.

    ``None`` where the failed plan gives no secant (no target it misses with a slack on
    either side). ``t`` is the check's Student t quantile.
    """
    cut = np.clip(best.plan - miss.plan, 0, None)
    total: float | None = None
    per: NDArray[np.int64] | None = None
    for c in checks:
        if c.name not in best.values or c.name not in miss.values:
            continue
        vb, vm = best.values[c.name], miss.values[c.name]
        if c.scope == "interval":
            for i in range(vb.shape[1]):
                r = _root(int(cut[:, i].sum()), slack(vb[:, i], c, t), slack(vm[:, i], c, t))
                if r is not None:
                    if per is None:
                        per = np.full(vb.shape[1], np.iinfo(np.int64).max // 4, dtype=np.int64)
                    per[i] = min(int(per[i]), _agents(r))
        else:
            r = _root(int(cut.sum()), slack(vb, c, t), slack(vm, c, t))
            if r is not None:
                total = r if total is None else min(total, r)
    return (None if total is None else _agents(total)), per
