"""An intraday answer for the default province at 11:00: wall time, with recommendations.

A state is taken from one simulated day (``ccsim run --snapshot-at 11:00``); then
``intraday`` runs on it as it is, and on a bad day made from it (the rest of the day
staffed at 75 % of the plan, agents now at 70 %, 150 more callers waiting), where the
call-in search has work to do. The machine is shared: the load average is printed, and
each wall time also as a ratio to one replication of the province day (one process)
timed in the same run, before and after; and the CPU seconds used (this process and its
workers: the work done, which the load moves much less than the wall time).

    python bench/intraday_bench.py [--replications 10]
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numpy as np

import ccsim
from ccsim.engine.compile import compile_scenario
from ccsim.intraday import intraday, parse_state, snapshot


def cpu_s() -> float:
    """CPU seconds of this process and of its finished child processes (the workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replications", type=int, default=10)
    args = ap.parse_args()
    sc = ccsim.load_scenario("scenarios/province_10000.yaml")
    t0, c0 = time.perf_counter(), cpu_s()
    ccsim.simulate(sc, replications=1, workers=1)
    ref = [time.perf_counter() - t0]
    ref_cpu = cpu_s() - c0
    print(f"load average {os.getloadavg()[0]:.1f}; one replication of the day: {ref[0]:.1f} s")
    res = ccsim.simulate(sc, replications=1, keep_calls=True)
    data = snapshot(res, "11:00")
    m = compile_scenario(sc)
    busy: dict[str, int] = {}
    for c in data["in_progress"]:
        busy[c["group"]] = busy.get(c["group"], 0) + 1
    bad = dict(data)
    bad["agents_now"] = {g: max(busy.get(g, 0), n * 7 // 10) for g, n in data["agents_now"].items()}
    bad["waiting"] = [*data["waiting"], {"call_type": "query", "count": 150, "waited_s": [0, 200]}]
    bad["staffing"] = {
        g: [int(x * 0.75) for x in m.staffing[i, 22:]] for i, g in enumerate(m.group_ids)
    }
    walls, cpus = [], []
    for name, d in (("as simulated", data), ("bad day", bad)):
        state = parse_state(d, sc)
        t0, c0 = time.perf_counter(), cpu_s()
        t_start = time.perf_counter()

        def log(msg: str, t_start: float = t_start) -> None:
            print(f"  {time.perf_counter() - t_start:5.1f} s  {msg}")

        out = intraday(sc, state, replications=args.replications, log=log)
        wall = time.perf_counter() - t0
        walls.append(wall)
        cpus.append(cpu_s() - c0)
        doc = out.to_dict()
        hours = doc["actions"][-1]["agent_hours"] if doc["actions"] else 0.0
        print(
            f"{name}: {wall:.1f} s ({cpus[-1]:.1f} CPU s), {len(doc['actions'])} action steps, "
            f"{hours:.1f} extra agent-hours, day SL "
            f"{np.nanmean(out.day['service_level']):.1%} before actions"
        )
    t0, c0 = time.perf_counter(), cpu_s()
    ccsim.simulate(sc, replications=1, workers=1)
    ref.append(time.perf_counter() - t0)
    ref_cpu = (ref_cpu + cpu_s() - c0) / 2
    r = sum(ref) / 2
    print(
        f"load average {os.getloadavg()[0]:.1f}; one replication of the day: {ref[1]:.1f} s "
        f"(mean {r:.1f} s); walls / reference: " + ", ".join(f"{w / r:.1f}" for w in walls)
    )
    print(
        f"CPU of one replication of the day: {ref_cpu:.1f} s; CPU / reference: "
        + ", ".join(f"{c / ref_cpu:.1f}" for c in cpus)
    )


if __name__ == "__main__":
    main()
