"""Forecasting a week from a year of 15-minute history for 10 call types: time and memory.

The history is synthetic (a weekly and an intraday pattern, a trend, a gamma day
multiplier of cv 0.08, Poisson counts), written once as a counts table under
``outputs/``; then ``forecast(..., days=7)``, with its 4-week backtest of every method,
runs in a fresh process, whose wall time and peak resident memory (``ru_maxrss``) are
reported.

    python bench/forecast_bench.py
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

CHILD = """
import json, resource, sys, time
from ccsim.data import forecast, read_history
t0 = time.perf_counter()
h = read_history(sys.argv[1])
t1 = time.perf_counter()
fc, report = forecast(h, days=7)
t2 = time.perf_counter()
print(json.dumps({"read_s": t1 - t0, "forecast_s": t2 - t1, "total_s": t2 - t0,
                  "method": report.method, "rows": len(fc),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def write_history(path: Path, days: int, types: int, interval_min: int, seed: int) -> None:
    """A synthetic counts table: ``timestamp, call_type, calls``."""
    rng = np.random.default_rng(seed)
    spd = 1440 // interval_min
    x = np.arange(spd)
    shape = np.exp(-0.5 * ((x - spd * 0.45) / (spd * 0.15)) ** 2) + 0.05
    shape /= shape.sum()
    weekly = np.array([1.1, 1.0, 1.0, 1.0, 0.95, 0.7, 0.6])
    t0 = pd.Timestamp("2025-01-06")  # a Monday
    d = np.arange(days)
    mult = rng.gamma(1 / 0.08**2, 0.08**2, days)
    times = pd.date_range(t0, periods=days * spd, freq=f"{interval_min}min")
    frames = []
    for k in range(types):
        daily = 500.0 * (k + 1) * (1 + 0.001 * d) * weekly[d % 7] * mult
        calls = rng.poisson(daily[:, None] * shape[None, :]).ravel()
        frames.append(
            pd.DataFrame({"timestamp": times, "call_type": f"type{k:02d}", "calls": calls})
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.concat(frames, ignore_index=True).to_csv(path, index=False)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--types", type=int, default=10)
    ap.add_argument("--interval-min", type=int, default=15)
    ap.add_argument("--out", default="outputs/bench-forecast")
    args = ap.parse_args()
    path = Path(args.out) / f"history-{args.days}d-{args.types}x{args.interval_min}min.csv"
    if not path.exists():
        t0 = time.perf_counter()
        write_history(path, args.days, args.types, args.interval_min, seed=1)
        print(f"wrote the history in {time.perf_counter() - t0:.1f} s: {path}", file=sys.stderr)
    res = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)], check=True, capture_output=True, text=True
    )
    out = json.loads(res.stdout.strip().splitlines()[-1])
    print(
        f"history: {args.days} days x {args.types} call types at {args.interval_min} min "
        f"({path.stat().st_size / 2**20:.1f} MiB CSV)"
    )
    print(
        f"read {out['read_s']:.1f} s + forecast {out['forecast_s']:.1f} s (backtest included; "
        f"chose {out['method']}) = {out['total_s']:.1f} s; peak RSS {out['peak_mb']:.0f} MiB"
    )


if __name__ == "__main__":
    main()
