"""Statistical tolerance from replications (never a tolerance widened until a test passes)."""

from __future__ import annotations

import numpy as np
from scipy import stats

# two-sided 99.9 %: a correct model fails one comparison in a thousand
CONFIDENCE = 0.999


def agrees(values, theory: float, bias: float = 0.0) -> tuple[bool, str]:
    """Whether ``theory`` lies within the replications' confidence interval of the mean.

    ``bias`` is a known, separately justified systematic allowance (default none).
    """
    v = np.asarray(values, dtype=float)
    n = v.size
    mean = float(v.mean())
    se = float(v.std(ddof=1)) / np.sqrt(n)
    half = float(stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1)) * se + bias
    ok = abs(mean - theory) <= half
    return ok, f"simulated {mean:.6g} +- {half:.3g} ({n} replications) vs theory {theory:.6g}"
