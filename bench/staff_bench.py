"""Wall time of ``ccsim staff`` on the default province (goal: under 2 minutes on 2 cores).

    python bench/staff_bench.py [scenario.yaml]

Prints the time of each step, the number of plans simulated and the agent-hours found.
"""

from __future__ import annotations

import platform
import sys
import time
from pathlib import Path

import ccsim
from ccsim.scenario import load_scenario
from ccsim.staffing import staff

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "scenarios" / "province_10000.yaml"
    sc = load_scenario(path)
    print(
        f"machine: {platform.machine()}, python {platform.python_version()}, ccsim {ccsim.__version__}"
    )
    print(
        f"{sc.name}: {len(sc.groups)} groups x {sc.horizon.n_intervals} intervals, "
        f"{sc.staffing.replications} replications per plan, budget {sc.staffing.max_evaluations} plans"
    )
    t0 = time.perf_counter()
    plan = staff(sc, log=lambda m: None)
    wall = time.perf_counter() - t0
    print(
        f"wall time: {wall:.1f} s for {plan.search.evaluations} simulated plans "
        f"({plan.search.wall_s / max(plan.search.evaluations, 1):.2f} s each); roster and the rest {wall - plan.search.wall_s:.1f} s"
    )
    print(
        f"agent-hours: Erlang {plan.hours(plan.erlang):,.1f}, simulated {plan.hours(plan.simulated):,.1f}, "
        f"scheduled {plan.hours(plan.scheduled):,.1f}"
        + (f", rostered {plan.hours(plan.rostered):,.1f}" if plan.rostered is not None else "")
    )
    print(f"feasible: {plan.feasible}")


if __name__ == "__main__":
    main()
