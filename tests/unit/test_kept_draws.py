"""Per-call draws kept from one run of a replication and read again by later runs.

The staffing search simulates each replication once per plan: with common random
numbers the per-call draws are the same every time, so a worker keeps them
(``ccsim.engine.draws.keeping``). Runs that read kept draws must give exactly the
numbers of runs that draw afresh, whatever plans come before them, including plans
that need more repeat calls than any earlier one (their extra rows are drawn then).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

import ccsim
from ccsim.engine.compile import compile_scenario
from ccsim.engine.draws import keeping
from ccsim.engine.model import Simulation
from ccsim.staffing.evaluation import with_staffing

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def small_province() -> ccsim.Scenario:
    """The default province on a quieter day: redials, returns, IVR and tiers, in a second."""
    doc = yaml.safe_load((SCENARIOS / "province_10000.yaml").read_text())
    doc["demand"]["daily_volume"] //= 10
    return ccsim.parse_scenario(doc)


def records(m, rep, tapes=None):
    with keeping(tapes):
        sim = Simulation(m, rep, 5)
    return sim.run().calls


def test_runs_reading_kept_draws_equal_runs_drawing_afresh() -> None:
    sc = small_province()
    m = compile_scenario(sc)
    # the province's agents for a tenth of its callers, and a tenth of them (busy: callers
    # abandon and redial)
    lean = with_staffing(m, m.staffing // 10)
    # the lean plan has more repeat calls: run after the full one, it reads the rows the
    # full one kept and draws (and keeps) the rest; the full one then reads a part
    for rep in (0, 1):
        repeats = [(records(plan, rep)["kind"] != 0).sum() for plan in (m, lean)]
        assert repeats[0] < repeats[1]
    tapes: dict = {}
    for plan in (m, lean, m, lean):
        for rep in (0, 1):
            kept, fresh = records(plan, rep, tapes), records(plan, rep)
            assert kept.keys() == fresh.keys()
            for k in fresh:
                np.testing.assert_array_equal(kept[k], fresh[k], err_msg=k)
    assert {key[:2] for key in tapes} == {(5, 0), (5, 1)}


def test_two_runs_reading_one_tape_at_once_read_the_same_rows() -> None:
    """Rows are read by position: a run that finds rows another run drew reads those."""
    sc = small_province()
    m = compile_scenario(sc)
    tapes: dict = {}
    with keeping(tapes):
        first, second = Simulation(m, 0, 5), Simulation(m, 0, 5)
    a, b = first.run().calls, second.run().calls
    fresh = records(m, 0)
    for k in fresh:
        np.testing.assert_array_equal(a[k], fresh[k], err_msg=k)
        np.testing.assert_array_equal(b[k], fresh[k], err_msg=k)


def test_draws_are_kept_only_for_replications_expected_to_fit(monkeypatch) -> None:
    """A worker keeps a scenario's draws only if all its replications' rows fit the bound."""
    from ccsim.staffing import figures

    sc = small_province()
    m = compile_scenario(sc)
    rows = figures.rows_per_replication(sc)
    # the day's expected fresh callers and half as many repeat calls
    assert rows == pytest.approx(1.5 * sc.demand.daily_volume)
    job = (sc, 0, 5, False, m.staffing)
    try:
        # its replications would not fit
        monkeypatch.setattr(figures, "TAPE_ROWS", (sc.staffing.replications - 1) * rows)
        figures.drop_kept_draws()
        figures.plan_replication_kept(job)
        assert figures._TAPES == (sc, None)
        monkeypatch.setattr(figures, "TAPE_ROWS", sc.staffing.replications * rows)
        figures.drop_kept_draws()
        kept = figures.plan_replication_kept(job)
        tapes = figures._TAPES[1]
        # every row the replication read (one per call, every attempt), each stream's
        # rounded up to whole blocks of 512
        read = int(kept.counts.cells["calls"].sum())
        assert tapes and all(len(t.rows) % 512 == 0 for t in tapes.values())
        assert read <= sum(len(t.rows) for t in tapes.values()) <= read + 511 * len(tapes)
        # and the figures are those of draws made afresh
        fresh = figures.plan_replication(job)
        for name, v in fresh.values.items():
            np.testing.assert_array_equal(kept.values[name], v, err_msg=name)
    finally:
        figures.drop_kept_draws()
