"""Worker processes for replications that end with the process that started them.

Workers ignore Ctrl-C (the main process handles it and stops them) and exit on their
own when the main process is gone, even after ``kill -9``: a watcher thread notices
that their parent changed. On an interruption the pool is stopped without waiting for
the replications still running.

A pool may be given the scenarios its jobs will run when it starts (``worker_pool(n,
scenarios)``): each worker receives them once, and a job then names its scenario by
position instead of carrying it (``WorkerPool.ref``), so the worker compiles it once
(``ccsim.runner.replications``) rather than unpickling and compiling it per replication.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from ccsim.errors import HELD, process_alive, signals_held

PARENT_CHECK_S = 0.5

#: in a worker: the scenarios its pool was started with, by position
_INSTALLED: tuple[Any, ...] = ()


class WorkerPool(Executor):
    """A process pool that knows which scenarios its workers hold, and can start afresh.

    ``restart`` ends the workers at once (what they run is lost) and starts new ones:
    a replication begun on speculation that is no longer wanted costs no more than the
    start of a worker.
    """

    def __init__(self, workers: int, scenarios: Sequence[Any] = ()) -> None:
        self.workers = workers
        self.scenarios = tuple(scenarios)  # kept alive: their ids name them below
        self._ids = {id(sc): k for k, sc in enumerate(self.scenarios)}
        self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        # Ctrl-C and SIGTERM held: a signal that comes while a worker is being forked
        # reaches it only after it has set its own handlers
        with signals_held():
            pool = ProcessPoolExecutor(
                max_workers=self.workers, initializer=_init_worker,
                initargs=(os.getpid(), self.scenarios),
            )  # fmt: skip
            for f in [pool.submit(_ready) for _ in range(self.workers)]:
                f.result()
        return pool

    @property
    def _processes(self) -> Any:
        return self._pool._processes

    def ref(self, scenario: Any) -> Any:
        """What a job sends for ``scenario``: its position if the workers hold it, else itself."""
        return self._ids.get(id(scenario), scenario)

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        """``fn(*args, **kwargs)`` in a worker."""
        return self._pool.submit(fn, *args, **kwargs)

    def map(self, fn: Any, *iterables: Any, timeout: Any = None, chunksize: int = 1) -> Any:
        """``fn`` over the iterables in the workers, results in order."""
        return self._pool.map(fn, *iterables, timeout=timeout, chunksize=chunksize)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """End the workers once their tasks are done (or cancelled)."""
        self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)

    def restart(self) -> None:
        """End the workers now (their tasks are lost) and start as many new ones."""
        stop_pool(self._pool)
        self._pool = self._start()


def installed(ref: Any) -> Any:
    """The scenario a job names: an ``int`` is a position in the worker's scenarios."""
    return _INSTALLED[ref] if isinstance(ref, int) else ref


def _watch_parent(parent: int) -> None:
    # the main process, not the worker's own parent: under a fork server they differ
    while True:
        time.sleep(PARENT_CHECK_S)
        if not process_alive(parent):
            os._exit(1)  # the main process is gone: nobody will read our results


def _init_worker(parent: int, scenarios: tuple[Any, ...] = ()) -> None:
    global _INSTALLED
    _INSTALLED = scenarios
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):  # blocked while the pool started (see below)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, HELD)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _ready() -> bool:
    return True


def worker_pool(workers: int, scenarios: Sequence[Any] = ()) -> WorkerPool:
    """A process pool whose workers end when this process ends.

    The workers are started at once, with Ctrl-C and SIGTERM held: a signal that comes
    while a worker is being forked reaches it only after it has set its own handlers.
    Each worker receives ``scenarios`` once (under ``fork``, without pickling them).
    """
    return WorkerPool(workers, scenarios)


@contextmanager
def pool_for(
    workers: int, scenarios: Sequence[Any] = (), executor: Executor | None = None
) -> Iterator[Executor | None]:
    """The pool of one run: the caller's ``executor`` as it is, else a pool of its own.

    A pool of its own (``worker_pool``; none for one worker) is shut down when the run
    ends, and stopped at once when it is interrupted (Ctrl-C, SIGTERM, an error): the
    replications still running are not waited for. A caller's executor (a Dask
    cluster's) is never shut down here.
    """
    if executor is not None:
        yield executor
        return
    pool = worker_pool(workers, scenarios) if workers > 1 else None
    try:
        yield pool
    except BaseException:
        if pool is not None:
            stop_pool(pool)
            pool = None
        raise
    finally:
        if pool is not None:
            pool.shutdown()


def stop_pool(pool: Executor) -> None:
    """Stop a pool at once: cancel what is queued and end the running workers."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        if p.is_alive():
            p.terminate()
    for p in processes:
        p.join(timeout=5)
