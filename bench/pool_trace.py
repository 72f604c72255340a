"""Where the wall time of 2 workers goes: each task's start and end in the worker that ran it.

    python bench/pool_trace.py sweep [--hours 8] [--points 8] [--reps 4] [--runs 3]
    python bench/pool_trace.py staff [scenario.yaml]

``sweep``: the sweep of ``bench/sweep_bench.py`` (mmn, agents 10, 11, ...) on 1 worker and
on 2 local processes, ``--runs`` times alternately. For the 2-worker run, the wall time
is split into what the workers did and what they waited for: start-up (until a worker's
first task), gaps between tasks, the tail (a worker done while the other still runs) and
the end (from the last task to the sweep's tables). ``work x`` is the workers' task
time over the single worker's: above 1 the tasks themselves ran slower side by side (a
shared or busy machine), which no runner can recover. A reference of plain Python
arithmetic on 1 and 2 processes, measured in the same run, shows what the machine gives.

``staff``: the staffing search (``ccsim staff``) with every replication's start and end,
split into the time both workers simulated, the time one waited for the other at the end
of a batch (tail), and the time both waited for the main process (KPIs, the model's next
plan). Times come from ``time.perf_counter``, one clock for every process on Linux.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
AGENTS = "centers.main.groups.agents.agents"

Span = tuple[int, float, float]  # pid, start, end


def traced(fn: Callable[[Any], Any], log: str) -> Callable[[Any], Any]:
    """``fn`` that appends ``pid start end`` to ``log`` (importable by name: it replaces fn)."""

    def run(job: Any) -> Any:
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn(job)
        t1, c1 = time.perf_counter(), time.process_time()
        with open(log, "a") as f:
            f.write(f"{os.getpid()} {t0} {t1} {c1 - c0}\n")
        return out

    run.__module__, run.__qualname__ = fn.__module__, fn.__qualname__
    return run


def spans(log: str, cpu: list[float] | None = None) -> list[Span]:
    """The tasks logged since the last call (and their CPU seconds, into ``cpu``)."""
    with open(log) as f:
        rows = [line.split() for line in f if line.strip()]
    open(log, "w").close()
    if cpu is not None:
        cpu.extend(float(r[3]) for r in rows)
    return [(int(p), float(a), float(b)) for p, a, b, _ in rows]


def split(t0: float, t_end: float, tasks: list[Span]) -> dict[str, float]:
    """Seconds of a run on 2 workers: busy, start-up, gaps, tail and end (summed over workers)."""
    last = max(e for _, _, e in tasks)
    out = {"busy": 0.0, "start": 0.0, "gaps": 0.0, "tail": 0.0}
    for pid in sorted({p for p, _, _ in tasks}):
        mine = sorted((s, e) for p, s, e in tasks if p == pid)
        out["busy"] += sum(e - s for s, e in mine)
        out["start"] += mine[0][0] - t0
        out["gaps"] += sum(mine[i + 1][0] - mine[i][1] for i in range(len(mine) - 1))
        out["tail"] += last - mine[-1][1]
    out["end"] = 2 * (t_end - last)
    return out


def spin(k: int) -> float:
    t0 = time.perf_counter()
    s = 0
    for i in range(k):
        s += i * i
    return time.perf_counter() - t0


def plain_reference(tasks: int = 32, k: int = 300_000) -> float:
    """Efficiency of plain Python arithmetic on 2 processes against 1, on this machine now."""
    t0 = time.perf_counter()
    for _ in range(tasks):
        spin(k)
    t1 = time.perf_counter() - t0
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(spin, [1000, 1000]))
        t0 = time.perf_counter()
        list(pool.map(spin, [k] * tasks))
        t2 = time.perf_counter() - t0
    return t1 / (2 * t2)


def sweep(args: argparse.Namespace) -> None:
    from ccsim.runner import sweep as S
    from ccsim.scenario import load_scenario
    from ccsim.scenario.vary import grid, parse_vary, point_scenarios

    log = tempfile.NamedTemporaryFile(prefix="ccsim-trace-", delete=False).name
    S._kpi_job = traced(S._kpi_job, log)  # type: ignore[assignment]
    base = load_scenario(ROOT / "scenarios" / "mmn.yaml").replace(
        {"horizon.duration_h": args.hours}
    )
    vary = parse_vary(f"{AGENTS}=10:{9 + args.points}:1")
    points = grid([vary])
    scenarios = point_scenarios(base, [vary], points)

    def run(workers: int) -> tuple[float, float, list[Span]]:
        t0 = time.perf_counter()
        S.run_sweep(scenarios, points, args.reps, seed=7, workers=workers)
        return t0, time.perf_counter(), spans(log)

    run(1)  # warm up
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; sweep of "
          f"{len(points)} points x {args.reps} replications of mmn over {args.hours:g} h")  # fmt: skip
    print("  2 workers' time (2 x t2) in %: busy, start-up, gaps, tail, end")
    print("   t1 s   t2 s   eff  plain |  busy start  gaps  tail   end | work x")
    for _ in range(args.runs):
        a0, a1, serial = run(1)
        b0, b1, par = run(2)
        ref = plain_reference()
        t1, t2 = a1 - a0, b1 - b0
        sp = split(b0, b1, par)
        work = sp["busy"] / sum(e - s for _, s, e in serial)
        pc = {k: 100 * v / (2 * t2) for k, v in sp.items()}
        cols = " ".join(f"{pc[k]:5.1f}" for k in ("busy", "start", "gaps", "tail", "end"))
        print(f"  {t1:5.2f}  {t2:5.2f}  {t1 / (2 * t2):4.2f}  {ref:5.2f} | {cols} | {work:5.2f}")
    print(f"  load average {os.getloadavg()[0]:.2f}")


def staff(args: argparse.Namespace) -> None:
    from ccsim.runner import replications as R
    from ccsim.scenario import load_scenario
    from ccsim.staffing import staff as staff_plan

    log = tempfile.NamedTemporaryFile(prefix="ccsim-trace-", delete=False).name
    R._job = traced(R._job, log)  # type: ignore[assignment]
    from ccsim.staffing import evaluation as EV
    from ccsim.staffing import figures as F

    # the search's replications are reduced where they run (ccsim.staffing.figures)
    F.plan_replication = traced(F.plan_replication, log)  # type: ignore[assignment]
    EV.plan_replication = F.plan_replication  # type: ignore[attr-defined]
    sc = load_scenario(args.scenario)
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    t0, c0 = time.perf_counter(), time.process_time()
    R.run_replication(sc, 0, sc.seed)
    one, one_cpu = time.perf_counter() - t0, time.process_time() - c0
    t0 = time.perf_counter()
    plan = staff_plan(sc, log=lambda m: None)
    t1 = time.perf_counter()
    cpu: list[float] = []
    tasks = spans(log, cpu)
    s = plan.search
    # both workers busy, one waiting (a batch's tail), both waiting (the main process)
    edges = sorted([(a, 1) for _, a, _ in tasks] + [(b, -1) for _, _, b in tasks])
    spent = {0: 0.0, 1: 0.0, 2: 0.0}
    running, prev = 0, t0
    for t, d in edges:
        spent[min(running, 2)] += t - prev
        running, prev = running + d, t
    spent[0] += t1 - prev
    busy = sum(b - a for _, a, b in tasks)
    wall = t1 - t0
    print(f"{sc.name}: one replication {one:.2f} s; {s.evaluations} plans, "
          f"{s.replications_run} replications, wall {wall:.1f} s ({wall / one:.0f} replications)")  # fmt: skip
    print(f"  replications: {busy:.1f} s of work, {busy / len(tasks):.2f} s each "
          f"({busy / len(tasks) / one:.2f} x the scenario as given)")  # fmt: skip
    # CPU seconds do not stretch with the machine's load as wall seconds do
    per_cpu = sum(cpu) / len(cpu)
    print(f"  CPU: {per_cpu:.2f} s a replication ({per_cpu / one_cpu:.2f} x the scenario as "
          f"given, {one_cpu:.2f} s); wall over CPU in the workers {busy / sum(cpu):.2f}")  # fmt: skip
    for k, what in ((2, "both workers simulating"), (1, "one simulating, one waiting"),
                    (0, "both waiting for the main process")):  # fmt: skip
        print(f"  {what:<36} {spent[k]:6.1f} s  {100 * spent[k] / wall:5.1f} %")
    for h in s.history:
        print(
            f"    {h['step']:<44} {h['agent_hours']:10,.1f} h  {'met' if h['feasible'] else 'misses'}"
        )
    print(f"  efficiency of the workers: {busy / (2 * wall):.2f}; load average "
          f"{os.getloadavg()[0]:.2f}")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="what", required=True)
    a = sub.add_parser("sweep")
    a.add_argument("--hours", type=float, default=8.0)
    a.add_argument("--points", type=int, default=8)
    a.add_argument("--reps", type=int, default=4)
    a.add_argument("--runs", type=int, default=3)
    b = sub.add_parser("staff")
    b.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios" / "province_10000.yaml"))
    args = ap.parse_args()
    (sweep if args.what == "sweep" else staff)(args)


if __name__ == "__main__":
    main()
