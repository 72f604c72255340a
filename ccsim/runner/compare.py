"""Designs side by side: simulate each scenario with common random numbers, then compare."""

from __future__ import annotations

from typing import Any

from ccsim.results.compare import compare
from ccsim.runner.simulate import simulate


def compare_scenarios(
    scenarios: list[Any],
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    backend: str = "processes",
    dask_client: Any = None,
) -> dict[str, Any]:
    """Simulate scenarios with common random numbers and compare them (the ``ccsim compare`` document).

    Every scenario runs with the first one's seed and replications (or the arguments).
    """
    if len(scenarios) < 2:
        raise ValueError(f"compare needs at least two scenarios, got {len(scenarios)}")
    first = scenarios[0]
    reps = first.replications if replications is None else replications
    s = first.seed if seed is None else seed
    return compare(
        [
            (
                sc.name,
                simulate(sc, reps, s, workers=workers, backend=backend, dask_client=dask_client),
            )
            for sc in scenarios
        ]
    )
