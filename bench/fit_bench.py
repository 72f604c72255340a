"""Fitting a month of the default province's call log: wall time and peak memory.

The log is made once with ``ccsim run --calls`` (the province over ``--days`` days, one
replication) and kept in ``--log-dir``; then ``ccsim fit`` runs on it in a fresh process,
whose peak resident memory (``ru_maxrss``) is reported with its wall time.

    python bench/fit_bench.py --days 30            # about 2 million calls
    python bench/fit_bench.py --days 30 --check    # with the backtest (4 replications)
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import time
from pathlib import Path

CHILD = """
import json, resource, sys, time
from ccsim.data import fit
from ccsim.data.calllog import load_call_log
t0 = time.perf_counter()
log = load_call_log(sys.argv[1])
t1 = time.perf_counter()
scenario, report = fit(log)
t2 = time.perf_counter()
out = {"rows": log.rows_read, "read_s": t1 - t0, "fit_s": t2 - t1, "total_s": t2 - t0}
if sys.argv[2] == "check":
    from ccsim.data.backtest import backtest
    backtest(scenario, report, replications=4, seed=1)
    out["check_s"] = time.perf_counter() - t2
out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=float, default=30.0)
    ap.add_argument("--log-dir", default="outputs/bench-fit-log")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    folder = Path(f"{args.log_dir}-{args.days:g}d")
    log = folder / "calls.csv.gz"
    if not log.exists():
        t0 = time.perf_counter()
        subprocess.run(
            [str(Path(sys.executable).with_name("ccsim")), "run", "scenarios/province_10000.yaml",
             "--replications", "1", "--calls", "--no-figures", "--out", str(folder),
             "--set", f"horizon.duration_h={24 * args.days:g}"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        print(f"made the log in {time.perf_counter() - t0:.1f} s: {log}", file=sys.stderr)
    with gzip.open(log, "rt") as fh:
        rows = sum(1 for _ in fh) - 1
    res = subprocess.run(
        [sys.executable, "-c", CHILD, str(log), "check" if args.check else "-"],
        check=True,
        capture_output=True,
        text=True,
    )
    out = json.loads(res.stdout.strip().splitlines()[-1])
    print(
        f"log: {rows:,} calls over {args.days:g} days ({log.stat().st_size / 2**20:.0f} MiB gzip)"
    )
    print(
        f"read {out['read_s']:.1f} s + fit {out['fit_s']:.1f} s = {out['total_s']:.1f} s; "
        f"peak RSS {out['peak_mb']:.0f} MiB"
        + (f"; backtest (4 replications) {out['check_s']:.1f} s" if "check_s" in out else "")
    )


if __name__ == "__main__":
    main()
