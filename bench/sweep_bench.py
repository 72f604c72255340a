"""Sweeps in parallel: efficiency of 2 workers against 1, and a Dask cluster's cost per task.

1. Efficiency: a sweep of ``--points`` points x ``--reps`` replications of an M/M/n
   (scenarios/mmn.yaml over ``--hours`` hours, agents 10, 11, ...) run on 1 worker and on
   2 (local processes, then a 2-worker Dask LocalCluster already started and warmed up).
   Efficiency = t1 / (2 t2): 1.0 would be a perfect halving of the wall time.
2. Overhead per task on a LocalCluster of 2 workers: ``--tiny`` tasks of about 1 ms of
   work each; (wall - work / 2) / tasks, the scheduler's and the network's share.
3. One replication of a province day (scenarios/province_10000.yaml), for estimating
   what a larger sweep costs (docs/cluster.md).

With ``--province``, part 1 is a planner's sweep instead: the default province's daily
volume at x0.9, 1.0, 1.1, 1.2 with ``--reps`` replications each (a replication is a whole
province day, about 1 s), on 1 worker and 2 local processes, beside the efficiency of
plain Python arithmetic on 2 processes measured in the same run (what the machine gives
at this moment). Parts 2 and 3 are skipped.

    python bench/sweep_bench.py [--points 8] [--reps 4] [--hours 8] [--tiny 2000]
    python bench/sweep_bench.py --province [--reps 4]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

from pool_trace import plain_reference  # bench/, beside this script

from ccsim.runner.replications import run_replication
from ccsim.runner.sweep import run_sweep
from ccsim.scenario import load_scenario
from ccsim.scenario.vary import grid, parse_vary, point_scenarios

ROOT = Path(__file__).resolve().parents[1]
AGENTS = "centers.main.groups.agents.agents"


def spin(k: int) -> int:
    """About a millisecond of pure-Python work (k = 20,000 on a 2020s core)."""
    s = 0
    for i in range(k):
        s += i * i
    return s


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=8)
    ap.add_argument("--reps", type=int, default=4)
    ap.add_argument("--hours", type=float, default=8.0)
    ap.add_argument("--tiny", type=int, default=2000)
    ap.add_argument("--province", action="store_true", help="sweep the province's volume")
    args = ap.parse_args()
    if args.province:
        province_sweep(args.reps)
        return

    from dask.distributed import Client, LocalCluster

    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.2f}")  # fmt: skip
    base = load_scenario(ROOT / "scenarios" / "mmn.yaml").replace(
        {"horizon.duration_h": args.hours}
    )
    vary = parse_vary(f"{AGENTS}=10:{9 + args.points}:1")
    points = grid([vary])
    scenarios = point_scenarios(base, [vary], points)
    n = len(points) * args.reps

    def timed(**kw: object) -> float:
        t0 = time.perf_counter()
        run_sweep(scenarios, points, args.reps, seed=7, **kw)  # type: ignore[arg-type]
        return time.perf_counter() - t0

    timed(workers=1)  # warm up (imports, caches)
    t1 = timed(workers=1)
    t2 = timed(workers=2)
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        timed(backend="dask", dask_client=client)  # warm the workers up
        t2d = timed(backend="dask", dask_client=client)

        print(f"\n1. Sweep of {len(points)} points x {args.reps} replications "
              f"(mmn over {args.hours:g} h, {n} replications)")  # fmt: skip
        print(f"   1 worker                 {t1:7.2f} s   {t1 / n * 1000:6.1f} ms/replication")
        print(f"   2 local processes        {t2:7.2f} s   efficiency {t1 / (2 * t2):.2f}")
        print(f"   2 Dask workers (local)   {t2d:7.2f} s   efficiency {t1 / (2 * t2d):.2f}")

        k = 20_000
        t0 = time.perf_counter()
        for _ in range(200):
            spin(k)
        work = (time.perf_counter() - t0) / 200
        client.gather(client.map(spin, [k] * 50, pure=False))  # warm up
        t0 = time.perf_counter()
        client.gather(client.map(spin, [k] * args.tiny, pure=False))
        wall = time.perf_counter() - t0
        per_task = (wall - args.tiny * work / 2) / args.tiny
        print(f"\n2. {args.tiny} tasks of {work * 1000:.2f} ms on 2 Dask workers: "
              f"{wall:.2f} s, overhead {per_task * 1000:.2f} ms per task")  # fmt: skip

    province = load_scenario(ROOT / "scenarios" / "province_10000.yaml")
    run_replication(province, 0, 1)  # warm up
    t0 = time.perf_counter()
    for r in range(2):
        run_replication(province, r + 1, 1)
    day = (time.perf_counter() - t0) / 2
    print(f"\n3. Province day ({province.horizon.duration_h:g} h): {day:.2f} s per replication")


def province_sweep(reps: int) -> None:
    """A planner's sweep: the province's daily volume x0.9..1.2, on 1 and 2 workers."""
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.2f}")  # fmt: skip
    base = load_scenario(ROOT / "scenarios" / "province_10000.yaml")
    vary = parse_vary("demand.daily_volume*=0.9,1.0,1.1,1.2")
    points = grid([vary])
    scenarios = point_scenarios(base, [vary], points)
    n = len(points) * reps
    run_replication(base, 0, 1)  # warm up (imports, caches)
    runs = []
    for _ in range(2):  # alternate, so a change in the machine's load hits both
        plain = plain_reference(16, 400_000)
        t0 = time.perf_counter()
        run_sweep(scenarios, points, reps, seed=7, workers=1)
        t1 = time.perf_counter() - t0
        t0 = time.perf_counter()
        run_sweep(scenarios, points, reps, seed=7, workers=2)
        t2 = time.perf_counter() - t0
        runs.append((t1, t2, plain))
    print(f"\n1. Province volume x0.9-1.2, {len(points)} points x {reps} replications ({n})")
    print("     t1 s    t2 s   efficiency   plain Python on 2 processes")
    for t1, t2, plain in runs:
        print(f"   {t1:6.2f}  {t2:6.2f}   {t1 / (2 * t2):10.2f}   {plain:.2f}")
    print(f"   load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
