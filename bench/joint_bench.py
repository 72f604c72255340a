"""Two-step against joint staffing and shifts: paid hours at the same simulated targets.

    python bench/joint_bench.py [scenario.yaml ...] [--replications R] [--fresh-seed N]

Staffs each scenario with ``staffing.method: joint`` (which builds and simulates the
two-step roster first, with the same seeds), and prints for both rosters: paid hours,
agent-hours on the phones, the period KPIs with their 95 % intervals, whether every
enforced target holds at the stated confidence, the plans simulated and the time. Each
rostered plan is then simulated again on fresh seeds (another seed, the same
replications) to see whether its targets still hold there.
Default: scenarios/two_skill_overflow.yaml.
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

from ccsim.runner import simulate
from ccsim.scenario import load_scenario
from ccsim.scenario.schema import Scenario
from ccsim.staffing import staff
from ccsim.staffing.checks import enforced_checks, is_met
from ccsim.staffing.evaluation import Evaluation

ROOT = Path(__file__).resolve().parents[1]


def fresh(sc: Scenario, ev: Evaluation, seed: int) -> str:
    """Enforced period targets of a rostered plan on fresh seeds: held at the confidence / on the mean."""
    changes = {
        f"centers.{c.id}.groups.{g.id}.agents": [int(x) for x in ev.plan[k]]
        for k, (c, g) in enumerate(sc.groups)
    }
    s2 = sc.replace(changes)
    reps = sc.staffing.replications
    res = simulate(s2, replications=reps, seed=seed)
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
        ok_b = ok_m = n = 0
        for v in cols:
            v = v[~np.isnan(v)]
            if v.size < 2:
                continue
            n += 1
            half = t * v.std(ddof=1) / math.sqrt(v.size)
            ok_b += is_met(float(v.mean() - half if c.rule == ">=" else v.mean() + half), c)
            ok_m += is_met(float(v.mean()), c)
        out.append(f"{c.name} {ok_b}/{n} at the confidence, {ok_m}/{n} on the mean")
    return "; ".join(out)


def kpi(doc: dict, name: str) -> str:
    k = doc["kpis"].get(name)
    if not k or k.get("mean") is None:
        return "-"
    lo, hi = k["ci95"]
    scale, unit = (100.0, "%") if name != "asa_s" else (1.0, " s")
    return f"{k['mean'] * scale:.1f}{unit} [{lo * scale:.1f}, {hi * scale:.1f}]"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument(
        "scenarios", nargs="*", default=[str(ROOT / "scenarios/two_skill_overflow.yaml")]
    )
    ap.add_argument("--replications", type=int, help="Replications per plan (default: the file's).")
    ap.add_argument("--fresh-seed", type=int, default=9001)
    ap.add_argument("--workers", type=int)
    args = ap.parse_args()
    load = os.getloadavg()[0]
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} · {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()} · load average {load:.1f}")  # fmt: skip
    for path in args.scenarios:
        sc = load_scenario(path)
        changes: dict = {"staffing.method": "joint"}
        if args.replications:
            changes["staffing.replications"] = args.replications
        if not sc.staffing.shifts:
            print(f"{path}: no shift patterns; a day of 8-hour and 4-hour shifts added")
            starts = [f"{h:02d}:{m:02d}" for h in range(24) for m in (0, 30)]
            changes["staffing.shifts"] = [
                {
                    "id": "full",
                    "starts": starts,
                    "length_h": 8,
                    "break_after_h": 4,
                    "break_min": 30,
                },
                {"id": "part", "starts": starts, "length_h": 4},
            ]
        sc = sc.replace(changes)
        t0 = time.perf_counter()
        plan = staff(sc, workers=args.workers)
        wall = time.perf_counter() - t0
        doc = plan.summary()
        rr = plan.roster_result
        assert rr is not None and rr.joint is not None
        two, joint = doc["two_step_roster"], doc["rostered_plan"]
        search_s = plan.search.wall_s
        print(f"\n{sc.name} ({path}): {wall:.1f} s in all; step 2: {plan.search.evaluations} plans "
              f"in {search_s:.1f} s, {plan.hours(plan.simulated):,.1f} simulated agent-hours; "
              f"joint: {rr.joint.evaluations} rostered plans in {rr.joint.wall_s:.1f} s "
              f"({sc.staffing.replications} replications each)")  # fmt: skip
        print(
            "| roster | paid hours | on the phones h | service level [95 % CI] | abandoned [95 % CI] | targets |"
        )
        print("|---|---|---|---|---|---|")
        for name, d in (("two-step", two), ("joint", joint)):
            met = "all met" if d["feasible"] else "missed: " + ", ".join(d["failures"])
            print(f"| {name} | {d['paid_hours']:,.1f} | {d['agent_hours_on_phones']:,.1f} | "
                  f"{kpi(d, 'service_level')} | {kpi(d, 'abandon_rate')} | {met} |")  # fmt: skip
        saved = two["paid_hours"] - joint["paid_hours"]
        print(f"saved {saved:,.1f} paid hours ({saved / two['paid_hours']:.1%})")
        for name, ev in (("two-step", rr.two_step_evaluation), ("joint", rr.evaluation)):
            if ev is not None:
                print(f"fresh seed {args.fresh_seed}, {name}: {fresh(sc, ev, args.fresh_seed)}")


if __name__ == "__main__":
    main()
