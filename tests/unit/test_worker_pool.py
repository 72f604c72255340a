"""Worker pools that hold their scenarios, and replications started on speculation.

How replications are handed to workers must never change their numbers: a job that names
its scenario by position gives what a job carrying it gives, and a staffing evaluation
whose later replications start before the first ones are screened gives what the
evaluation without a pool gives, rejected or not.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

import ccsim
from ccsim.engine.compile import compile_scenario
from ccsim.errors import process_alive
from ccsim.runner.pool import pool_for, worker_pool
from ccsim.runner.replications import compiled, drop_jobs, run_jobs, submit_jobs
from ccsim.runner.sweep import run_sweep
from ccsim.scenario.vary import grid, parse_vary, point_scenarios
from ccsim.staffing.evaluation import PlanEvaluator
from tests.unit.test_staffing_search import QUEUE


def _same_counts(a, b) -> None:
    for part in ("cells", "agents", "callers", "queue"):
        x, y = getattr(a, part), getattr(b, part)
        assert x.keys() == y.keys()
        for k in x:
            np.testing.assert_array_equal(x[k], y[k], err_msg=f"{part}.{k}")


def _nap(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def test_a_scenario_is_compiled_once_per_process_and_kept_with_its_model() -> None:
    sc = ccsim.parse_scenario(QUEUE)
    assert compiled(sc) is compiled(sc)
    other = ccsim.parse_scenario(QUEUE)
    assert compiled(other) is not compiled(sc)


def test_jobs_naming_a_held_scenario_give_the_numbers_of_jobs_carrying_it() -> None:
    sc = ccsim.parse_scenario(QUEUE)
    plan = np.full((1, 4), 9, dtype=np.int64)
    jobs = [(sc, r, 3, False, plan) for r in range(3)]
    serial = run_jobs(jobs, 1)
    pool = worker_pool(2, [sc])
    try:
        assert pool.ref(sc) == 0 and pool.ref(ccsim.parse_scenario(QUEUE)) is not sc
        held = run_jobs(jobs, executor=pool)
        started = [f.result() for f in submit_jobs(jobs, pool)]
    finally:
        pool.shutdown()
    for a, b, c in zip(serial, held, started, strict=True):
        _same_counts(a, b)
        _same_counts(a, c)


def test_a_sweep_on_two_workers_gives_the_serial_tables() -> None:
    base = ccsim.parse_scenario(QUEUE)
    vary = parse_vary("centers.c.groups.g.agents=9:11:1")
    points = grid([vary])
    scenarios = point_scenarios(base, [vary], points)
    one = run_sweep(scenarios, points, 2, seed=5, workers=1)
    two = run_sweep(scenarios, points, 2, seed=5, workers=2)
    pd.testing.assert_frame_equal(one.replications, two.replications, check_exact=True)
    pd.testing.assert_frame_equal(one.summary, two.summary, check_exact=True)


def test_dropped_jobs_that_already_run_restart_the_workers_at_once() -> None:
    pool = worker_pool(2)
    try:
        futures = [pool.submit(_nap, 30.0) for _ in range(4)]
        while sum(f.running() for f in futures) < 2:
            time.sleep(0.01)
        t0 = time.perf_counter()
        drop_jobs(futures, pool)
        assert time.perf_counter() - t0 < 10.0  # not the 30 s the workers were given
        assert pool.submit(_nap, 0.0).result() == 0.0  # new workers take new work
    finally:
        pool.shutdown()


def test_speculative_replications_change_no_evaluation() -> None:
    sc = ccsim.parse_scenario(QUEUE)
    m = compile_scenario(sc)
    plain, pooled = (PlanEvaluator(sc, m, 5, w, [False]) for w in (1, 2))
    pool = worker_pool(2, [sc])
    try:
        for evaluator, p in ((plain, None), (pooled, pool)):
            ref = evaluator.evaluate(np.full((1, 4), 12, dtype=np.int64), p)
            short = evaluator.evaluate(np.full((1, 4), 8, dtype=np.int64), p, reference=ref)
            close = evaluator.evaluate(np.full((1, 4), 11, dtype=np.int64), p, reference=ref)
            evaluator.found = (ref, short, close)  # type: ignore[attr-defined]
    finally:
        pool.shutdown()
    assert plain.replications_run == pooled.replications_run
    for a, b in zip(plain.found, pooled.found, strict=True):  # type: ignore[attr-defined]
        assert (a.screened, a.result.replications) == (b.screened, b.result.replications)
        assert [c.name for c, _ in a.failures] == [c.name for c, _ in b.failures]
        for x, y in zip(a.result.reps, b.result.reps, strict=True):
            _same_counts(x, y)
    assert pooled.found[1].screened  # type: ignore[attr-defined]
    assert not pooled.found[2].screened  # type: ignore[attr-defined]


def _all_ended(processes: list, within_s: float = 5.0) -> bool:
    """Whether every process has ended (its exit code known, or its id gone).

    A terminated worker is reaped by whichever thread waits for it first, ours or the
    pool's own manager thread; the loser's ``Process.is_alive()`` may then go on saying
    True for a process that no longer exists, so the process id is asked as well.
    """
    deadline = time.perf_counter() + within_s
    while True:
        if all(p.exitcode is not None or not process_alive(p.pid) for p in processes):
            return True
        if time.perf_counter() > deadline:
            return False
        time.sleep(0.05)


def test_a_runs_own_pool_ends_with_it_and_a_callers_pool_is_left_alone() -> None:
    with pool_for(2) as pool:
        assert pool is not None and pool.submit(_nap, 0.0).result() == 0.0
        processes = list(pool._processes.values())  # type: ignore[union-attr]
    assert not any(p.is_alive() for p in processes)  # shut down at the end
    try:  # an interruption stops the workers at once, without waiting for their tasks
        with pool_for(2) as pool:
            processes = list(pool._processes.values())  # type: ignore[union-attr]
            pool.submit(_nap, 30.0)  # type: ignore[union-attr]
            t0 = time.perf_counter()
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    assert time.perf_counter() - t0 < 10 and _all_ended(processes)
    with pool_for(1) as pool:
        assert pool is None  # one worker: no pool
    mine = worker_pool(2)
    try:
        with pool_for(2, executor=mine) as pool:
            assert pool is mine
        assert mine.submit(_nap, 0.0).result() == 0.0  # still running
    finally:
        mine.shutdown()


def test_figures_reduced_in_the_workers_are_the_whole_results_tables() -> None:
    """Each replication reduced where it ran gives the KPIs of all replications' tables."""
    d = {**QUEUE, "targets": {"service_level": {"threshold_s": 20, "target": 0.8,
                                                "interval_target": 0.7},
                              "abandon_rate": 0.1, "max_occupancy": 0.95}}  # fmt: skip
    sc = ccsim.parse_scenario(d)
    evaluator = PlanEvaluator(sc, compile_scenario(sc), 5, 2, [False])
    ev = evaluator.evaluate(np.full((1, 4), 11, dtype=np.int64), None, full=True)
    res = ev.result
    whole = evaluator.matrices(res.kpi_values(["interval", "group"]))
    for kpi, mat in whole.items():
        np.testing.assert_allclose(ev.cells[kpi], mat, rtol=1e-12, atol=1e-12, err_msg=kpi)
    total = res.kpi_values()
    for kpi in ("service_level", "abandon_rate", "occupancy"):
        np.testing.assert_allclose(ev.period[kpi], total[kpi].to_numpy(), rtol=1e-12)
    per = res.kpi_values(["interval"])["service_level"].unstack("interval").to_numpy()
    np.testing.assert_allclose(ev.interval_sl, per, rtol=1e-12)
