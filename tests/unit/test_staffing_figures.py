"""The search's figures of one replication equal the result tables' KPIs of that replication.

``reduce_replication`` sums a replication's counts with ``np.bincount`` in the worker
that ran it; here the same figures are taken the long way, from ``SimulationResult``'s
``kpi_values`` (the tables every report reads), and must agree to rounding: per group
and interval, per interval, for the whole period, per tier (at a tier's own threshold
and formula too), and the occupancy of planned groups beside an outbound-only team.
The guide's Erlang tables hold Erlang's figures over each cell's own range.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

import ccsim
from ccsim.engine.compile import Compiled, compile_scenario
from ccsim.results.result import SimulationResult
from ccsim.results.targets import tier_sl_values
from ccsim.runner.replications import run_replication
from ccsim.scenario.schema import Scenario
from ccsim.staffing.checks import enforced_checks
from ccsim.staffing.figures import CELL_KPIS, cell_matrices, reduce_replication

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def table_figures(sc: Scenario, m: Compiled, res: SimulationResult) -> tuple[dict, dict]:
    """The cell KPIs and check values of a one-replication result, from its KPI tables."""
    cells = cell_matrices(m, res.kpi_values(["interval", "group"]))
    fixed = np.asarray([not grp.skills for _, grp in sc.groups])
    total = res.kpi_values()
    out: dict[str, Any] = {}
    for c in enforced_checks(sc):
        if c.scope == "period" and c.kpi == "occupancy" and fixed.any():
            a = res.agents
            keep = a["group"].astype(str).isin(np.asarray(m.group_ids)[~fixed])
            sums = a[keep][["busy_s", "logged_in_s"]].sum()
            out[c.name] = float(sums["busy_s"] / sums["logged_in_s"])
        elif c.scope == "period":
            out[c.name] = float(total[c.kpi].iloc[0])
        elif c.scope == "interval":
            per = res.kpi_values(["interval"])["service_level"].unstack("interval")
            out[c.name] = per.reindex(columns=range(m.n_intervals)).to_numpy(dtype=float)[0]
        else:
            tier = c.scope.split(":", 1)[1]
            spec = sc.tier_list[m.tier_ids.index(tier)].targets
            if c.kpi == "service_level":
                sl = spec.service_level
                out[c.name] = float(tier_sl_values(res, tier, sl.threshold_s, sl.formula)[0])
            else:
                per_tier = res.kpi_values(["tier"])
                out[c.name] = float(per_tier.xs(tier, level="tier")[c.kpi].iloc[0])
    return cells, out


def province_with_tier_targets() -> Scenario:
    """The default province after an hour's warm-up, its first tier with targets of every kind."""
    doc = yaml.safe_load((SCENARIOS / "province_10000.yaml").read_text())
    doc["horizon"]["warmup_h"] = 1
    doc["tiers"][0]["targets"] = {
        "service_level": {"target": 0.95, "threshold_s": 10, "formula": "answered"},
        "abandon_rate": 0.02,
        "answer_rate": 0.97,
        "asa_s": 5,
    }
    return ccsim.parse_scenario(doc)


def outbound_day() -> Scenario:
    """The province with its outbound team (a group of no skills), one quieter day."""
    doc = yaml.safe_load((SCENARIOS / "province_outbound.yaml").read_text())
    doc["horizon"]["duration_h"] = 24
    doc["demand"]["daily_volume"] //= 4
    return ccsim.parse_scenario(doc)


@pytest.mark.parametrize(
    "make", [province_with_tier_targets, outbound_day], ids=["province_tiers", "outbound_day"]
)
def test_search_figures_equal_the_result_tables(make) -> None:
    sc = make()
    m = compile_scenario(sc)
    checks = enforced_checks(sc)
    assert any(c.scope.startswith("tier:") for c in checks)
    counts = run_replication(sc, 0, sc.seed, False, m.staffing)
    figs = reduce_replication(sc, counts)
    cells, values = table_figures(sc, m, SimulationResult(sc, sc.seed, 1, [counts], 0.0, m))
    assert set(figs.cells) == set(CELL_KPIS) == set(cells)
    for kpi in CELL_KPIS:
        np.testing.assert_allclose(figs.cells[kpi], cells[kpi], rtol=1e-12, err_msg=kpi)
        assert np.isnan(figs.cells[kpi][:, : m.warmup_intervals]).all()
    assert set(figs.values) == {c.name for c in checks} == set(values)
    for name, v in values.items():
        np.testing.assert_allclose(figs.values[name], v, rtol=1e-12, err_msg=name)
    # the figures are not trivially equal: the tier's own threshold is a count of its own
    vip = [
        c.name for c in checks if c.scope == f"tier:{m.tier_ids[0]}" and c.kpi == "service_level"
    ]
    assert vip and 0 < figs.values[vip[0]] <= 1


def test_erlang_tables_hold_erlang_a_within_each_cells_range_and_its_last_value_beyond() -> None:
    """The guide's tables: Erlang A (or C without patience) for k in [lo, hi] of each cell."""
    from ccsim.analytics.erlang import queue_metrics
    from ccsim.staffing.guided import Calibration, erlang_tables

    offered = np.array([[180.0, 0.0, 40.0], [900.0, 60.0, 0.0]])
    aht = np.array([[200.0, 200.0, 150.0], [240.0, 300.0, 300.0]])
    plan = np.array([[20, 0, 4], [120, 8, 0]])
    cal = Calibration(
        plan, offered, offered, aht, np.array([90.0, np.inf]), np.zeros((1, 3)), {}, 1.0
    )
    lo = np.array([[17, 0, 2], [100, 6, 0]])
    hi = np.array([[28, 8, 12], [160, 9, 8]])
    t = erlang_tables(cal, lo, hi, 1800.0, 20.0, "offered")
    assert t.sl.shape == (2, 3, 61)
    for g in range(2):
        for i in range(3):
            ks = np.arange(lo[g, i], hi[g, i] + 1)
            if offered[g, i] == 0:  # no calls: every target met
                assert (t.sl[g, i] == 1).all() and (t.abandon[g, i] == 0).all()
                continue
            live = ks > 0
            pat = cal.patience_s[g]
            qm = queue_metrics(
                ks[live].astype(float), offered[g, i] * aht[g, i] / 1800.0, aht[g, i], 20.0,
                pat if np.isfinite(pat) else None,
            )  # fmt: skip
            sl = np.nan_to_num(np.asarray(qm.service_level, dtype=float), nan=0.0)
            width = ks.size
            np.testing.assert_allclose(
                t.sl[g, i, :width][live], np.maximum.accumulate(sl), rtol=1e-12
            )
            # beyond the cell's range: its value at hi, unchanged
            assert (t.sl[g, i, width:] == t.sl[g, i, width - 1]).all()
            assert (t.abandon[g, i, width:] == t.abandon[g, i, width - 1]).all()
            assert (t.asa[g, i, width:] == t.asa[g, i, width - 1]).all()
    assert 0 < t.sl[0, 0, 0] < t.sl[0, 0, 11] <= 1  # service level grows with agents
