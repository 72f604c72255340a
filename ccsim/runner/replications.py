"""Running replications: in this process, in parallel processes, or on a Dask cluster.

Each replication draws from its own named streams (seed, replication, name), so the
numbers do not depend on how many workers run them or in which order they finish.

A scenario is compiled once per process and kept while it is in use (``compiled``): a
sweep point's replications, or every plan of the staffing search, share one compiled
model, and a local pool's workers receive the scenarios once when they start
(``ccsim.runner.pool``) rather than with every replication.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ccsim.engine.compile import Compiled, compile_scenario
from ccsim.engine.draws import DrawTape, keeping
from ccsim.engine.model import Simulation
from ccsim.results import fold as folding
from ccsim.results.aggregate import RepCounts, aggregate
from ccsim.results.fold import Fold, can_fold
from ccsim.runner.pool import WorkerPool, installed, stop_pool, worker_pool
from ccsim.scenario.schema import Scenario

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
# the scenario, or its position among the scenarios a pool's workers hold (pool.installed)
Job = tuple[Scenario | int, int, int, bool, NDArray[np.int64] | None]

#: compiled models of the scenarios run lately in this process, by the scenario's id (the
#: scenario is kept with its model, so its id cannot name another object meanwhile)
_COMPILED: dict[int, tuple[Scenario, Compiled]] = {}
_COMPILED_MAX = 16


def compiled(scenario: Scenario) -> Compiled:
    """The compiled model of ``scenario``, compiled on its first use in this process."""
    hit = _COMPILED.get(id(scenario))
    if hit is not None and hit[0] is scenario:
        return hit[1]
    m = compile_scenario(scenario)
    if len(_COMPILED) >= _COMPILED_MAX:
        _COMPILED.pop(next(iter(_COMPILED)))  # the oldest
    _COMPILED[id(scenario)] = (scenario, m)
    return m


def run_replication(
    scenario: Scenario | int,
    replication: int,
    seed: int,
    keep_calls: bool = False,
    staffing: NDArray[np.int64] | None = None,
    fold_rows: int | None = None,
    tapes: dict[Any, DrawTape] | None = None,
) -> RepCounts:
    """Simulate one replication and reduce it to counts (what workers return).

    ``staffing`` (groups x intervals) replaces the scenario's agents: the staffing
    search tries many plans of one scenario without rebuilding it. A run that records
    more than ``fold_rows`` rows (default ``ccsim.results.fold.FOLD_ROWS``) folds them
    into counts as it goes, unless its calls are kept (``ccsim.results.fold``). An
    ``int`` scenario is a position among the scenarios this worker's pool holds.
    ``tapes``: the per-call draws of earlier runs of this replication, read again
    (``ccsim.engine.draws.keeping``; the same numbers).
    """
    m = compiled(installed(scenario))
    if staffing is not None:
        m = dataclasses.replace(m, staffing=np.asarray(staffing, dtype=np.int64))
    with keeping(tapes):
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
    if isinstance(executor, WorkerPool):  # its workers hold some scenarios: name those
        out = list(executor.map(job_fn, [(executor.ref(j[0]), *j[1:]) for j in jobs]))
    elif executor is not None:
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
            scenarios = list({id(j[0]): j[0] for j in jobs}.values())
            pool = worker_pool(n, scenarios)  # each worker receives the scenarios once
            try:
                for i, res in enumerate(pool.map(job_fn, [(pool.ref(j[0]), *j[1:]) for j in jobs])):
                    out.append(res)
                    if progress:
                        progress(i + 1, total)
            except BaseException:  # Ctrl-C, SIGTERM, a failed replication: stop at once
                stop_pool(pool)
                raise
            pool.shutdown()
    return out


def submit_jobs(
    jobs: list[Job], executor: Executor, fn: Callable[[Job], Any] | None = None
) -> list[Future[Any]]:
    """Start replication jobs on a pool kept by the caller; their futures, in order.

    Unlike ``run_jobs`` this does not wait: the caller may read the first results and
    give up the rest (``drop_jobs``).
    """
    job_fn = _job if fn is None else fn
    if isinstance(executor, WorkerPool):
        return [executor.submit(job_fn, (executor.ref(j[0]), *j[1:])) for j in jobs]
    return [executor.submit(job_fn, j) for j in jobs]


def drop_jobs(futures: list[Future[Any]], executor: Executor) -> None:
    """Give up jobs no longer wanted: those not started are cancelled.

    On a local pool (``WorkerPool``) whose workers already run some of them, the
    workers are replaced at once rather than left to finish work nobody will read;
    elsewhere (a Dask cluster) their results are dropped when they come.
    """
    running = [f for f in futures if not f.cancel() and not f.done()]
    if running and isinstance(executor, WorkerPool):
        executor.restart()


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
        # each worker receives the scenarios once (and compiles each once), not per task
        scenarios = list({id(j[0]): j[0] for j in jobs}.values())
        sent = client.scatter(scenarios, broadcast=True, hash=False)
        held = dict(zip(map(id, scenarios), sent, strict=True))
        futures = client.map(fn, [(held[id(j[0])], *j[1:]) for j in jobs], pure=False)
        results = []
        for i, f in enumerate(futures):
            results.append(f.result())
            if progress:
                progress(i + 1, len(jobs))
        return results
    finally:
        if own:
            client.close()
