"""Wall time of ``ccsim staff`` on the default province (goal: under 20 s on 2 cores).

    python bench/staff_bench.py [scenario.yaml] [--fresh-seed N] [--warm-start FILE] [--scale volume=1.05]

Prints the time of each step, the CPU time of the main process and of the workers
(the work done, steadier than the wall on a shared machine), the plans simulated and
the replications they took (sequential sampling: a plan rejected early counts the
replications it used), the load average, the agent-hours found, and the plan re-simulated on fresh seeds (another
seed, the same replications): which enforced targets still hold at the stated confidence, and on the
mean. Also the time of one replication of the scenario as given, so the search's cost
reads in replications whatever the machine's load. ``--warm-start FILE``: the search
starts from a previous plan (as ``ccsim staff --warm-start``), e.g. the scenario's
committed baseline; ``--scale``: as ``ccsim staff --scale`` (a what-if).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import time
from pathlib import Path

import numpy as np
from scipy import stats

import ccsim
from ccsim.runner import simulate
from ccsim.scenario import load_scenario
from ccsim.staffing import staff
from ccsim.staffing.checks import enforced_checks, is_met

ROOT = Path(__file__).resolve().parents[1]


def fresh_check(plan: ccsim.StaffingPlan, seed: int) -> list[tuple[str, str, str]]:
    """Each enforced target on fresh seeds: (name, at the confidence, on the mean)."""
    sc = plan.staffed_scenario("sim")
    reps = sc.staffing.replications
    res = simulate(sc, replications=reps, seed=seed)
    t = float(stats.t.ppf(sc.staffing.confidence, reps - 1))
    total = res.kpi_values()
    per = res.kpi_values(["interval"])["service_level"].unstack("interval")
    out = []
    for c in enforced_checks(sc):
        if c.scope.startswith("tier:"):
            continue
        cols = (
            [total[c.kpi].to_numpy()] if c.scope == "period" else [per[i].to_numpy() for i in per]
        )
        bound_ok = mean_ok = 0
        n = 0
        for v in cols:
            v = v[~np.isnan(v)]
            if v.size < 2:
                continue
            n += 1
            half = t * v.std(ddof=1) / math.sqrt(v.size)
            bound = v.mean() - half if c.rule == ">=" else v.mean() + half
            bound_ok += is_met(float(bound), c)
            mean_ok += is_met(float(v.mean()), c)
        out.append((c.name, f"{bound_ok}/{n}", f"{mean_ok}/{n}"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios" / "province_10000.yaml"))
    ap.add_argument("--fresh-seed", type=int, default=9001)
    ap.add_argument(
        "--warm-start", help="a previous plan: baseline, staff --json document or plan folder"
    )
    ap.add_argument("--scale", action="append", default=[], help="as ccsim staff --scale")
    args = ap.parse_args()
    sc = load_scenario(args.scenario)
    if args.scale:
        from ccsim.commands.options import with_changes

        sc = with_changes(sc, (), args.scenario, tuple(args.scale))
        print(f"scaled: {', '.join(args.scale)}")
    print(
        f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, python "
        f"{platform.python_version()}, ccsim {ccsim.__version__}"
    )
    print(
        f"{sc.name}: {len(sc.groups)} groups x {sc.horizon.n_intervals} intervals, "
        f"{sc.staffing.replications} replications per plan, budget {sc.staffing.max_evaluations} plans"
    )
    t0 = time.perf_counter()
    simulate(sc, replications=1, seed=sc.seed, workers=1)
    one = time.perf_counter() - t0
    print(f"one replication of the scenario as given: {one:.2f} s")
    load0 = os.getloadavg()[0]
    start = None
    if args.warm_start:
        from ccsim.commands.staff import previous_plan

        start = previous_plan(sc, args.warm_start)
        print(f"warm start from {args.warm_start}")
    cpu0 = os.times()
    t0 = time.perf_counter()
    plan = staff(sc, log=lambda m: None, start=start)
    wall = time.perf_counter() - t0
    cpu1 = os.times()  # the workers are waited for when their pools shut down
    main_cpu = cpu1.user + cpu1.system - cpu0.user - cpu0.system
    workers_cpu = (
        cpu1.children_user + cpu1.children_system - cpu0.children_user - cpu0.children_system
    )
    print(f"load average (1 min): {load0:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")
    s = plan.search
    print(
        f"wall time: {wall:.1f} s for {s.evaluations} simulated plans, {s.replications_run} "
        f"replications in all ({wall / one:.0f} single-replication times); search "
        f"{s.wall_s:.1f} s, Erlang, roster and the rest {wall - s.wall_s:.1f} s"
    )
    print(
        f"CPU time: main process {main_cpu:.1f} s, workers {workers_cpu:.1f} s "
        f"({(main_cpu + workers_cpu) / one:.0f} single-replication times; the work, less "
        "noisy than the wall on a shared machine)"
    )
    for h in s.history:
        print(
            f"  {h['step']:<40} {h['agent_hours']:10,.1f} h  {'met' if h['feasible'] else 'misses ' + ', '.join(h['failures'])}"
        )
    print(
        f"agent-hours: Erlang {plan.hours(plan.erlang):,.1f}, simulated {plan.hours(plan.simulated):,.1f}, "
        f"scheduled {plan.hours(plan.scheduled):,.1f}"
        + (f", rostered {plan.hours(plan.rostered):,.1f}" if plan.rostered is not None else "")
    )
    print(f"feasible: {plan.feasible}")
    print(f"fresh seed {args.fresh_seed}: target, held at the confidence, held on the mean")
    for name, bound, mean in fresh_check(plan, args.fresh_seed):
        print(f"  {name:<28} {bound:>8} {mean:>8}")


if __name__ == "__main__":
    main()
