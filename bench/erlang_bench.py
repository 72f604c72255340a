"""Erlang staffing speed and accuracy: ccsim against pyworkforce, in one run.

Staffs 100,000 random half-hour intervals (Erlang C, 80% in 20 s) with ccsim's
vectorized inverse Erlang, and a sample of them with pyworkforce's ErlangC (one solve
at a time, as it offers). Prints solves per second for both and their ratio, and how
often the two agree on the number of agents, checking every disagreement against the
exact minimum.

    python bench/erlang_bench.py [--intervals 100000] [--peer-sample 3000]

pyworkforce is a benchmark-only dependency: ``make bench`` installs it.
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np

import ccsim
from ccsim.analytics import Targets, queue_metrics, required_agents


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--intervals", type=int, default=100_000)
    ap.add_argument("--peer-sample", type=int, default=3_000)
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()

    rng = np.random.default_rng(args.seed)
    n = args.intervals
    calls = rng.uniform(1.0, 2_000.0, n).round()
    aht = rng.uniform(120.0, 420.0, n).round()
    interval_s = 1800.0
    traffic = calls * aht / interval_s
    targets = Targets(service_level=0.8, threshold_s=20.0)

    print(f"machine: {platform.machine()} {platform.processor() or ''}".strip())
    print(f"python {platform.python_version()}, ccsim {ccsim.__version__}")
    print(f"{n:,} intervals, load {traffic.min():.1f}-{traffic.max():.1f} Erlangs, SL 80% in 20 s")

    t0 = time.perf_counter()
    ours = np.asarray(required_agents(traffic, aht, targets))
    t_ours = time.perf_counter() - t0
    rate_ours = n / t_ours
    print(f"ccsim (vectorized):      {t_ours:8.3f} s  {rate_ours:12,.0f} solves/s")

    k = min(args.peer_sample, n)
    idx = rng.choice(n, size=k, replace=False)
    t0 = time.perf_counter()
    for i in idx[:2000]:
        required_agents(float(traffic[i]), float(aht[i]), targets)
    t_scalar = time.perf_counter() - t0
    rate_scalar = min(2000, k) / t_scalar
    print(f"ccsim (one at a time):   {t_scalar:8.3f} s  {rate_scalar:12,.0f} solves/s")

    try:
        from pyworkforce.queuing import ErlangC
    except ImportError:
        print("pyworkforce not installed (pip install pyworkforce): peer comparison skipped")
        return
    theirs = np.empty(k, dtype=np.int64)
    t0 = time.perf_counter()
    for j, i in enumerate(idx):
        e = ErlangC(transactions=calls[i], aht=aht[i] / 60.0, asa=20.0 / 60.0, interval=30)
        theirs[j] = e.required_positions(service_level=0.8)["raw_positions"]
    t_peer = time.perf_counter() - t0
    rate_peer = k / t_peer
    print(f"pyworkforce ErlangC:     {t_peer:8.3f} s  {rate_peer:12,.0f} solves/s  ({k:,} sampled)")
    print(f"ratio (ccsim vectorized / pyworkforce): {rate_ours / rate_peer:,.0f}x")
    print(f"ratio (ccsim one at a time / pyworkforce): {rate_scalar / rate_peer:,.1f}x")

    mine = ours[idx]
    same = int((mine == theirs).sum())
    print(f"same answer: {same:,} of {k:,}")
    for j in np.flatnonzero(mine != theirs)[:10]:
        i = idx[j]
        ok = [
            float(np.asarray(queue_metrics(m, traffic[i], aht[i], 20.0).service_level))
            for m in (mine[j] - 1, mine[j], theirs[j])
        ]
        print(
            f"  differs: {traffic[i]:.3f} Erl, aht {aht[i]:.0f}: ccsim {mine[j]} "
            f"(SL {ok[1]:.5f}; one fewer gives {ok[0]:.5f}), "
            f"pyworkforce {theirs[j]} (SL {ok[2]:.5f})"
        )


if __name__ == "__main__":
    main()
