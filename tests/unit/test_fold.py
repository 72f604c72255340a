"""Folding per-call rows into counts during the run gives the counts of the whole run.

Two reference designs scaled down to a few thousand callers a day, over two days, with
returns, redials, tiers, dialects, work orders and back offices (centralized) and
overflow between sites (hybrid). The repeat-caller block and the FCR window are made
short so that answered calls wait for their caller flags and settle during the run.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from ccsim.engine.arrivals import DAY_S, DrawnArrivals, draw_arrivals
from ccsim.engine.compile import compile_scenario
from ccsim.engine.model import Simulation
from ccsim.engine.streams import generator
from ccsim.results.aggregate import RepCounts
from ccsim.results.cell_store import CellStore, compact
from ccsim.runner import simulate
from ccsim.runner.replications import run_replication
from ccsim.scenario import parse_scenario
from ccsim.scenario.schema import Scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
SCALE = 1 / 15


def _scaled(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k in ("agents", "handlers") and isinstance(v, list):
                out[k] = [math.ceil(x * SCALE) for x in v]
            elif k in ("agents", "handlers") and isinstance(v, int):
                out[k] = math.ceil(v * SCALE)
            elif k == "daily_volume":
                out[k] = round(v * SCALE)
            else:
                out[k] = _scaled(v)
        return out
    if isinstance(node, list):
        return [_scaled(x) for x in node]
    return node


def small(name: str, **kpi: float) -> Scenario:
    data = _scaled(yaml.safe_load((SCENARIOS / name).read_text()))
    data = {k: v for k, v in data.items() if not k.startswith("x-")}
    data["horizon"] = {**data["horizon"], "duration_h": 48, "warmup_h": 2}
    data["kpi"] = {
        **data["kpi"],
        "repeat_caller_window_days": 0.5,
        "fcr_window_h": 3,
        "repeat_caller_calls": 2,
        **kpi,
    }
    return parse_scenario(data)


#: attempt chains (a call and its redials) are counted within the rows folded together:
#: a chain whose redial comes after a fold counts as two (see docs, memory of long runs)
CHAINS = ("chains_requesting", "chains_answered_within")


def assert_same_counts(a: RepCounts, b: RepCounts) -> None:
    """Counts exactly equal, seconds to 1e-9 relative (the order of sums differs)."""
    assert list(a.cells) == list(b.cells)
    whole, folded = a.cells["chains_requesting"].sum(), b.cells["chains_requesting"].sum()
    # a split needs a redial in a later fold: splits only add, at most one per redial
    assert whole <= folded <= whole + a.cells["redials"].sum(), (whole, folded)
    for part in ("cells", "agents", "callers", "queue", "work_orders", "back_office", "outbound"):
        da, db = getattr(a, part), getattr(b, part)
        assert set(da) == set(db), part
        for k in da:
            x, y = np.asarray(da[k], dtype=float), np.asarray(db[k], dtype=float)
            assert x.shape == y.shape, (part, k)
            if part == "cells" and k in CHAINS:
                continue
            if k.endswith("_s"):
                np.testing.assert_allclose(y, x, rtol=1e-9, atol=1e-9, err_msg=f"{part}.{k}")
            else:
                np.testing.assert_array_equal(y, x, err_msg=f"{part}.{k}")
    assert a.end_s == b.end_s


@pytest.mark.parametrize("name", ["province_centralized.yaml", "province_hybrid.yaml"])
def test_a_folded_run_counts_what_the_whole_run_counts(name):
    sc = small(name)
    whole = run_replication(sc, 0, sc.seed)
    folded = run_replication(sc, 0, sc.seed, fold_rows=500)
    assert whole.cells["fcr_resolved"].sum() > 0 and whole.cells["repeat_calls"].sum() > 0
    assert whole.cells["returns"].sum() > 0 and whole.cells["redials"].sum() > 0
    if name == "province_centralized.yaml":
        assert whole.cells["orders_raised"].sum() > 0
    else:
        assert whole.cells["transfers"].sum() > 0
    assert_same_counts(whole, folded)
    # compact: whole-number counters as int32, seconds as float64
    assert folded.cells["answered"].dtype == np.int32
    assert folded.cells["talk_s"].dtype == np.float64


def test_the_rows_are_handed_over_in_chunks_at_interval_boundaries():
    sc = small("province_hybrid.yaml")
    m = compile_scenario(sc)
    seen: list[tuple[int, float, int]] = []
    sim = Simulation(m, 0)
    sim.rec.sink = lambda rows, now, waiting: seen.append((rows["caller"].size, now, waiting.size))
    sim.rec.every = 2000
    run = sim.run()
    assert len(seen) > 3
    assert run.calls["caller"].size == 0  # every row was handed over
    *during, last = seen
    assert all(n >= 2000 and now % m.interval_s == 0 and now < m.horizon_s for n, now, _ in during)
    assert last[1] == run.end_s and last[2] == 0
    # a run that never gathers enough rows keeps them all, as without a sink
    quiet = Simulation(m, 0)
    quiet.rec.sink, quiet.rec.every = seen.append, 10**9
    rows = quiet.run().calls
    assert rows["caller"].size == sum(n for n, _, _ in seen)


def test_short_runs_take_the_unfolded_path_bit_for_bit():
    sc = small("province_hybrid.yaml")
    a = run_replication(sc, 0, sc.seed, fold_rows=10**9)
    b = run_replication(sc, 0, sc.seed, keep_calls=True, fold_rows=500)  # kept calls never fold
    for k in a.cells:
        assert a.cells[k].dtype == b.cells[k].dtype
        np.testing.assert_array_equal(a.cells[k], b.cells[k])
    for k in a.agents:
        np.testing.assert_array_equal(a.agents[k], b.agents[k])
    assert b.calls is not None and b.calls["caller"].size > 0


def test_folded_runs_repeat_exactly_and_do_not_depend_on_workers(monkeypatch):
    monkeypatch.setattr("ccsim.results.fold.FOLD_ROWS", 500)
    sc = small("province_hybrid.yaml").replace({"horizon.duration_h": 24})
    one = simulate(sc, replications=2, workers=1)
    two = simulate(sc, replications=2, workers=2)
    assert one.reps[0].cells["answered"].dtype == np.int32  # the runs folded
    for r1, r2 in zip(one.reps, two.reps, strict=True):
        for k in r1.cells:
            np.testing.assert_array_equal(r1.cells[k], r2.cells[k])
        for k in r1.agents:
            np.testing.assert_array_equal(r1.agents[k], r2.agents[k])
    assert one.kpis().equals(two.kpis())


def test_cells_merge_chunk_by_chunk_into_the_sums(monkeypatch):
    monkeypatch.setattr("ccsim.results.cell_store.BLOCK_CELLS", 3)
    m = compile_scenario(small("province_hybrid.yaml"))
    rng = np.random.default_rng(1)
    store = CellStore(m)
    chunks = []
    for lo in (0, 5, 3, 40, 41):  # later chunks may reach back into earlier cells
        n = 12
        chunk: dict[str, Any] = {
            "interval": rng.integers(lo, lo + 4, n),
            "call_type": rng.integers(0, 2, n),
            "tier": np.zeros(n, dtype=np.int64),
            "network": rng.integers(0, 3, n),
            "group": rng.integers(-1, 2, n),
            "answered": rng.integers(0, 5, n).astype(float),
            "talk_s": rng.random(n) * 100,
        }
        key = store.key(chunk)
        _, first = np.unique(key, return_index=True)  # one row per cell, as cell_counts
        chunk = {k: v[first] for k, v in chunk.items()}
        chunks.append(chunk)
        store.add(chunk)
    got = store.result()
    both = {k: np.concatenate([c[k] for c in chunks]) for k in chunks[0]}
    uniq, inv = np.unique(store.key(both), return_inverse=True)
    np.testing.assert_array_equal(store.key(got), uniq)
    np.testing.assert_array_equal(got["answered"], np.bincount(inv, weights=both["answered"]))
    np.testing.assert_allclose(got["talk_s"], np.bincount(inv, weights=both["talk_s"]))
    assert got["answered"].dtype == np.int32 and got["interval"].dtype == np.int32
    assert compact({"x": np.array([0.5])})["x"].dtype == np.float64  # fractional stays float


def test_arrivals_drawn_day_by_day_are_those_drawn_at_once():
    sc = small("province_hybrid.yaml").replace({"horizon.duration_h": 50, "horizon.start": "08:30"})
    m = compile_scenario(sc)
    factors = np.ones(m.n_days) * 1.1
    busy = np.linspace(0.9, 1.2, m.n_days)
    for k, seg in enumerate(m.segments):
        at_once = draw_arrivals(seg, factors, busy, generator(3, 0, f"a{k}"))
        src = DrawnArrivals(seg, factors, busy, generator(3, 0, f"a{k}"))
        parts = []
        end = 0.0
        while src.left():
            end += DAY_S
            parts.append(src.take(end)[0])
        assert at_once.size > 0 and len(parts) == 3
        np.testing.assert_array_equal(np.concatenate(parts), at_once)
