"""Worker processes for replications that end with the process that started them.

Workers ignore Ctrl-C (the main process handles it and stops them) and exit on their
own when the main process is gone, even after ``kill -9``: a watcher thread notices
that their parent changed. On an interruption the pool is stopped without waiting for
the replications still running.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor

from ccsim.errors import HELD, process_alive, signals_held

PARENT_CHECK_S = 0.5


def _watch_parent(parent: int) -> None:
    # the main process, not the worker's own parent: under a fork server they differ
    while True:
        time.sleep(PARENT_CHECK_S)
        if not process_alive(parent):
            os._exit(1)  # the main process is gone: nobody will read our results


def _init_worker(parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):  # blocked while the pool started (see below)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, HELD)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _ready() -> bool:
    return True


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool whose workers end when this process ends.

    The workers are started at once, with Ctrl-C and SIGTERM held: a signal that comes
    while a worker is being forked reaches it only after it has set its own handlers.
    """
    with signals_held():
        pool = ProcessPoolExecutor(
            max_workers=workers, initializer=_init_worker, initargs=(os.getpid(),)
        )
        for f in [pool.submit(_ready) for _ in range(workers)]:
            f.result()
    return pool


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop a pool at once: cancel what is queued and end the running workers."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        if p.is_alive():
            p.terminate()
    for p in processes:
        p.join(timeout=5)
