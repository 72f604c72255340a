"""Peak memory of one replication of the default province against the simulated days.

Each horizon runs in a fresh process (one replication, one worker), so the peak
resident memory it reports (``ru_maxrss``) is that replication's alone: the imports,
the records the engine keeps during the run and their reduction to counts per cell.
Past ``ccsim.results.fold.FOLD_ROWS`` records a run folds them into counts as it goes
("folded": its cells are then in compact types), so its peak follows its cells.

    python bench/memory_bench.py --days 1 30 365
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CHILD = """
import json, resource, sys, time
import ccsim
from ccsim.runner import run_replication
sc = ccsim.load_scenario("scenarios/province_10000.yaml")
sc = sc.replace({"horizon.duration_h": 24 * float(sys.argv[1])})
t0 = time.perf_counter()
counts = run_replication(sc, 0, sc.seed)
wall = time.perf_counter() - t0
cells = sum(v.nbytes for v in counts.cells.values())
print(json.dumps({"calls": float(counts.cells["calls"].sum()), "cells_mb": cells / 2**20,
                  "folded": counts.cells["calls"].dtype.kind == "i",
                  "wall_s": wall,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=float, nargs="+", default=[1.0, 30.0, 365.0])
    args = ap.parse_args()
    base = None
    print("days | calls | folded | wall (s) | peak RSS (MiB) | cells (MiB) | MiB per extra day")
    for days in args.days:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(days)], capture_output=True, text=True, check=True
        )
        r = json.loads(out.stdout)
        per_day = "" if base is None else f"{(r['peak_mb'] - base[1]) / (days - base[0]):.1f}"
        base = base or (days, r["peak_mb"])
        print(
            f"{days:g} | {r['calls']:,.0f} | {'yes' if r['folded'] else 'no'} | "
            f"{r['wall_s']:.1f} | {r['peak_mb']:,.0f} | "
            f"{r['cells_mb']:.1f} | {per_day}"
        )


if __name__ == "__main__":
    main()
