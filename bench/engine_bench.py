"""Engine speed and memory: ccsim against a plain hand-written SimPy M/M/n, in one run.

1. Speed: the same M/M/n (252 calls/h, 12 agents, exponential 120 s handling, no
   abandonment) simulated long enough for about 200,000 customers, by a textbook SimPy
   model (a process per customer, a Resource for agents, a record per customer) and by
   ccsim from scenarios/mmn.yaml. Customers per second for both and their ratio.
2. Memory: a 200,000-caller day (8,333 calls/h, 290 agents), per-call records included,
   peak traced memory (tracemalloc) of each.
3. The default province (scenarios/province_10000.yaml): wall seconds per simulated day
   for one replication in one process, and its peak traced memory.

    python bench/engine_bench.py [--customers 200000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import platform
import random
import time
import tracemalloc
from pathlib import Path
from typing import Any

import simpy

import ccsim
from ccsim.engine.model import Simulation
from ccsim.runner import simulate
from ccsim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def plain_simpy_mmn(
    rate_per_h: float, aht_s: float, agents: int, horizon_s: float, seed: int
) -> list[tuple[int, float, float, float]]:
    """The textbook SimPy M/M/n: a process per customer, a Resource of agents."""
    env = simpy.Environment()
    pool = simpy.Resource(env, capacity=agents)
    rng = random.Random(seed)
    records: list[tuple[int, float, float, float]] = []
    lam = rate_per_h / 3600.0

    def customer(i: int) -> Any:
        arrived = env.now
        with pool.request() as req:
            yield req
            wait = env.now - arrived
            service = rng.expovariate(1.0 / aht_s)
            yield env.timeout(service)
        records.append((i, arrived, wait, service))

    def source() -> Any:
        i = 0
        while True:
            yield env.timeout(rng.expovariate(lam))
            if env.now >= horizon_s:
                return
            env.process(customer(i))
            i += 1

    env.process(source())
    env.run()
    return records


def ccsim_mmn(rate_per_h: float, aht_s: float, agents: int, horizon_h: float, seed: int) -> Any:
    sc = load_scenario(ROOT / "scenarios" / "mmn.yaml").replace(
        {
            "horizon.duration_h": horizon_h,
            "call_types.general.arrivals.rate_per_h": rate_per_h,
            "call_types.general.handle_time.mean_s": aht_s,
            "centers.main.groups.agents.agents": agents,
            "seed": seed,
        }
    )
    return sc


def best_of(repeat: int, fn: Any) -> tuple[float, Any]:
    best = float("inf")
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def peak_mb(fn: Any) -> float:
    tracemalloc.start()
    tracemalloc.reset_peak()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(
        f"machine: {platform.machine()}, python {platform.python_version()}, simpy {simpy.__version__}, ccsim {ccsim.__version__}"
    )

    rate, aht, n = 252.0, 120.0, 12
    hours = round(args.customers / rate)
    t_plain, recs = best_of(args.repeat, lambda: plain_simpy_mmn(rate, aht, n, hours * 3600.0, 1))
    sc = ccsim_mmn(rate, aht, n, hours, 1)
    t_engine, run = best_of(args.repeat, lambda: Simulation(sc, 0).run())
    t_full, _ = best_of(args.repeat, lambda: simulate(sc, replications=1, workers=1))
    n_plain = len(recs)
    n_ccsim = len(run.calls["outcome"])
    print(f"\n1. M/M/n, {hours:,.0f} h ({rate:g} calls/h, {n} agents): best of {args.repeat}")
    print(
        f"   plain SimPy:             {n_plain:>8,} customers in {t_plain:6.2f} s = {n_plain / t_plain:>9,.0f}/s"
    )
    print(
        f"   ccsim engine:            {n_ccsim:>8,} customers in {t_engine:6.2f} s = {n_ccsim / t_engine:>9,.0f}/s"
    )
    print(
        f"   ccsim simulate+KPIs:     {n_ccsim:>8,} customers in {t_full:6.2f} s = {n_ccsim / t_full:>9,.0f}/s"
    )
    print(
        f"   ratio ccsim engine / plain SimPy:      {(n_ccsim / t_engine) / (n_plain / t_plain):.2f}x"
    )
    print(
        f"   ratio ccsim with KPIs / plain SimPy:   {(n_ccsim / t_full) / (n_plain / t_plain):.2f}x"
    )

    day_rate, day_agents = 200_000 / 24.0, 290
    m_plain = peak_mb(lambda: plain_simpy_mmn(day_rate, aht, day_agents, 86_400.0, 2))
    day = ccsim_mmn(day_rate, aht, day_agents, 24.0, 2)
    m_ccsim = peak_mb(lambda: Simulation(day, 0).run())
    print("\n2. 200,000-caller day, per-call records included: peak traced memory")
    print(
        f"   plain SimPy: {m_plain:7.1f} MiB   ccsim: {m_ccsim:7.1f} MiB   ratio {m_ccsim / m_plain:.2f}x"
    )

    prov = load_scenario(ROOT / "scenarios" / "province_10000.yaml")
    t_prov, res = best_of(args.repeat, lambda: simulate(prov, replications=1, workers=1))
    t_prov_engine, prov_run = best_of(args.repeat, lambda: Simulation(prov, 0).run())
    m_prov = peak_mb(lambda: Simulation(prov, 0).run())
    entries = int(res.kpis().loc["ivr_entries", "mean"])
    print("\n3. default province, one replication in one process")
    print(f"   {entries:,} IVR entries, {len(prov_run.calls['outcome']):,} calls")
    print(
        f"   engine {t_prov_engine:.2f} s per simulated day; with KPIs {t_prov:.2f} s; peak memory {m_prov:.1f} MiB"
    )


if __name__ == "__main__":
    main()
