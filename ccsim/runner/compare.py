"""Designs side by side: simulate each scenario with common random numbers, then compare."""

from __future__ import annotations

from typing import Any

from ccsim.results.compare import compare
from ccsim.results.comparison import Comparison
from ccsim.runner.simulate import simulate


def compare_scenarios(
    scenarios: list[Any],
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    backend: str = "processes",
    dask_client: Any = None,
) -> Comparison:
    """Simulate scenarios with common random numbers and compare them.

    Every scenario runs with the first one's seed and replications (or the arguments).
    The ``Comparison`` gives DataFrames (``kpis()``, ``differences()``, ``met()``), the
    ``ccsim compare --json`` document (``to_dict()``, or indexing it like that document)
    and ``save(folder)``.
    """
    if len(scenarios) < 2:
        raise ValueError(f"compare needs at least two scenarios, got {len(scenarios)}")
    first = scenarios[0]
    reps = first.replications if replications is None else replications
    s = first.seed if seed is None else seed
    results = [
        simulate(sc, reps, s, workers=workers, backend=backend, dask_client=dask_client)
        for sc in scenarios
    ]
    return Comparison(
        compare([(sc.name, r) for sc, r in zip(scenarios, results, strict=True)]), results
    )
