"""Running replications: in this process, in parallel processes, or on a Dask cluster.

Each replication draws from its own named streams (seed, replication, name), so the
numbers do not depend on how many workers run them or in which order they finish.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ccsim.engine.compile import compile_scenario
from ccsim.engine.model import Simulation
from ccsim.results import fold as folding
from ccsim.results.aggregate import RepCounts, aggregate
from ccsim.results.fold import Fold, can_fold
from ccsim.runner.pool import stop_pool, worker_pool
from ccsim.scenario.schema import Scenario

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Job = tuple[Scenario, int, int, bool, NDArray[np.int64] | None]


def run_replication(
    scenario: Scenario,
    replication: int,
    seed: int,
    keep_calls: bool = False,
    staffing: NDArray[np.int64] | None = None,
    fold_rows: int | None = None,
) -> RepCounts:
    """Simulate one replication and reduce it to counts (what workers return).

    ``staffing`` (groups x intervals) replaces the scenario's agents: the staffing
    search tries many plans of one scenario without rebuilding it. A run that records
    more than ``fold_rows`` rows (default ``ccsim.results.fold.FOLD_ROWS``) folds them
    into counts as it goes, unless its calls are kept (``ccsim.results.fold``).
    """
    m = compile_scenario(scenario)
    if staffing is not None:
        m = dataclasses.replace(m, staffing=np.asarray(staffing, dtype=np.int64))
    sim = Simulation(m, replication, seed)
    fold = Fold(m) if can_fold(m, keep_calls) else None
    if fold is not None:  # a long run folds its rows into counts as it goes
        sim.rec.sink, sim.rec.every = fold, folding.FOLD_ROWS if fold_rows is None else fold_rows
    record = sim.run()
    if fold is not None and sim.rec.flushed:
        return fold.counts(record)
    return aggregate(m, record, keep_calls=keep_calls)


def _job(args: Job) -> RepCounts:
    return run_replication(*args)


def default_workers(replications: int) -> int:
    """Worker processes to use: the machine's cores, at most one per replication."""
    env = os.environ.get("CCSIM_WORKERS")
    if env and env.isdigit() and int(env) > 0:
        return min(int(env), replications)
    return max(1, min(os.cpu_count() or 1, replications))


def run_replications(
    scenario: Scenario,
    replications: int,
    seed: int,
    workers: int | None = None,
    keep_calls: bool = False,
    progress: Progress | None = None,
    backend: str = "processes",
    dask_client: Any = None,
    staffing: NDArray[np.int64] | None = None,
    executor: Executor | None = None,
) -> tuple[list[RepCounts], float]:
    """Run replications ``0 .. replications-1``; return their counts (in order) and wall seconds.

    Parameters
    ----------
    backend : {"processes", "dask"}
        Local worker processes, or a ``dask.distributed`` client (``dask_client``, or a
        new local cluster) for replications beyond one machine.
    staffing : array, optional
        Agents per group and interval, replacing the scenario's.
    executor : Executor, optional
        A pool kept by the caller across many runs (the staffing search).
    """
    t0 = time.perf_counter()
    jobs: list[Job] = [(scenario, r, seed, keep_calls, staffing) for r in range(replications)]
    out = run_jobs(jobs, workers, progress, backend, dask_client, executor)
    return out, time.perf_counter() - t0


def run_jobs(
    jobs: list[Job],
    workers: int | None = None,
    progress: Progress | None = None,
    backend: str = "processes",
    dask_client: Any = None,
    executor: Executor | None = None,
    fn: Callable[[Job], Any] | None = None,
) -> list[Any]:
    """Run replication jobs ``(scenario, replication, seed, keep_calls, staffing)``, in order.

    ``fn`` (a module-level function, so workers can import it) runs each job instead of
    the plain replication: a sweep reduces each replication to its KPIs where it ran.

    Jobs of several scenarios may be mixed (a sweep runs all its points' replications as
    one batch): each job's numbers depend on its own arguments only.
    """
    job_fn = _job if fn is None else fn
    out: list[Any] = []
    if executor is not None:
        out = list(executor.map(job_fn, jobs))
    elif backend == "dask":
        out = _run_dask(jobs, dask_client, progress, job_fn)
    else:
        total = len(jobs)
        n = default_workers(total) if workers is None else max(1, min(workers, total))
        if n == 1:
            for i, job in enumerate(jobs):
                out.append(job_fn(job))
                if progress:
                    progress(i + 1, total)
        else:
            pool = worker_pool(n)
            try:
                for i, res in enumerate(pool.map(job_fn, jobs)):
                    out.append(res)
                    if progress:
                        progress(i + 1, total)
            except BaseException:  # Ctrl-C, SIGTERM, a failed replication: stop at once
                stop_pool(pool)
                raise
            pool.shutdown()
    return out


def _run_dask(
    jobs: list[Job], client: Any, progress: Progress | None, fn: Callable[[Job], Any] = _job
) -> list[Any]:
    try:
        from dask.distributed import Client
    except ImportError:  # pragma: no cover - depends on the optional extra
        raise RuntimeError("backend 'dask' requires dask: pip install 'ccsim[dask]'") from None
    own = client is None
    if own:
        client = Client(processes=True, dashboard_address=None)
    try:
        futures = client.map(fn, jobs, pure=False)
        results = []
        for i, f in enumerate(futures):
            results.append(f.result())
            if progress:
                progress(i + 1, len(jobs))
        return results
    finally:
        if own:
            client.close()
