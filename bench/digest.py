"""A fingerprint of the engine's numbers: SHA-256 of full per-replication results.

Runs every reference scenario under ``scenarios/`` that takes a few seconds (2
replications, seed 11) and the default province (1 replication, its own seed); with
``--slow`` also the larger provinces (1 replication, seed 11). For
each replication it hashes the run's records (every column of calls, samples, orders,
back-office tasks, outbound, lines, transfers) and its counts (``aggregate``, and
``run_replication``, which folds long runs as it goes). A change meant to make the
engine faster must leave every digest unchanged.

    PYTHONPATH=. python bench/digest.py [--only NAME ...] [-v]
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import time
from pathlib import Path
from typing import Any

import numpy as np

from ccsim.engine.model import Simulation
from ccsim.results.aggregate import aggregate
from ccsim.runner.replications import compiled, run_replication
from ccsim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SEED = 11
REPS = 2
# reference scenarios too slow for a quick check (tens of seconds or more per run):
# included with 1 replication by --slow
SLOW = {"province_centralized", "province_hybrid", "province_local", "province_outbound"}
PROVINCE = "province_10000"


def feed(h: Any, obj: Any, path: str = "") -> None:
    """Hash ``obj`` (arrays, dicts, dataclasses, scalars) into ``h``, keys sorted."""
    if obj is None:
        h.update(f"{path}=None;".encode())
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            feed(h, getattr(obj, f.name), f"{path}.{f.name}")
    elif isinstance(obj, dict):
        h.update(f"{path}{{{len(obj)}}};".encode())
        for k in sorted(obj, key=str):
            feed(h, obj[k], f"{path}/{k}")
    elif isinstance(obj, (list, tuple)):
        h.update(f"{path}[{len(obj)}];".encode())
        for i, v in enumerate(obj):
            feed(h, v, f"{path}[{i}]")
    else:
        a = np.ascontiguousarray(np.asarray(obj))
        h.update(f"{path}:{a.dtype.str}{a.shape};".encode())
        h.update(a.tobytes())


def digest_of(obj: Any) -> str:
    h = hashlib.sha256()
    feed(h, obj)
    return h.hexdigest()


def scenario_digest(path: Path, reps: int, seed: int | None) -> tuple[str, list[str], float]:
    sc = load_scenario(path)
    m = compiled(sc)
    s = sc.seed if seed is None else seed
    total = hashlib.sha256()
    parts = []
    t0 = time.perf_counter()
    for r in range(reps):
        run = Simulation(m, r, s).run()
        d_run = digest_of(run)
        d_agg = digest_of(aggregate(m, run))
        d_rep = digest_of(run_replication(sc, r, s))
        parts += [d_run, d_agg, d_rep]
        for d in (d_run, d_agg, d_rep):
            total.update(d.encode())
    return total.hexdigest(), parts, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", help="scenario names (file stems) to run")
    ap.add_argument("-v", "--verbose", action="store_true", help="digest of each part")
    ap.add_argument("--slow", action="store_true", help="also the slow ones, 1 replication")
    args = ap.parse_args()
    files = sorted(
        p for p in (ROOT / "scenarios").glob("*.yaml") if args.slow or p.stem not in SLOW
    )
    if args.only:
        files = [p for p in files if p.stem in args.only]
    everything = hashlib.sha256()
    for p in files:
        province = p.stem == PROVINCE
        reps = 1 if province or p.stem in SLOW else REPS
        d, parts, wall = scenario_digest(p, reps, None if province else SEED)
        everything.update(d.encode())
        print(f"{p.stem:28s} {d[:16]}  ({wall:5.1f} s)", flush=True)
        if args.verbose:
            for x in parts:
                print(f"    {x[:16]}")
    print(f"{'ALL':28s} {everything.hexdigest()}")


if __name__ == "__main__":
    main()
