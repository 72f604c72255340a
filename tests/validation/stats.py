"""Statistical tolerance from replications (never a tolerance widened until a test passes)."""

from __future__ import annotations

import numpy as np
from scipy import stats

# two-sided 99.9 %: a correct model fails one comparison in a thousand
CONFIDENCE = 0.999


def agrees(values, theory: float, bias: float = 0.0, comparisons: int = 1) -> tuple[bool, str]:
    """Whether ``theory`` lies within the replications' confidence interval of the mean.

    ``bias`` is a known, separately justified systematic allowance (default none).
    ``comparisons`` > 1 splits the suite's error rate over that many comparisons made
    together (Bonferroni): each interval is at ``1 - (1 - CONFIDENCE) / comparisons``, so
    a correct model still fails the whole set at most once in a thousand.
    """
    v = np.asarray(values, dtype=float)
    n = v.size
    mean = float(v.mean())
    se = float(v.std(ddof=1)) / np.sqrt(n)
    alpha = (1.0 - CONFIDENCE) / comparisons
    half = float(stats.t.ppf(1.0 - alpha / 2, n - 1)) * se + bias
    ok = abs(mean - theory) <= half
    return ok, f"simulated {mean:.6g} +- {half:.3g} ({n} replications) vs theory {theory:.6g}"
