"""``simulate``: run a scenario's replications and wrap their counts as a result."""

from __future__ import annotations

from typing import Any

from ccsim.results.result import SimulationResult
from ccsim.runner.replications import Progress, run_replications
from ccsim.scenario.schema import Scenario


def simulate(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    *,
    workers: int | None = None,
    keep_calls: bool = False,
    progress: Progress | None = None,
    backend: str = "processes",
    dask_client: Any = None,
) -> SimulationResult:
    """Simulate a scenario and return its results.

    Parameters
    ----------
    scenario : Scenario
        From ``ccsim.load_scenario`` or built in code.
    replications, seed : int, optional
        Override the scenario's.
    workers : int, optional
        Parallel processes (default: one per core, at most one per replication).
    keep_calls : bool
        Keep per-call records (``result.calls()``). Without it, a long replication folds
        its records into counts as it goes (``ccsim.results.fold``).
    progress : callable(done, total), optional
        Called after each replication.
    backend : {"processes", "dask"}
        Where replications run; "dask" uses ``dask_client`` (or a local cluster).

    Returns
    -------
    SimulationResult
        ``.kpis()``, ``.kpis("call_type")``, ``.by_interval()``, ``.targets()``, ``.summary()``.
    """
    reps = scenario.replications if replications is None else replications
    if reps < 1:
        raise ValueError(f"replications must be >= 1, got {reps}")
    s = scenario.seed if seed is None else seed
    counts, wall = run_replications(
        scenario,
        reps,
        s,
        workers=workers,
        keep_calls=keep_calls,
        progress=progress,
        backend=backend,
        dask_client=dask_client,
    )
    return SimulationResult.from_reps(scenario, s, counts, wall)
