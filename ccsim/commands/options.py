"""Checks of the options several commands share (replications, seed, workers)."""

from __future__ import annotations

from ccsim.errors import Problem
from ccsim.scenario.common import MAX_REPLICATIONS


def run_option_problems(
    replications: int | None = None, seed: int | None = None, workers: int | None = None
) -> list[Problem]:
    """Problems of ``--replications``, ``--seed`` and ``--workers`` (``None``: not given)."""
    out = []
    if replications is not None and replications < 1:
        out.append(Problem("--replications", "must be >= 1", replications))
    if replications is not None and replications > MAX_REPLICATIONS:
        out.append(Problem("--replications", f"must be <= {MAX_REPLICATIONS:,}", replications))
    if seed is not None and seed < 0:
        out.append(Problem("--seed", "must be >= 0", seed))
    if workers is not None and workers < 1:
        out.append(Problem("--workers", "must be >= 1", workers))
    return out
